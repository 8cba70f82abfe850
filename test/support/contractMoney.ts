/** One settled job as the market database records it. */
export interface SettledJob {
  requester: string;
  prover: string;
  priceWei: bigint;
}

/** What settling some batches moves, by address (lowercase), as `TenderMarket.settleBatch` computes it. */
export interface BatchMoney {
  /** Per batch (by on-chain batch id): what was charged in total and the fee kept. */
  batches: Map<bigint, { charged: bigint; fee: bigint }>;
  requesterDebits: Map<string, bigint>;
  proverCredits: Map<string, bigint>;
  /** All prices (what the provers got in total). */
  prices: bigint;
  /** The market fee accrued to the treasury. */
  fees: bigint;
}

const add = (map: Map<string, bigint>, key: string, amount: bigint) =>
  map.set(key, (map.get(key) ?? 0n) + amount);

/**
 * The money of settled batches under the deployed contract's rule (read from
 * contracts/src/TenderMarket.sol `settleBatch`, as issue 5 asks: requester pays
 * price + fee, prover receives its full price): per batch, each requester is
 * charged the sum `p` of its jobs' prices plus `floor(p × feeBps / 10 000)`
 * (the fee floored once on that sum, not per job), each prover is credited its
 * prices in full, and the fees accrue to the treasury.
 */
export function contractBatchMoney(
  batches: ReadonlyMap<bigint, readonly SettledJob[]>,
  feeBps: number,
): BatchMoney {
  const money: BatchMoney = {
    batches: new Map(),
    requesterDebits: new Map(),
    proverCredits: new Map(),
    prices: 0n,
    fees: 0n,
  };
  for (const [batchId, jobs] of batches) {
    const owed = new Map<string, bigint>();
    for (const job of jobs) {
      add(owed, job.requester.toLowerCase(), job.priceWei);
      add(money.proverCredits, job.prover.toLowerCase(), job.priceWei);
      money.prices += job.priceWei;
    }
    let charged = 0n;
    let fee = 0n;
    for (const [requester, price] of owed) {
      const cut = (price * BigInt(feeBps)) / 10_000n;
      add(money.requesterDebits, requester, price + cut);
      charged += price + cut;
      fee += cut;
    }
    money.batches.set(batchId, { charged, fee });
    money.fees += fee;
  }
  return money;
}
