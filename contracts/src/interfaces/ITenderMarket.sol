// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {ICircuitRegistry} from "./ICircuitRegistry.sol";
import {ITenderStaking} from "./ITenderStaking.sol";

/// @title Tender market
/// @notice Requester escrow, batch settlement of Groth16 proofs with one randomized pairing check,
/// per-batch result roots, and slashing of provers who signed invalid proofs.
/// @dev EIP-712 domain: name "Tender", version "1", the chain id, verifyingContract = this market.
/// A job's id is the EIP-712 digest of its `JobRequest` (see `jobIdOf`). Ownership (`owner`,
/// two-step `transferOwnership`/`acceptOwnership`) and EIP-5267 `eip712Domain` come from
/// OpenZeppelin's `Ownable2Step` and `EIP712`.
interface ITenderMarket {
    /// @notice A requester's signed request (EIP-712 type
    /// `JobRequest(address requester,bytes32 circuitId,bytes32 inputHash,uint256 maxFee,uint64 deadline,uint256 nonce)`).
    struct JobRequest {
        address requester;
        bytes32 circuitId;
        bytes32 inputHash;
        /// the most the job's price (what its prover is paid) may be; the market fee comes on top
        uint256 maxFee;
        uint64 deadline;
        uint256 nonce;
    }

    /// @notice A prover's signed proof submission (EIP-712 type
    /// `ProofSubmission(bytes32 jobId,bytes32 circuitId,bytes32 proofHash,bytes32 publicSignalsHash,address prover)`).
    struct ProofSubmission {
        bytes32 jobId;
        bytes32 circuitId;
        bytes32 proofHash;
        bytes32 publicSignalsHash;
        address prover;
    }

    /// @notice A prover's sealed bid (EIP-712 type
    /// `Bid(bytes32 jobId,uint256 price,uint64 etaMs,uint64 expiresAt,address prover)`): the prover's
    /// consent to prove the job at `price`. Checked on-chain only in claims (see `claimMissedDeadline`).
    struct Bid {
        bytes32 jobId;
        uint256 price;
        uint64 etaMs;
        uint64 expiresAt;
        address prover;
    }

    /// @notice An operator's award of a job to a prover (EIP-712 type
    /// `Award(bytes32 jobId,address prover,uint256 price,uint256 collateral,uint64 proveBy,bytes32 publicSignalsHash)`):
    /// the prover's ticket to settle its own job (`settleAwarded`) and, with the prover's bid, the
    /// requester's claim material when the prover misses (`claimMissedDeadline`).
    struct Award {
        bytes32 jobId;
        address prover;
        /// what the prover is paid (≤ the request's maxFee and ≤ the prover's bid)
        uint256 price;
        /// the SLA credit the prover owes the requester if the job is not delivered
        uint256 collateral;
        /// until then only the operator settles the job; after it the prover may settle it itself
        uint64 proveBy;
        /// keccak256 of the expected public signals: the job's statement
        bytes32 publicSignalsHash;
    }

    /// @notice A Groth16 proof; `b` in EIP-197 order (imaginary part first).
    struct Groth16Proof {
        uint256[2] a;
        uint256[2][2] b;
        uint256[2] c;
    }

    /// @notice The market's fixed parameters.
    struct MarketParams {
        /// market fee in bps, charged to requesters on top of the prices they pay (per batch and
        /// requester: floor(sum of the requester's prices × feeBps / 10,000))
        uint16 feeBps;
        /// share of a prover's stake one invalid proof costs, in bps
        uint16 slashBps;
        /// share of a slash paid to the challenger, in bps
        uint16 challengerShareBps;
        /// share of a slash paid to the job's requester, in bps (the rest goes to the treasury)
        uint16 requesterShareBps;
        /// seconds between an unstake request and its withdrawal (staking)
        uint64 unstakeDelay;
        /// least active stake of a prover, in wei (staking)
        uint256 minimumStake;
    }

    // ---------------------------------------------------------------- errors

    /// @notice The amount is zero where a positive amount is required.
    error ZeroAmount();
    /// @notice An address parameter is zero.
    error ZeroAddress();
    /// @notice A basis-point parameter is above 10,000 (or two shares add up to more).
    error InvalidBps(uint256 value);
    /// @notice The caller is not an operator.
    error NotOperator(address caller);
    /// @notice Two arrays that go together differ in length.
    error LengthMismatch(uint256 left, uint256 right);
    /// @notice ETH arrived from someone other than the staking contract without `deposit`.
    error UnexpectedEther(address sender);
    /// @notice An account's balance is too small for a withdrawal or a batch's charges.
    error InsufficientBalance(address account, uint256 balance, uint256 needed);
    /// @notice The batch encoding is malformed at (or around) `offset` bytes into the batch.
    error MalformedBatch(uint256 offset);
    /// @notice The batch holds no items.
    error EmptyBatch();
    /// @notice The circuit is not in the registry.
    error CircuitNotRegistered(bytes32 circuitId);
    /// @notice The verification key in calldata does not hash to the registered one.
    error VerificationKeyMismatch(bytes32 circuitId, bytes32 registered, bytes32 given);
    /// @notice The batched pairing check failed: at least one proof in the batch is invalid.
    error BatchVerificationFailed();
    /// @notice The request's deadline has passed.
    error RequestExpired(bytes32 jobId, uint64 deadline);
    /// @notice The job's price (paid to its prover) is above the request's `maxFee` (the market fee,
    /// charged on top, does not count against `maxFee`).
    error PriceAboveMaxFee(bytes32 jobId, uint256 price, uint256 maxFee);
    /// @notice The request signature is not the requester's (or is malleable).
    error InvalidRequestSignature(bytes32 jobId, address requester);
    /// @notice The requester's nonce was already used (or invalidated).
    error NonceAlreadyUsed(address requester, uint256 nonce);
    /// @notice There is no batch with this id.
    error UnknownBatch(uint256 batchId);
    /// @notice Too little gas left to run a verification whose failure would be acted upon.
    error InsufficientGas(uint256 gasLeft, uint256 needed);
    /// @notice The submission's job id is not the request's.
    error JobMismatch(bytes32 submitted, bytes32 computed);
    /// @notice The submission's circuit is not the request's.
    error CircuitMismatch(bytes32 requested, bytes32 submitted);
    /// @notice The proof does not hash to the signed proof hash.
    error ProofHashMismatch(bytes32 signed, bytes32 computed);
    /// @notice The public signals do not hash to the signed public-signals hash.
    error PublicSignalsHashMismatch(bytes32 signed, bytes32 computed);
    /// @notice The submission signature is not the prover's (or is malleable).
    error InvalidProverSignature(address prover);
    /// @notice The proof verifies: a valid proof is never slashed.
    error ProofIsValid(bytes32 jobId);
    /// @notice This prover was already slashed for this job.
    error AlreadySlashed(bytes32 jobId, address prover);
    /// @notice The prover has no stake to slash.
    error NothingToSlash(address prover);
    /// @notice There is no pending withdrawal, or it is not ready yet (`readyAt`, 0 when none).
    error WithdrawalNotReady(address account, uint64 readyAt);
    /// @notice A withdrawal delay outside [MIN_WITHDRAWAL_DELAY, MAX_WITHDRAWAL_DELAY].
    error InvalidWithdrawalDelay(uint64 delay);
    /// @notice The award is not signed by an operator, or does not belong to this request/bid.
    error InvalidAward(bytes32 jobId);
    /// @notice The bid is not the awarded prover's signed bid for this job, or is cheaper than the award.
    error InvalidBid(bytes32 jobId, address prover);
    /// @notice The call comes too early or too late for this job (`from` < now ≤ `until` required).
    error OutsideWindow(bytes32 jobId, uint256 from, uint256 until);
    /// @notice The proof does not verify, or proves other public signals than the award's.
    error ProofNotAccepted(bytes32 jobId);
    /// @notice The job was settled (delivered): no missed-deadline claim.
    error JobSettled(bytes32 jobId);

    // ---------------------------------------------------------------- events

    /// @notice ETH was added to `account`'s balance.
    event Deposited(address indexed account, address indexed from, uint256 amount);
    /// @notice `account` withdrew ETH from its balance.
    event Withdrawn(address indexed account, uint256 amount);
    /// @notice A batch was verified, paid and recorded.
    /// @param batchId the batch's id (1, 2, …)
    /// @param root the Merkle root of its results
    /// @param jobs the number of jobs in it
    /// @param charged wei taken from requesters: their prices plus the market fee
    /// @param fee wei of `charged` that went to the treasury (the rest, the prices, went to provers)
    event BatchSettled(uint256 indexed batchId, bytes32 root, uint256 jobs, uint256 charged, uint256 fee);
    /// @notice A prover was slashed for a signed invalid proof.
    event ProverSlashed(
        bytes32 indexed jobId,
        address indexed prover,
        address indexed challenger,
        uint256 amount,
        uint256 toChallenger,
        uint256 toRequester,
        uint256 toTreasury
    );
    /// @notice `account` asked to withdraw `amount` (its whole pending total), from `readyAt`.
    event WithdrawalRequested(address indexed account, uint256 amount, uint64 readyAt);
    /// @notice The withdrawal delay changed (applies to later requests).
    event WithdrawalDelaySet(uint64 delay);
    /// @notice A prover settled its own awarded job (one-job batch `batchId`, root = the job's leaf).
    event AwardSettled(
        uint256 indexed batchId, bytes32 indexed jobId, address indexed prover, uint256 price, uint256 fee
    );
    /// @notice A prover missed an awarded job; `amount` of its stake went to the requester.
    event MissedDeadlineClaimed(
        bytes32 indexed jobId, address indexed prover, address indexed requester, uint256 amount
    );
    /// @notice A requester invalidated nonces (`mask` bits of word `wordPos`).
    event NoncesInvalidated(address indexed requester, uint256 wordPos, uint256 mask);
    /// @notice An operator was enabled or disabled.
    event OperatorSet(address indexed operator, bool enabled);

    // ---------------------------------------------------------------- escrow

    /// @notice Adds `msg.value` to the caller's balance.
    function deposit() external payable;

    /// @notice Adds `msg.value` to `account`'s balance.
    function depositFor(address account) external payable;

    /// @notice Asks to withdraw `amount` more of the caller's balance; the whole pending amount is
    /// sent by `completeWithdrawal` after `withdrawalDelay()` (counted from this request). Until then
    /// the pending amount stays in the balance and settlement may still draw on it, so a job signed
    /// before the request is paid whatever the requester does.
    function requestWithdrawal(uint256 amount) external;

    /// @notice Sends the pending withdrawal (what is left of it after settlements) to the caller.
    /// @return amount the wei sent
    function completeWithdrawal() external returns (uint256 amount);

    /// @notice The caller's pending withdrawal: the amount asked for and when it can complete.
    function pendingWithdrawal(address account) external view returns (uint256 amount, uint64 readyAt);

    /// @notice Seconds between a withdrawal request and its completion.
    function withdrawalDelay() external view returns (uint64);

    /// @notice Sets the withdrawal delay (bounded; applies to later requests). Owner only.
    function setWithdrawalDelay(uint64 delay) external;

    /// @notice The account's balance: requester escrow, prover earnings, slash shares and fees alike.
    function balanceOf(address account) external view returns (uint256);

    // ---------------------------------------------------------------- settlement

    /// @notice Verifies every proof of a batch with one randomized pairing check, charges each
    /// requester and pays each prover (netted per account), marks the request nonces used and
    /// records the batch's result root. Operators only.
    /// @dev Money, per requester in the batch: with `p` the sum of its prices, it is debited
    /// `p + floor(p × feeBps / 10,000)` (reverts `InsufficientBalance` with that total as `needed`),
    /// each prover is credited the full sum of its prices, and the fees accrue to the treasury. The
    /// signed `maxFee` caps a job's price (`price ≤ maxFee`, else `PriceAboveMaxFee`); the market fee
    /// is charged on top of it, so a requester's escrow must cover prices plus fee.
    /// @param batch the packed batch (layout in contracts/README.md; built by `@tender/chain`)
    /// @return batchId the new batch's id
    function settleBatch(bytes calldata batch) external returns (uint256 batchId);

    /// @notice Verifies a batch of proofs (verification-only layout, see contracts/README.md) against
    /// the registered keys; reverts with `BatchVerificationFailed` unless every proof is valid.
    function verifyBatch(bytes calldata proofs) external view;

    /// @notice Verifies one Groth16 proof against `vk` (not checked against the registry).
    /// Malformed points, out-of-range signals and a wrong signal count make it false.
    function verifyProof(
        ICircuitRegistry.VerifyingKey calldata vk,
        Groth16Proof calldata proof,
        uint256[] calldata publicSignals
    ) external view returns (bool);

    /// @notice A prover settles its own awarded job when the operator has not: after the award's
    /// `proveBy` and by the request's deadline, with the requester's signed request, the operator's
    /// signed award and a valid proof of the award's public signals. Pays the award's price (the
    /// requester is charged it plus the market fee) and records a one-job result root. Anyone may call.
    /// @return batchId the one-job batch's id
    function settleAwarded(
        JobRequest calldata request,
        bytes calldata requestSignature,
        Award calldata award,
        bytes calldata awardSignature,
        Groth16Proof calldata proof,
        uint256[] calldata publicSignals,
        ICircuitRegistry.VerifyingKey calldata vk
    ) external returns (uint256 batchId);

    /// @notice After a request's deadline, when its job was never settled, credits the requester
    /// `min(award.collateral, slashBps of the prover's stake)` from the awarded prover's stake. Needs
    /// the operator's signed award and the prover's own signed bid for the job at ≥ the award's price
    /// (so no one can be charged for a job it did not bid on). Once per (job, prover). Anyone may call.
    /// @return credited wei moved from the prover's stake to the requester's balance
    function claimMissedDeadline(
        JobRequest calldata request,
        Award calldata award,
        bytes calldata awardSignature,
        Bid calldata bid,
        bytes calldata bidSignature
    ) external returns (uint256 credited);

    // ---------------------------------------------------------------- slashing

    /// @notice Slashes `submission.prover` for a signed proof that does not verify: checks the
    /// request matches the job, the key matches the registry, the proof and signals match the signed
    /// hashes and the prover's signature, then that the proof fails. Pays shares of the slashed stake
    /// to the caller (challenger), the requester and the treasury. Once per (job, prover).
    /// @param proverSignature 65-byte (r, s, v) signature over `submission` (v 27/28, low s)
    /// @return slashed wei taken from the prover's stake
    function slash(
        JobRequest calldata request,
        ProofSubmission calldata submission,
        bytes calldata proverSignature,
        Groth16Proof calldata proof,
        uint256[] calldata publicSignals,
        ICircuitRegistry.VerifyingKey calldata vk
    ) external returns (uint256 slashed);

    /// @notice Whether `prover` was already slashed for `jobId`.
    function isSlashed(bytes32 jobId, address prover) external view returns (bool);

    // ---------------------------------------------------------------- results

    /// @notice The number of settled batches (the latest batch id).
    function batchCount() external view returns (uint256);

    /// @notice The result root of a batch; reverts with `UnknownBatch` for an unknown id.
    function batchRoot(uint256 batchId) external view returns (bytes32);

    /// @notice Whether (jobId, circuitId, publicSignalsHash) is a result of batch `batchId`, given
    /// the sibling hashes from the leaf up (sorted-pair Merkle tree, see contracts/README.md).
    function verifyInclusion(
        uint256 batchId,
        bytes32 jobId,
        bytes32 circuitId,
        bytes32 publicSignalsHash,
        bytes32[] calldata proof
    ) external view returns (bool);

    /// @notice The Merkle leaf of one result: `keccak256(abi.encode(jobId, circuitId, publicSignalsHash))`.
    function resultLeaf(bytes32 jobId, bytes32 circuitId, bytes32 publicSignalsHash)
        external
        pure
        returns (bytes32);

    // ---------------------------------------------------------------- requests and nonces

    /// @notice A job's id: the EIP-712 digest of its request on this market.
    function jobIdOf(JobRequest calldata request) external view returns (bytes32);

    /// @notice The EIP-712 digest a prover signs for a submission.
    function submissionDigest(ProofSubmission calldata submission) external view returns (bytes32);

    /// @notice Whether a requester's nonce was used by a settled job or invalidated.
    function isNonceUsed(address requester, uint256 nonce) external view returns (bool);

    /// @notice One 256-nonce word of a requester's nonce bitmap (bit `nonce & 255` of word `nonce >> 8`).
    function nonceBitmap(address requester, uint256 wordPos) external view returns (uint256);

    /// @notice Marks the caller's nonces in `mask` of word `wordPos` as used (cancels unsettled
    /// requests: batches refuse them). A prover already awarded a cancelled job may still settle
    /// it once with `settleAwarded`, so a cancellation after the award does not leave it unpaid.
    function invalidateNonces(uint256 wordPos, uint256 mask) external;

    // ---------------------------------------------------------------- roles and configuration

    /// @notice Sets the stake the staking contract keeps locked for each prover's open assignments
    /// (absolute amounts, so the call is idempotent). Operators only.
    function setStakeLocks(address[] calldata provers, uint256[] calldata amounts) external;

    /// @notice Enables or disables a settlement operator. Owner only.
    function setOperator(address operator, bool enabled) external;

    /// @notice Whether `account` may settle batches and set stake locks.
    function isOperator(address account) external view returns (bool);

    /// @notice The account that receives fees and the treasury share of slashes.
    function treasury() external view returns (address);

    /// @notice The market's fixed parameters.
    function params() external view returns (MarketParams memory);

    /// @notice The circuit registry.
    function registry() external view returns (ICircuitRegistry);

    /// @notice The staking contract (created by this market's constructor).
    function staking() external view returns (ITenderStaking);

    /// @notice The block in which the market was deployed.
    function deployedAtBlock() external view returns (uint256);

    /// @notice The EIP-712 domain separator.
    function domainSeparator() external view returns (bytes32);
}
