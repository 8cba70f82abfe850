// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// @title Tender audit mode (stochastic verification of an inference service)
/// @notice An inference service commits each epoch's inference records as one Merkle root with a
/// bond. A block hash `sampleDelay` blocks after the commitment, hashed with the root, picks an
/// unpredictable sample of record indices. The sampled records are proven as ordinary Tender jobs;
/// anyone then shows each sampled record's settled result (inclusion in a market batch). When
/// every sampled record's proven outputs equal its claim, the epoch passes and the bond returns;
/// one sampled record proven with other outputs, or a sample not proven by the reveal deadline,
/// fails the epoch and slashes the bond (challenger share to whoever showed it, rest to treasury).
/// @dev Record leaf: `keccak256(abi.encode(uint256 index, bytes32 circuitId, bytes32 inputHash,
/// bytes32 outputHash))`, where `inputHash` is the circuit's first public signal (the input
/// commitment) and `outputHash = keccak256(abi.encodePacked(publicSignals[1:]))`. Tree: pairs
/// hashed sorted (`keccak256(abi.encode(min, max))`), an odd last node moves up, as in the market.
/// Sample `i` (0 ≤ i < sampleSize) is record `uint256(keccak256(abi.encode(seed, i))) % count`,
/// where `seed = keccak256(abi.encode(blockhash(commitBlock + sampleDelay), root))`.
interface ITenderAudit {
    /// @notice Where an epoch stands; `None` for an epoch never committed.
    enum AuditStatus {
        None,
        Committed,
        Sampled,
        Passed,
        Failed
    }

    /// @notice Why an epoch failed.
    enum FailureReason {
        None,
        OutputMismatch,
        NotProven,
        SampleExpired
    }

    /// @notice One sampled record shown against its settled market result.
    struct SampleResult {
        /// position in the sample, 0 ≤ sample < sampleSize
        uint32 sample;
        /// the record's input commitment (the proof's first public signal)
        bytes32 inputHash;
        /// the proven public signals after the input commitment (`publicSignals[1:]`)
        uint256[] outputs;
        /// the record's Merkle proof against the epoch root (siblings from the leaf up)
        bytes32[] recordProof;
        /// the market batch that settled the job proving this record
        uint256 batchId;
        bytes32 jobId;
        /// the job's result inclusion proof against the batch root
        bytes32[] inclusionProof;
    }

    /// @notice One epoch of one service.
    struct Epoch {
        bytes32 root;
        bytes32 circuitId;
        bytes32 seed;
        uint32 count;
        uint32 sampleSize;
        uint32 proven;
        uint16 rateBps;
        AuditStatus status;
        FailureReason reason;
        uint64 commitBlock;
        uint64 revealDeadline;
        uint128 bond;
    }

    /// @notice A commitment with no records.
    error EmptyEpoch();
    /// @notice The audit rate is zero or above 10,000 bps.
    error InvalidRate(uint256 rateBps);
    /// @notice The bond is below the minimum.
    error BondTooLow(uint256 bond, uint256 minimum);
    /// @notice The service already committed this epoch.
    error EpochExists(address service, uint64 epoch);
    /// @notice The epoch is not in the state the call needs.
    error WrongStatus(address service, uint64 epoch, AuditStatus status);
    /// @notice The sampling block hash is not available yet (wait until `block.number > readyAt`).
    error SampleNotReady(uint256 readyAt);
    /// @notice The sample position is out of range.
    error SampleOutOfRange(uint256 sample, uint256 sampleSize);
    /// @notice The record's Merkle proof does not lead to the epoch root.
    error RecordNotCommitted(uint256 sample, uint256 index);
    /// @notice The job's result is not in the named market batch.
    error ResultNotSettled(uint256 sample, bytes32 jobId);
    /// @notice A claimed mismatch whose proven outputs equal the claim.
    error OutputsMatch(uint256 sample);
    /// @notice The reveal window is still open.
    error RevealWindowOpen(uint64 deadline);
    /// @notice The reveal window has closed.
    error RevealWindowClosed(uint64 deadline);
    /// @notice Nothing to claim.
    error NothingToClaim(address account);
    /// @notice Sending ETH failed.
    error TransferFailed(address to, uint256 amount);

    /// @notice A service committed an epoch.
    event EpochCommitted(
        address indexed service,
        uint64 indexed epoch,
        bytes32 root,
        bytes32 circuitId,
        uint32 count,
        uint32 sampleSize,
        uint256 bond,
        uint64 readyAtBlock
    );
    /// @notice The sample of an epoch was drawn.
    event SampleDrawn(address indexed service, uint64 indexed epoch, bytes32 seed, uint64 revealDeadline);
    /// @notice Sampled records were shown proven with their claimed outputs (`proven` of `sampleSize` so far).
    event SamplesProven(address indexed service, uint64 indexed epoch, uint32 shown, uint32 proven);
    /// @notice Every sampled record was proven as claimed; the bond was returned.
    event EpochPassed(address indexed service, uint64 indexed epoch);
    /// @notice The epoch failed and its bond was slashed.
    event EpochFailed(
        address indexed service,
        uint64 indexed epoch,
        FailureReason reason,
        uint32 sample,
        address challenger,
        uint256 toChallenger,
        uint256 toTreasury
    );
    /// @notice Someone took out what the contract owed them.
    event Claimed(address indexed account, uint256 amount);

    /// @notice Commits an epoch's records; `msg.value` is the bond.
    function commitEpoch(uint64 epoch, bytes32 root, bytes32 circuitId, uint32 count, uint16 rateBps)
        external
        payable;

    /// @notice Fixes the sample once the sampling block is mined (anyone may call). If the block
    /// hash is no longer available (more than 256 blocks later), the epoch fails: the service
    /// must see to it that the sample is drawn in time.
    function drawSample(address service, uint64 epoch) external;

    /// @notice Shows sampled records proven as claimed (anyone may call): each record, committed with
    /// `outputHash = keccak256(abi.encodePacked(outputs))`, is in the epoch root and its job's
    /// result with public signals `[inputHash, ...outputs]` is in a settled market batch. When
    /// every sample is shown, the epoch passes and the bond can be claimed back.
    function proveSamples(address service, uint64 epoch, SampleResult[] calldata results) external;

    /// @notice Shows a sampled record whose settled result has other outputs than it claims
    /// (`claimedOutputHash` is what the record committed; `result.outputs` what was proven): the
    /// epoch fails and the caller gets the challenger share (none when it is the service).
    function proveMismatch(address service, uint64 epoch, SampleResult calldata result, bytes32 claimedOutputHash)
        external;

    /// @notice Fails an epoch whose sample was not fully proven by the reveal deadline.
    function failUnproven(address service, uint64 epoch) external;

    /// @notice Withdraws what the contract owes the caller (returned bonds, challenger shares).
    function claim() external;

    /// @notice The verdict any contract can read.
    function auditStatus(address service, uint64 epoch) external view returns (AuditStatus);

    /// @notice The whole epoch record.
    function epochOf(address service, uint64 epoch) external view returns (Epoch memory);

    /// @notice The record index of sample `sample` (the sample must be drawn).
    function sampleIndex(address service, uint64 epoch, uint32 sample) external view returns (uint256);

    /// @notice How many records an epoch of `count` at `rateBps` samples (`max(floor, ceil(count ×
    /// rate)`, at most `count`).
    function sampleSizeFor(uint32 count, uint16 rateBps) external view returns (uint32);

    /// @notice Whether sample `sample` of the epoch has been proven.
    function isSampleProven(address service, uint64 epoch, uint32 sample) external view returns (bool);

    /// @notice The sampling rule's seed: `keccak256(abi.encode(blockHash, root))`.
    function seedOf(bytes32 blockHash, bytes32 root) external pure returns (bytes32);

    /// @notice The sampling rule's index: `uint256(keccak256(abi.encode(seed, sample))) % count`.
    function sampleIndexOf(bytes32 seed, uint256 sample, uint256 count) external pure returns (uint256);

    /// @notice What `claim` would pay `account`.
    function claimable(address account) external view returns (uint256);
}
