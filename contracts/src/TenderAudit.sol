// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {ITenderAudit} from "./interfaces/ITenderAudit.sol";

/// @dev The two market views the audit reads: settled results and the treasury.
interface IAuditedMarket {
    function batchRoot(uint256 batchId) external view returns (bytes32);

    function treasury() external view returns (address);
}

/// @title Tender audit mode
/// @notice See {ITenderAudit}. Holds bonds; pays out by `claim` (pull), so no payee can block a
/// verdict.
contract TenderAudit is ITenderAudit {
    uint256 private constant BPS = 10_000;

    IAuditedMarket private immutable _market;
    uint256 private immutable _minBond;
    uint64 private immutable _sampleDelay;
    uint64 private immutable _revealWindow;
    uint32 private immutable _minSample;
    uint16 private immutable _challengerShareBps;

    mapping(address service => mapping(uint64 epoch => Epoch)) private _epochs;
    mapping(bytes32 epochKey => mapping(uint256 word => uint256 bits)) private _provenBits;
    mapping(address account => uint256 amount) private _claimable;

    /// @param market the Tender market whose settled results prove samples
    /// @param minBond least bond per epoch, wei
    /// @param sampleDelay blocks between the commitment and the block whose hash seeds the sample
    /// @param revealWindow seconds after the draw within which every sample must be proven
    /// @param minSample least sample size (capped at the epoch's count)
    /// @param challengerShareBps share of a slashed bond paid to whoever shows the failure
    constructor(
        address market,
        uint256 minBond,
        uint64 sampleDelay,
        uint64 revealWindow,
        uint32 minSample,
        uint16 challengerShareBps
    ) {
        if (challengerShareBps > BPS) revert InvalidRate(challengerShareBps);
        _market = IAuditedMarket(market);
        _minBond = minBond;
        _sampleDelay = sampleDelay == 0 ? 1 : sampleDelay;
        _revealWindow = revealWindow;
        _minSample = minSample == 0 ? 1 : minSample;
        _challengerShareBps = challengerShareBps;
    }

    // ---------------------------------------------------------------- service

    /// @inheritdoc ITenderAudit
    function commitEpoch(uint64 epoch, bytes32 root, bytes32 circuitId, uint32 count, uint16 rateBps)
        external
        payable
    {
        if (count == 0) revert EmptyEpoch();
        if (rateBps == 0 || rateBps > BPS) revert InvalidRate(rateBps);
        if (msg.value < _minBond) revert BondTooLow(msg.value, _minBond);
        Epoch storage e = _epochs[msg.sender][epoch];
        if (e.status != AuditStatus.None) revert EpochExists(msg.sender, epoch);
        uint32 size = _sampleSize(count, rateBps);
        e.root = root;
        e.circuitId = circuitId;
        e.count = count;
        e.sampleSize = size;
        e.rateBps = rateBps;
        e.status = AuditStatus.Committed;
        e.commitBlock = uint64(block.number);
        e.bond = uint128(msg.value);
        emit EpochCommitted(
            msg.sender, epoch, root, circuitId, count, size, msg.value, uint64(block.number) + _sampleDelay
        );
    }

    // ---------------------------------------------------------------- anyone

    /// @inheritdoc ITenderAudit
    function drawSample(address service, uint64 epoch) external {
        Epoch storage e = _epochs[service][epoch];
        if (e.status != AuditStatus.Committed) revert WrongStatus(service, epoch, e.status);
        uint256 readyAt = uint256(e.commitBlock) + _sampleDelay;
        if (block.number <= readyAt) revert SampleNotReady(readyAt);
        bytes32 hash = blockhash(readyAt);
        if (hash == bytes32(0)) {
            _fail(service, epoch, e, FailureReason.SampleExpired, 0);
            return;
        }
        bytes32 seed = _seedOf(hash, e.root);
        uint64 deadline = uint64(block.timestamp) + _revealWindow;
        e.seed = seed;
        e.revealDeadline = deadline;
        e.status = AuditStatus.Sampled;
        emit SampleDrawn(service, epoch, seed, deadline);
    }

    /// @inheritdoc ITenderAudit
    function proveSamples(address service, uint64 epoch, SampleResult[] calldata results) external {
        Epoch storage e = _sampledEpoch(service, epoch);
        bytes32 key = _key(service, epoch);
        bytes32 seed = e.seed;
        uint32 size = e.sampleSize;
        uint32 count = e.count;
        uint32 proven = e.proven;
        uint256 lastBatch = type(uint256).max;
        bytes32 batchRoot;
        for (uint256 x; x < results.length; ++x) {
            SampleResult calldata r = results[x];
            if (r.batchId != lastBatch) {
                lastBatch = r.batchId;
                batchRoot = _market.batchRoot(r.batchId);
            }
            _checkSample(e, seed, size, count, r, keccak256(abi.encodePacked(r.outputs)), batchRoot);
            uint256 word = r.sample >> 8;
            uint256 bit = 1 << (r.sample & 0xff);
            uint256 bits = _provenBits[key][word];
            if (bits & bit != 0) continue;
            _provenBits[key][word] = bits | bit;
            ++proven;
        }
        e.proven = proven;
        emit SamplesProven(service, epoch, uint32(results.length), proven);
        if (proven == size) {
            e.status = AuditStatus.Passed;
            _claimable[service] += e.bond;
            emit EpochPassed(service, epoch);
        }
    }

    /// @inheritdoc ITenderAudit
    function proveMismatch(address service, uint64 epoch, SampleResult calldata result, bytes32 claimedOutputHash)
        external
    {
        Epoch storage e = _sampledEpoch(service, epoch);
        _checkSample(e, e.seed, e.sampleSize, e.count, result, claimedOutputHash, _market.batchRoot(result.batchId));
        if (keccak256(abi.encodePacked(result.outputs)) == claimedOutputHash) revert OutputsMatch(result.sample);
        _fail(service, epoch, e, FailureReason.OutputMismatch, result.sample);
    }

    /// @inheritdoc ITenderAudit
    function failUnproven(address service, uint64 epoch) external {
        Epoch storage e = _epochs[service][epoch];
        if (e.status != AuditStatus.Sampled) revert WrongStatus(service, epoch, e.status);
        if (block.timestamp <= e.revealDeadline) revert RevealWindowOpen(e.revealDeadline);
        _fail(service, epoch, e, FailureReason.NotProven, 0);
    }

    /// @inheritdoc ITenderAudit
    function claim() external {
        uint256 amount = _claimable[msg.sender];
        if (amount == 0) revert NothingToClaim(msg.sender);
        _claimable[msg.sender] = 0;
        emit Claimed(msg.sender, amount);
        (bool ok,) = msg.sender.call{value: amount}("");
        if (!ok) revert TransferFailed(msg.sender, amount);
    }

    // ---------------------------------------------------------------- views

    /// @inheritdoc ITenderAudit
    function auditStatus(address service, uint64 epoch) external view returns (AuditStatus) {
        return _epochs[service][epoch].status;
    }

    /// @inheritdoc ITenderAudit
    function epochOf(address service, uint64 epoch) external view returns (Epoch memory) {
        return _epochs[service][epoch];
    }

    /// @inheritdoc ITenderAudit
    function sampleIndex(address service, uint64 epoch, uint32 sample) external view returns (uint256) {
        Epoch storage e = _epochs[service][epoch];
        if (e.seed == bytes32(0)) revert WrongStatus(service, epoch, e.status);
        if (sample >= e.sampleSize) revert SampleOutOfRange(sample, e.sampleSize);
        return _indexOf(e.seed, sample, e.count);
    }

    /// @inheritdoc ITenderAudit
    function sampleSizeFor(uint32 count, uint16 rateBps) external view returns (uint32) {
        return _sampleSize(count, rateBps);
    }

    /// @inheritdoc ITenderAudit
    function isSampleProven(address service, uint64 epoch, uint32 sample) external view returns (bool) {
        return _provenBits[_key(service, epoch)][sample >> 8] & (1 << (sample & 0xff)) != 0;
    }

    /// @inheritdoc ITenderAudit
    function seedOf(bytes32 blockHash, bytes32 root) external pure returns (bytes32) {
        return _seedOf(blockHash, root);
    }

    /// @inheritdoc ITenderAudit
    function sampleIndexOf(bytes32 seed, uint256 sample, uint256 count) external pure returns (uint256) {
        if (count == 0) revert EmptyEpoch();
        return _indexOf(seed, sample, count);
    }

    /// @inheritdoc ITenderAudit
    function claimable(address account) external view returns (uint256) {
        return _claimable[account];
    }

    /// @notice The fixed parameters.
    function params()
        external
        view
        returns (
            address market,
            uint256 minBond,
            uint64 sampleDelay,
            uint64 revealWindow,
            uint32 minSample,
            uint16 challengerShareBps
        )
    {
        return (address(_market), _minBond, _sampleDelay, _revealWindow, _minSample, _challengerShareBps);
    }

    // ---------------------------------------------------------------- internals

    function _sampledEpoch(address service, uint64 epoch) private view returns (Epoch storage e) {
        e = _epochs[service][epoch];
        if (e.status != AuditStatus.Sampled) revert WrongStatus(service, epoch, e.status);
        if (block.timestamp > e.revealDeadline) revert RevealWindowClosed(e.revealDeadline);
    }

    /// @dev Reverts unless record `r.sample` (committed with `outputHash`) is in the epoch root and
    /// its job's result (public signals `[inputHash, ...r.outputs]`) is in the batch with `batchRoot`.
    function _checkSample(
        Epoch storage e,
        bytes32 seed,
        uint32 size,
        uint32 count,
        SampleResult calldata r,
        bytes32 outputHash,
        bytes32 batchRoot
    ) private view {
        if (r.sample >= size) revert SampleOutOfRange(r.sample, size);
        uint256 index = _indexOf(seed, r.sample, count);
        bytes32 circuitId = e.circuitId;
        bytes32 leaf = keccak256(abi.encode(index, circuitId, r.inputHash, outputHash));
        if (_rootOf(leaf, r.recordProof) != e.root) revert RecordNotCommitted(r.sample, index);
        bytes32 signalsHash = keccak256(abi.encodePacked(uint256(r.inputHash), r.outputs));
        bytes32 result = keccak256(abi.encode(r.jobId, circuitId, signalsHash));
        if (batchRoot == bytes32(0) || _rootOf(result, r.inclusionProof) != batchRoot) {
            revert ResultNotSettled(r.sample, r.jobId);
        }
    }

    function _fail(address service, uint64 epoch, Epoch storage e, FailureReason reason, uint32 sample) private {
        e.status = AuditStatus.Failed;
        e.reason = reason;
        uint256 bond = e.bond;
        // a service showing its own failure gets no challenger share
        uint256 toChallenger = msg.sender == service ? 0 : bond * _challengerShareBps / BPS;
        uint256 toTreasury = bond - toChallenger;
        if (toChallenger != 0) _claimable[msg.sender] += toChallenger;
        _claimable[_market.treasury()] += toTreasury;
        emit EpochFailed(service, epoch, reason, sample, msg.sender, toChallenger, toTreasury);
    }

    function _sampleSize(uint32 count, uint16 rateBps) private view returns (uint32) {
        uint256 size = (uint256(count) * rateBps + BPS - 1) / BPS;
        if (size < _minSample) size = _minSample;
        if (size > count) size = count;
        return uint32(size);
    }

    function _seedOf(bytes32 blockHash, bytes32 root) private pure returns (bytes32) {
        return keccak256(abi.encode(blockHash, root));
    }

    function _indexOf(bytes32 seed, uint256 sample, uint256 count) private pure returns (uint256) {
        return uint256(keccak256(abi.encode(seed, sample))) % count;
    }

    function _rootOf(bytes32 leaf, bytes32[] calldata proof) private pure returns (bytes32 node) {
        node = leaf;
        for (uint256 x; x < proof.length; ++x) {
            bytes32 sibling = proof[x];
            node = node < sibling ? keccak256(abi.encode(node, sibling)) : keccak256(abi.encode(sibling, node));
        }
    }

    function _key(address service, uint64 epoch) private pure returns (bytes32) {
        return keccak256(abi.encode(service, epoch));
    }
}
