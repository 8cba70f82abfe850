// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// @title Tender prover staking
/// @notice Provers stake native ETH to take part in the market. Stake is withdrawn in two steps
/// (request, then withdraw after `unstakeDelay()`), so it stays slashable while a prover's last
/// jobs can still be challenged. The market may lock part of a prover's stake while it backs
/// open assignments, and slashes stake for invalid proofs.
interface ITenderStaking {
    /// @notice The amount is zero where a positive amount is required.
    error ZeroAmount();
    /// @notice The prover's active stake would end up between zero and the minimum.
    /// @param prover the prover
    /// @param stake the active stake the call would leave
    /// @param minimum the minimum stake
    error StakeBelowMinimum(address prover, uint256 stake, uint256 minimum);
    /// @notice An unstake request asks for more than is free (not pending, not locked).
    /// @param prover the prover
    /// @param requested the amount asked for
    /// @param available the amount that can be unstaked now
    error UnstakeExceedsAvailable(address prover, uint256 requested, uint256 available);
    /// @notice There is no pending unstake request to withdraw.
    error NoPendingUnstake(address prover);
    /// @notice The unstake delay has not passed yet.
    /// @param prover the prover
    /// @param readyAt the timestamp from which the withdrawal is allowed
    error UnstakeNotReady(address prover, uint64 readyAt);
    /// @notice Withdrawing would leave less stake than the market has locked for open assignments.
    /// @param prover the prover
    /// @param remaining the stake left after the withdrawal
    /// @param locked the stake locked by the market
    error StakeLocked(address prover, uint256 remaining, uint256 locked);
    /// @notice Only the market contract may call this function.
    error OnlyMarket(address caller);

    /// @notice A prover added stake.
    event Staked(address indexed prover, uint256 amount, uint256 totalStake);
    /// @notice A prover asked to unstake `pending` in total, withdrawable from `readyAt`.
    event UnstakeRequested(address indexed prover, uint256 amount, uint256 pending, uint64 readyAt);
    /// @notice A prover withdrew stake after the delay.
    event StakeWithdrawn(address indexed prover, uint256 amount);
    /// @notice The market set the stake locked for a prover's open assignments.
    event StakeLockSet(address indexed prover, uint256 locked);
    /// @notice The market slashed a prover; the ETH went to the market for distribution.
    event StakeSlashed(address indexed prover, uint256 amount, uint256 remainingStake);

    /// @notice Adds `msg.value` to the caller's stake. The active stake must reach `minimumStake()`.
    function stake() external payable;

    /// @notice Starts (or tops up) an unstake request; the delay restarts for the whole pending amount.
    /// @param amount wei to move from active to pending; the rest must be 0 or at least the minimum
    function requestUnstake(uint256 amount) external;

    /// @notice Withdraws the pending amount once the delay has passed and locks are still covered.
    /// @return amount the wei sent to the caller
    function withdrawStake() external returns (uint256 amount);

    /// @notice Sets the stake the market has locked for `prover`'s open assignments (absolute, idempotent).
    /// @dev Market only.
    function setLocked(address prover, uint256 amount) external;

    /// @notice Removes up to `amount` from `prover`'s stake (pending included) and sends it to the market.
    /// @dev Market only.
    /// @return slashed the wei actually removed
    function slash(address prover, uint256 amount) external returns (uint256 slashed);

    /// @notice The market contract, the only account that may lock and slash stake.
    function market() external view returns (address);

    /// @notice The least active stake a prover must hold to take part.
    function minimumStake() external view returns (uint256);

    /// @notice Seconds between an unstake request and its withdrawal.
    function unstakeDelay() external view returns (uint64);

    /// @notice The prover's active stake: total stake minus the pending unstake amount.
    function stakeOf(address prover) external view returns (uint256);

    /// @notice The prover's full stake record.
    /// @return total all staked wei still held (active + pending)
    /// @return pending wei requested for withdrawal
    /// @return locked wei the market has locked for open assignments
    /// @return readyAt when the pending amount can be withdrawn (0 when none)
    function stakeInfo(address prover)
        external
        view
        returns (uint256 total, uint256 pending, uint256 locked, uint64 readyAt);
}
