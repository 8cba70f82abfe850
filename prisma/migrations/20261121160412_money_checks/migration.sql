-- Written by hand: Prisma's schema language has no CHECK constraints, and
-- Prisma Migrate leaves constraints it does not model alone when diffing.
-- They are the last line of defence for money: whatever a repository does,
-- wei amounts stay non-negative and a prover never has more collateral
-- locked than it has.

-- AddCheckConstraint
ALTER TABLE "provers" ADD CONSTRAINT "provers_collateral_check"
    CHECK ("collateral_locked_wei" >= 0 AND "collateral_locked_wei" <= "collateral_total_wei");

-- AddCheckConstraint
ALTER TABLE "provers" ADD CONSTRAINT "provers_amounts_check"
    CHECK ("price_floor_wei" >= 0 AND "stake_wei" >= 0);

-- AddCheckConstraint
ALTER TABLE "jobs" ADD CONSTRAINT "jobs_max_fee_wei_check" CHECK ("max_fee_wei" >= 0);

-- AddCheckConstraint
ALTER TABLE "bids" ADD CONSTRAINT "bids_amounts_check" CHECK ("price_wei" >= 0 AND "collateral_wei" >= 0);

-- AddCheckConstraint
ALTER TABLE "assignments" ADD CONSTRAINT "assignments_amounts_check"
    CHECK ("price_wei" >= 0 AND "collateral_locked_wei" >= 0);

-- AddCheckConstraint
ALTER TABLE "slashes" ADD CONSTRAINT "slashes_amounts_check"
    CHECK ("slashed_wei" >= 0 AND "challenger_reward_wei" >= 0 AND "requester_reward_wei" >= 0);
