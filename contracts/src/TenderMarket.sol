// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";
import {Ownable2Step} from "@openzeppelin/contracts/access/Ownable2Step.sol";
import {Address} from "@openzeppelin/contracts/utils/Address.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {ICircuitRegistry} from "./interfaces/ICircuitRegistry.sol";
import {ITenderMarket} from "./interfaces/ITenderMarket.sol";
import {ITenderStaking} from "./interfaces/ITenderStaking.sol";
import {Groth16Batch} from "./libraries/Groth16Batch.sol";
import {TenderStaking} from "./TenderStaking.sol";

/// @title TenderMarket
/// @dev Over 300 lines on purpose: the settlement hot path, its calldata readers and the failure
/// paths that share its storage (self-settlement, missed-deadline claims, slashing) stay in one
/// contract, so no external call or extra storage read sits on the per-proof path.
/// @notice Escrow, batch settlement, results and slashing for the Tender prover market. The
/// constructor creates the TenderStaking contract, so staking's market is fixed to this contract.
/// @dev Invariant: the contract's ETH balance equals the sum of all `balanceOf` values.
/// Settlement calldata is a packed byte string (layout in contracts/README.md) parsed in assembly:
/// calldata is the dominant per-proof cost after the pairing, so the encoding carries each field
/// in its smallest width and refers to requesters, provers and keys through per-batch tables.
/// Ownership (two-step), the EIP-712 domain, ECDSA recovery outside the settlement hot path, the
/// reentrancy lock and ETH transfers are OpenZeppelin's; only the assembly hot paths are by hand.
contract TenderMarket is ITenderMarket, Ownable2Step, EIP712, ReentrancyGuardTransient {
    bytes32 private constant JOB_REQUEST_TYPEHASH = keccak256(
        "JobRequest(address requester,bytes32 circuitId,bytes32 inputHash,uint256 maxFee,uint64 deadline,uint256 nonce)"
    );
    bytes32 private constant PROOF_SUBMISSION_TYPEHASH = keccak256(
        "ProofSubmission(bytes32 jobId,bytes32 circuitId,bytes32 proofHash,bytes32 publicSignalsHash,address prover)"
    );
    bytes32 private constant BID_TYPEHASH =
        keccak256("Bid(bytes32 jobId,uint256 price,uint64 etaMs,uint64 expiresAt,address prover)");
    bytes32 private constant AWARD_TYPEHASH = keccak256(
        "Award(bytes32 jobId,address prover,uint256 price,uint256 collateral,uint64 proveBy,bytes32 publicSignalsHash)"
    );
    /// @notice Bounds of the withdrawal delay: it must outlast the longest job lifetime (the api
    /// admits deadlines up to 7 days ahead) plus the settlement window, and stay bounded.
    uint64 public constant MIN_WITHDRAWAL_DELAY = 1 hours;
    uint64 public constant MAX_WITHDRAWAL_DELAY = 60 days;
    uint64 private constant DEFAULT_WITHDRAWAL_DELAY = 8 days;
    uint256 private constant BPS = 10_000;

    /// @dev Settlement item: u8 requester index, u8 prover index, bytes32 inputHash, u96 maxFee,
    /// u40 deadline, u64 nonce, u96 price, bytes32 r, bytes32 yParityAndS (EIP-2098), then the
    /// proof (8 words) and the public signals (nPublic words).
    uint256 private constant SETTLE_PREFIX = 135;
    /// @dev 14 words: alpha1, beta2, gamma2, delta2 (IC points follow).
    uint256 private constant VK_FIXED = 448;
    uint256 private constant PROOF_SIZE = 256;

    ICircuitRegistry private immutable _registry;
    ITenderStaking private immutable _staking;
    address private immutable _treasury;
    uint256 private immutable _deployedAtBlock;
    uint16 private immutable _feeBps;
    uint16 private immutable _slashBps;
    uint16 private immutable _challengerShareBps;
    uint16 private immutable _requesterShareBps;
    uint64 private immutable _unstakeDelay;
    uint256 private immutable _minimumStake;

    mapping(address account => bool) private _operators;
    mapping(address account => uint256) private _balances;
    mapping(address requester => mapping(uint256 wordPos => uint256)) private _nonceBitmaps;
    /// @dev Batch counter and market fees not yet moved to the treasury's balance, in one slot so a
    /// settlement writes one slot for both.
    struct Ledger {
        uint64 batchCount;
        uint192 accruedFees;
    }

    Ledger private _ledger;
    mapping(uint256 batchId => bytes32) private _batchRoots;
    mapping(bytes32 key => bool) private _slashed;
    /// @dev Key hashes confirmed by the registry. Registry keys never change, so a confirmed hash
    /// stays valid; reading it here (one slot) is cheaper than calling the registry every batch.
    mapping(bytes32 circuitId => bytes32) private _confirmedKeys;

    struct Withdrawal {
        uint128 amount;
        uint64 readyAt;
    }

    mapping(address account => Withdrawal) private _withdrawals;
    uint64 private _withdrawalDelay;
    /// @dev Nonce bits set by `invalidateNonces` on unsettled requests (a subset of the nonce
    /// bitmap): a cancelled job is not "settled", so an awarded prover may still settle it itself.
    mapping(address requester => mapping(uint256 wordPos => uint256)) private _cancelled;

    constructor(address owner_, address treasury_, ICircuitRegistry registry_, MarketParams memory params_)
        Ownable(owner_)
        EIP712("Tender", "1")
    {
        if (treasury_ == address(0) || address(registry_) == address(0)) {
            revert ZeroAddress();
        }
        if (params_.feeBps > BPS) revert InvalidBps(params_.feeBps);
        if (params_.slashBps > BPS) revert InvalidBps(params_.slashBps);
        uint256 shares = uint256(params_.challengerShareBps) + params_.requesterShareBps;
        if (shares > BPS) revert InvalidBps(shares);
        _treasury = treasury_;
        _registry = registry_;
        _deployedAtBlock = block.number;
        _feeBps = params_.feeBps;
        _slashBps = params_.slashBps;
        _challengerShareBps = params_.challengerShareBps;
        _requesterShareBps = params_.requesterShareBps;
        _unstakeDelay = params_.unstakeDelay;
        _minimumStake = params_.minimumStake;
        _staking = new TenderStaking(params_.minimumStake, params_.unstakeDelay);
        _withdrawalDelay = DEFAULT_WITHDRAWAL_DELAY;
    }

    modifier onlyOperator() {
        if (!_operators[msg.sender]) revert NotOperator(msg.sender);
        _;
    }

    /// @dev Only the staking contract sends ETH here directly (slashed stake).
    receive() external payable {
        if (msg.sender != address(_staking)) revert UnexpectedEther(msg.sender);
    }

    // ---------------------------------------------------------------- escrow

    /// @inheritdoc ITenderMarket
    function deposit() external payable {
        _deposit(msg.sender);
    }

    /// @inheritdoc ITenderMarket
    function depositFor(address account) external payable {
        if (account == address(0)) revert ZeroAddress();
        _deposit(account);
    }

    /// @inheritdoc ITenderMarket
    function requestWithdrawal(uint256 amount) external {
        if (amount == 0) revert ZeroAmount();
        uint256 balance = _sweptBalance(msg.sender);
        uint256 total = _withdrawals[msg.sender].amount + amount;
        if (total > balance) revert InsufficientBalance(msg.sender, balance, total);
        uint64 readyAt = uint64(block.timestamp) + _withdrawalDelay;
        _withdrawals[msg.sender] = Withdrawal({amount: SafeCast.toUint128(total), readyAt: readyAt});
        emit WithdrawalRequested(msg.sender, total, readyAt);
    }

    /// @inheritdoc ITenderMarket
    function completeWithdrawal() external nonReentrant returns (uint256 amount) {
        Withdrawal memory w = _withdrawals[msg.sender];
        if (w.amount == 0 || block.timestamp < w.readyAt) revert WithdrawalNotReady(msg.sender, w.readyAt);
        uint256 balance = _sweptBalance(msg.sender);
        amount = w.amount < balance ? w.amount : balance;
        delete _withdrawals[msg.sender];
        _balances[msg.sender] = balance - amount;
        emit Withdrawn(msg.sender, amount);
        if (amount != 0) Address.sendValue(payable(msg.sender), amount);
    }

    /// @inheritdoc ITenderMarket
    function pendingWithdrawal(address account) external view returns (uint256 amount, uint64 readyAt) {
        Withdrawal memory w = _withdrawals[account];
        return (w.amount, w.readyAt);
    }

    /// @inheritdoc ITenderMarket
    function withdrawalDelay() external view returns (uint64) {
        return _withdrawalDelay;
    }

    /// @inheritdoc ITenderMarket
    function setWithdrawalDelay(uint64 delay) external onlyOwner {
        if (delay < MIN_WITHDRAWAL_DELAY || delay > MAX_WITHDRAWAL_DELAY) revert InvalidWithdrawalDelay(delay);
        _withdrawalDelay = delay;
        emit WithdrawalDelaySet(delay);
    }

    /// @dev The account's balance, with the treasury's accrued fees moved into it first.
    function _sweptBalance(address account) private returns (uint256 balance) {
        balance = _balances[account];
        if (account == _treasury) {
            uint256 accrued = _ledger.accruedFees;
            if (accrued != 0) {
                balance += accrued;
                _balances[account] = balance;
                _ledger.accruedFees = 0;
            }
        }
    }

    /// @inheritdoc ITenderMarket
    function balanceOf(address account) external view returns (uint256) {
        return _balances[account] + (account == _treasury ? _ledger.accruedFees : 0);
    }

    function _deposit(address account) private {
        if (msg.value == 0) revert ZeroAmount();
        _balances[account] += msg.value;
        emit Deposited(account, msg.sender, msg.value);
    }

    // ---------------------------------------------------------------- settlement

    /// @inheritdoc ITenderMarket
    function settleBatch(bytes calldata batch) external onlyOperator nonReentrant returns (uint256 batchId) {
        uint256 off = _offsetOf(batch);
        uint256 end = off + batch.length;
        if (batch.length < 5) revert MalformedBatch(0);
        uint256 nItems = _u16(off);
        uint256 reqTable = off + 3;
        uint256 nRequesters = _u8(off + 2);
        uint256 provTable = reqTable + 20 * nRequesters + 1;
        uint256 nProvers = _u8(provTable - 1);
        uint256 groupsStart = provTable + 20 * nProvers + 1;
        if (groupsStart > end) revert MalformedBatch(groupsStart - off);
        uint256 nGroups = _u8(groupsStart - 1);
        Groth16Batch.Group[] memory groups =
            _parseGroups(off, groupsStart, end, nGroups, nItems, SETTLE_PREFIX);

        if (!Groth16Batch.verify(groups, nItems, _seed(groups))) revert BatchVerificationFailed();
        for (uint256 g; g < nGroups; ++g) {
            bytes32 confirmed = groups[g].keyToCache;
            if (confirmed != bytes32(0)) _confirmedKeys[groups[g].circuitId] = confirmed;
        }

        (uint256[] memory owed, uint256[] memory earned, bytes32[] memory leaves) =
            _processRequests(groups, nItems, reqTable, nRequesters, nProvers);

        // Requesters pay their prices plus the market fee on their batch total; provers get their
        // prices in full. Sums stay far below 2^256: prices are u96, items ≤ 2^16, fee ≤ price.
        uint256 charged;
        uint256 fee;
        for (uint256 x; x < nRequesters; ++x) {
            uint256 price = owed[x];
            if (price == 0) continue;
            uint256 amount;
            unchecked {
                uint256 cut = price * _feeBps / BPS;
                fee += cut;
                amount = price + cut;
                charged += amount;
            }
            address requester = _addr(reqTable + 20 * x);
            uint256 balance = _balances[requester];
            if (balance < amount) revert InsufficientBalance(requester, balance, amount);
            _balances[requester] = balance - amount;
        }
        for (uint256 x; x < nProvers; ++x) {
            uint256 amount = earned[x];
            if (amount != 0) _balances[_addr(provTable + 20 * x)] += amount;
        }
        bytes32 root = _merkleRoot(leaves);
        Ledger memory ledger = _ledger;
        batchId = uint256(ledger.batchCount) + 1;
        _ledger = Ledger({batchCount: uint64(batchId), accruedFees: uint192(ledger.accruedFees + fee)});
        _batchRoots[batchId] = root;
        emit BatchSettled(batchId, root, nItems, charged, fee);
    }

    /// @inheritdoc ITenderMarket
    function verifyBatch(bytes calldata proofs) external view {
        uint256 off = _offsetOf(proofs);
        uint256 end = off + proofs.length;
        if (proofs.length < 3) revert MalformedBatch(0);
        uint256 nItems = _u16(off);
        uint256 nGroups = _u8(off + 2);
        Groth16Batch.Group[] memory groups = _parseGroups(off, off + 3, end, nGroups, nItems, 0);
        if (!Groth16Batch.verify(groups, nItems, _seed(groups))) revert BatchVerificationFailed();
    }

    /// @inheritdoc ITenderMarket
    function verifyProof(
        ICircuitRegistry.VerifyingKey calldata vk,
        Groth16Proof calldata proof,
        uint256[] calldata publicSignals
    ) external view returns (bool) {
        return _verifySingle(vk, proof, publicSignals);
    }

    /// @dev Walks the group headers, checks every key against the registry and that the encoding
    /// ends exactly at `end`. Group: bytes32 circuitId, u8 nPublic, key (14 + 2·(nPublic+1) words),
    /// u16 count, then `count` requests of `prefix` bytes (settlement only), then `count` proofs,
    /// each followed by its public signals.
    function _parseGroups(uint256 base, uint256 off, uint256 end, uint256 nGroups, uint256 nItems, uint256 prefix)
        private
        view
        returns (Groth16Batch.Group[] memory groups)
    {
        if (nItems == 0 || nGroups == 0) revert EmptyBatch();
        groups = new Groth16Batch.Group[](nGroups);
        uint256 total;
        for (uint256 g; g < nGroups; ++g) {
            if (off + 33 > end) revert MalformedBatch(off - base);
            bytes32 circuitId = bytes32(_word(off));
            uint256 k = _u8(off + 32);
            uint256 vkOffset = off + 33;
            uint256 icBytes = 64 * (k + 1);
            uint256 countOffset = vkOffset + VK_FIXED + icBytes;
            if (countOffset + 2 > end) revert MalformedBatch(off - base);
            uint256 count = _u16(countOffset);
            uint256 stride = PROOF_SIZE + 32 * k;
            uint256 prefixOffset = countOffset + 2;
            uint256 proofOffset = prefixOffset + count * prefix;
            uint256 next = proofOffset + count * stride;
            if (count == 0 || next > end) revert MalformedBatch(countOffset - base);
            bytes32 keyToCache = _checkKey(circuitId, vkOffset, k);
            groups[g] = Groth16Batch.Group({
                vkOffset: vkOffset,
                icOffset: vkOffset + VK_FIXED,
                nPublic: k,
                proofOffset: proofOffset,
                stride: stride,
                count: count,
                signalsDelta: PROOF_SIZE,
                circuitId: circuitId,
                prefixOffset: prefixOffset,
                keyToCache: keyToCache
            });
            total += count;
            off = next;
        }
        if (off != end || total != nItems) revert MalformedBatch(off - base);
    }

    /// @dev keccak256(abi.encode(alpha1, beta2, gamma2, delta2, ic)) of a packed key must equal the
    /// registry's. Returns the hash when it was confirmed by the registry now (for the caller to
    /// remember), zero when it was already confirmed.
    function _checkKey(bytes32 circuitId, uint256 vkOffset, uint256 k) private view returns (bytes32 toCache) {
        bytes32 given;
        assembly ("memory-safe") {
            let m := mload(0x40)
            calldatacopy(m, vkOffset, VK_FIXED)
            mstore(add(m, VK_FIXED), 0x1e0)
            mstore(add(m, add(VK_FIXED, 0x20)), add(k, 1))
            let icBytes := shl(6, add(k, 1))
            calldatacopy(add(m, add(VK_FIXED, 0x40)), add(vkOffset, VK_FIXED), icBytes)
            given := keccak256(m, add(add(VK_FIXED, 0x40), icBytes))
        }
        if (_confirmedKeys[circuitId] == given) return bytes32(0);
        bytes32 registered = _registry.vkHashOf(circuitId);
        if (registered == bytes32(0)) revert CircuitNotRegistered(circuitId);
        if (registered != given) revert VerificationKeyMismatch(circuitId, registered, given);
        return given;
    }

    /// @dev The Fiat-Shamir seed: a keccak256 chain over everything the pairing check reads — each
    /// group's key and its proofs with their public signals — in chunks of at most 4 KiB hashed in
    /// one scratch area, so memory does not grow with the batch. (Requests are not verification
    /// inputs; they are bound by the requesters' signatures instead.)
    function _seed(Groth16Batch.Group[] memory groups) private pure returns (bytes32 seed) {
        assembly ("memory-safe") {
            function chain(seed_, m, off, len) -> out {
                out := seed_
                let end := add(off, len)
                for {} lt(off, end) { off := add(off, 0x1000) } {
                    let n := sub(end, off)
                    if gt(n, 0x1000) { n := 0x1000 }
                    mstore(m, out)
                    calldatacopy(add(m, 0x20), off, n)
                    out := keccak256(m, add(n, 0x20))
                }
            }
            let m := mload(0x40)
            let gp := add(groups, 0x20)
            let gend := add(gp, shl(5, mload(groups)))
            seed := mload(groups)
            for {} lt(gp, gend) { gp := add(gp, 0x20) } {
                let grp := mload(gp)
                let vk := mload(grp)
                seed := chain(seed, m, vk, add(sub(mload(add(grp, 0x20)), vk), shl(6, add(mload(add(grp, 0x40)), 1))))
                seed := chain(seed, m, mload(add(grp, 0x60)), mul(mload(add(grp, 0x80)), mload(add(grp, 0xa0))))
            }
        }
    }

    /// @dev Per item: EIP-712 job id, deadline and price checks, requester signature, nonce bitmap,
    /// netted charges and earnings, and the result leaf. The nonce word of consecutive items of one
    /// requester stays cached in memory and is written back when the requester or word changes.
    function _processRequests(
        Groth16Batch.Group[] memory groups,
        uint256 nItems,
        uint256 reqTable,
        uint256 nRequesters,
        uint256 nProvers
    ) private returns (uint256[] memory owed, uint256[] memory earned, bytes32[] memory leaves) {
        owed = new uint256[](nRequesters);
        earned = new uint256[](nProvers);
        leaves = new bytes32[](nItems);
        bytes32 domain = _domainSeparatorV4();
        bytes32 typehash = JOB_REQUEST_TYPEHASH;
        assembly ("memory-safe") {
            // Cold paths (reverts and nonce-word switches) live in functions; the hot path is inline.
            function malformed(offset) {
                mstore(0x00, 0x70ac562d00000000000000000000000000000000000000000000000000000000)
                mstore(0x04, offset)
                revert(0x00, 0x24)
            }
            function badTerms(jobId, deadline, price, maxFee) {
                if gt(timestamp(), deadline) {
                    mstore(0x00, 0xda564c6400000000000000000000000000000000000000000000000000000000)
                    mstore(0x04, jobId)
                    mstore(0x24, deadline)
                    revert(0x00, 0x44)
                }
                let f := mload(0x40)
                mstore(f, 0x023a36a700000000000000000000000000000000000000000000000000000000)
                mstore(add(f, 0x04), jobId)
                mstore(add(f, 0x24), price)
                mstore(add(f, 0x44), maxFee)
                revert(f, 0x64)
            }
            function badSignature(jobId, requester) {
                mstore(0x00, 0x1f3c0a7200000000000000000000000000000000000000000000000000000000)
                mstore(0x04, jobId)
                mstore(0x24, requester)
                revert(0x00, 0x44)
            }
            function nonceUsed(requester, nonce) {
                mstore(0x00, 0xe90aded400000000000000000000000000000000000000000000000000000000)
                mstore(0x04, requester)
                mstore(0x24, nonce)
                revert(0x00, 0x44)
            }
            // Writes the cached nonce word back and loads _nonceBitmaps[requester][nonce >> 8].
            function switchNonceWord(m, key, requester, nonce) {
                let slot := mload(add(m, 0x300))
                if slot { sstore(slot, mload(add(m, 0x320))) }
                mstore(0x00, requester)
                mstore(0x20, mload(add(m, 0x2c0)))
                mstore(0x20, keccak256(0x00, 0x40))
                mstore(0x00, shr(8, nonce))
                slot := keccak256(0x00, 0x40)
                mstore(add(m, 0x2e0), key)
                mstore(add(m, 0x300), slot)
                mstore(add(m, 0x320), sload(slot))
            }

            // Scratch at m (byte offsets):
            //   0x000 JobRequest struct: typehash, requester, circuitId, inputHash, maxFee, deadline, nonce
            //   0x0e0 digest input: 0x1901 ‖ domain ‖ structHash (66 bytes)
            //   0x140 ecrecover input: digest, v, r, s
            //   0x1c0 leaf input: jobId, circuitId, signalsHash
            //   0x220 reqTable, 0x240 nRequesters, 0x260 nProvers, 0x280 owed, 0x2a0 earned,
            //   0x2c0 bitmaps slot, 0x2e0 nonce cache key (requester index ‖ word), 0x300 its slot,
            //   0x320 its word
            //   0x340 public signals (hashed for the leaf)
            let m := mload(0x40)
            mstore(0x40, add(m, add(0x340, shl(5, 64))))
            mstore(m, typehash)
            mstore(add(m, 0xe0), 0x1901000000000000000000000000000000000000000000000000000000000000)
            mstore(add(m, 0xe2), domain)
            mstore(add(m, 0x220), reqTable)
            mstore(add(m, 0x240), nRequesters)
            mstore(add(m, 0x260), nProvers)
            mstore(add(m, 0x280), owed)
            mstore(add(m, 0x2a0), earned)
            mstore(add(m, 0x2c0), _nonceBitmaps.slot)
            mstore(add(m, 0x2e0), not(0))
            mstore(add(m, 0x300), 0)
            mstore(add(m, 0x320), 0)
            let leaf := add(leaves, 0x20)
            let gp := add(groups, 0x20)
            let gend := add(gp, shl(5, mload(groups)))
            for {} lt(gp, gend) { gp := add(gp, 0x20) } {
                let grp := mload(gp)
                mstore(add(m, 0x40), mload(add(grp, 0xe0)))
                mstore(add(m, 0x1e0), mload(add(grp, 0xe0)))
                let stride := mload(add(grp, 0x80))
                let signals := add(mload(add(grp, 0x60)), PROOF_SIZE)
                let item := mload(add(grp, 0x100))
                let end := add(item, mul(mload(add(grp, 0xa0)), SETTLE_PREFIX))
                let signalBytes := shl(5, mload(add(grp, 0x40)))
                for {} lt(item, end) {
                    item := add(item, SETTLE_PREFIX)
                    signals := add(signals, stride)
                } {
                    let ri := shr(248, calldataload(item))
                    let pi := byte(1, calldataload(item))
                    if or(iszero(lt(ri, mload(add(m, 0x240)))), iszero(lt(pi, mload(add(m, 0x260))))) {
                        malformed(sub(item, sub(mload(add(m, 0x220)), 3)))
                    }
                    let requester := shr(96, calldataload(add(mload(add(m, 0x220)), mul(ri, 20))))
                    mstore(add(m, 0x20), requester)
                    mstore(add(m, 0x60), calldataload(add(item, 2)))
                    mstore(add(m, 0x80), shr(160, calldataload(add(item, 34))))
                    mstore(add(m, 0xa0), shr(216, calldataload(add(item, 46))))
                    mstore(add(m, 0xc0), shr(192, calldataload(add(item, 51))))
                    mstore(add(m, 0x102), keccak256(m, 0xe0))
                    let jobId := keccak256(add(m, 0xe0), 0x42)
                    let price := shr(160, calldataload(add(item, 59)))
                    if or(gt(timestamp(), mload(add(m, 0xa0))), gt(price, mload(add(m, 0x80)))) {
                        badTerms(jobId, mload(add(m, 0xa0)), price, mload(add(m, 0x80)))
                    }
                    // Requester signature, EIP-2098 compact (r, yParity‖s), low-s only.
                    mstore(add(m, 0x140), jobId)
                    mstore(add(m, 0x160), add(27, shr(255, calldataload(add(item, 103)))))
                    mstore(add(m, 0x180), calldataload(add(item, 71)))
                    mstore(
                        add(m, 0x1a0),
                        and(calldataload(add(item, 103)), 0x7fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff)
                    )
                    mstore(0x00, 0)
                    pop(staticcall(gas(), 0x01, add(m, 0x140), 0x80, 0x00, 0x20))
                    if or(
                        or(xor(mload(0x00), requester), iszero(mload(0x00))),
                        gt(mload(add(m, 0x1a0)), 0x7fffffffffffffffffffffffffffffff5d576e7357a4501ddfe92f46681b20a0)
                    ) { badSignature(jobId, requester) }
                    // Nonce bitmap _nonceBitmaps[requester][nonce >> 8], bit nonce & 255.
                    {
                        let nonce := mload(add(m, 0xc0))
                        let key := or(shl(64, ri), shr(8, nonce))
                        if xor(key, mload(add(m, 0x2e0))) { switchNonceWord(m, key, requester, nonce) }
                        let bit := shl(and(nonce, 0xff), 1)
                        if and(mload(add(m, 0x320)), bit) { nonceUsed(requester, nonce) }
                        mstore(add(m, 0x320), or(mload(add(m, 0x320)), bit))
                    }
                    // Netting: one running total per requester and per prover.
                    ri := add(mload(add(m, 0x280)), shl(5, add(ri, 1)))
                    mstore(ri, add(mload(ri), price))
                    pi := add(mload(add(m, 0x2a0)), shl(5, add(pi, 1)))
                    mstore(pi, add(mload(pi), price))
                    // Result leaf: keccak256(jobId, circuitId, keccak256(signals)).
                    calldatacopy(add(m, 0x340), signals, signalBytes)
                    mstore(add(m, 0x200), keccak256(add(m, 0x340), signalBytes))
                    mstore(add(m, 0x1c0), jobId)
                    mstore(leaf, keccak256(add(m, 0x1c0), 0x60))
                    leaf := add(leaf, 0x20)
                }
            }
            let slot := mload(add(m, 0x300))
            if slot { sstore(slot, mload(add(m, 0x320))) }
        }
    }

    /// @dev Sorted-pair Merkle root over the leaves in batch order; an odd last node moves up as is.
    function _merkleRoot(bytes32[] memory nodes) private pure returns (bytes32 root) {
        assembly ("memory-safe") {
            let n := mload(nodes)
            let p := add(nodes, 0x20)
            for {} gt(n, 1) {} {
                let pairsEnd := add(p, shl(6, shr(1, n)))
                let dst := p
                for { let src := p } lt(src, pairsEnd) { src := add(src, 0x40) } {
                    let a := mload(src)
                    let b := mload(add(src, 0x20))
                    let lo := xor(a, mul(xor(a, b), gt(a, b)))
                    mstore(0x00, lo)
                    mstore(0x20, xor(xor(a, b), lo))
                    mstore(dst, keccak256(0x00, 0x40))
                    dst := add(dst, 0x20)
                }
                if and(n, 1) { mstore(dst, mload(pairsEnd)) }
                n := add(shr(1, n), and(n, 1))
            }
            root := mload(p)
        }
    }

    // ---------------------------------------------------------------- awards: self-settlement and missed deadlines

    /// @inheritdoc ITenderMarket
    function settleAwarded(
        JobRequest calldata request,
        bytes calldata requestSignature,
        Award calldata award,
        bytes calldata awardSignature,
        Groth16Proof calldata proof,
        uint256[] calldata publicSignals,
        ICircuitRegistry.VerifyingKey calldata vk
    ) external nonReentrant returns (uint256 batchId) {
        bytes32 jobId = _hashTypedDataV4(_requestStructHash(request));
        _checkAward(jobId, award, awardSignature);
        if (block.timestamp <= award.proveBy || block.timestamp > request.deadline) {
            revert OutsideWindow(jobId, award.proveBy, request.deadline);
        }
        uint256 price = award.price;
        if (price > request.maxFee) revert PriceAboveMaxFee(jobId, price, request.maxFee);
        address requester = request.requester;
        if (requester == address(0) || _recover(jobId, requestSignature) != requester) {
            revert InvalidRequestSignature(jobId, requester);
        }
        _checkRegisteredKey(request.circuitId, vk);
        bytes32 signalsHash = keccak256(abi.encodePacked(publicSignals));
        if (signalsHash != award.publicSignalsHash || !_verifySingle(vk, proof, publicSignals)) {
            revert ProofNotAccepted(jobId);
        }
        _markSettled(requester, request.nonce);
        uint256 fee = price * _feeBps / BPS;
        uint256 balance = _balances[requester];
        if (balance < price + fee) revert InsufficientBalance(requester, balance, price + fee);
        _balances[requester] = balance - price - fee;
        _balances[award.prover] += price;
        Ledger memory ledger = _ledger;
        batchId = uint256(ledger.batchCount) + 1;
        _ledger = Ledger({batchCount: uint64(batchId), accruedFees: uint192(ledger.accruedFees + fee)});
        _batchRoots[batchId] = keccak256(abi.encode(jobId, request.circuitId, signalsHash));
        emit AwardSettled(batchId, jobId, award.prover, price, fee);
    }

    /// @inheritdoc ITenderMarket
    function claimMissedDeadline(
        JobRequest calldata request,
        Award calldata award,
        bytes calldata awardSignature,
        Bid calldata bid,
        bytes calldata bidSignature
    ) external nonReentrant returns (uint256 credited) {
        bytes32 jobId = _hashTypedDataV4(_requestStructHash(request));
        _checkAward(jobId, award, awardSignature);
        address prover = award.prover;
        if (
            bid.jobId != jobId || bid.prover != prover || bid.price < award.price
                || _recover(_hashTypedDataV4(_bidStructHash(bid)), bidSignature) != prover
        ) revert InvalidBid(jobId, prover);
        if (block.timestamp <= request.deadline) revert OutsideWindow(jobId, request.deadline, type(uint256).max);
        address requester = request.requester;
        if (_isSettled(requester, request.nonce)) revert JobSettled(jobId);
        bytes32 key = keccak256(abi.encode(jobId, prover, AWARD_TYPEHASH));
        if (_slashed[key]) revert AlreadySlashed(jobId, prover);
        (uint256 total,,,) = _staking.stakeInfo(prover);
        uint256 cap = total * _slashBps / BPS;
        uint256 amount = award.collateral < cap ? award.collateral : cap;
        if (amount == 0) revert NothingToSlash(prover);
        _slashed[key] = true;
        credited = _staking.slash(prover, amount);
        _balances[requester] += credited;
        emit MissedDeadlineClaimed(jobId, prover, requester, credited);
    }

    /// @dev The award must be for `jobId` and signed by an operator.
    function _checkAward(bytes32 jobId, Award calldata award, bytes calldata signature) private view {
        bytes32 digest = _hashTypedDataV4(
            keccak256(
                abi.encode(
                    AWARD_TYPEHASH,
                    award.jobId,
                    award.prover,
                    award.price,
                    award.collateral,
                    award.proveBy,
                    award.publicSignalsHash
                )
            )
        );
        if (award.jobId != jobId || !_operators[_recover(digest, signature)]) revert InvalidAward(jobId);
    }

    /// @dev Settled = the nonce bit is set and was not set by a cancellation.
    function _isSettled(address requester, uint256 nonce) private view returns (bool) {
        uint256 bit = 1 << (nonce & 0xff);
        return _nonceBitmaps[requester][nonce >> 8] & bit != 0 && _cancelled[requester][nonce >> 8] & bit == 0;
    }

    /// @dev Marks an awarded job settled; a cancelled (not settled) nonce may still be settled once.
    function _markSettled(address requester, uint256 nonce) private {
        uint256 word = nonce >> 8;
        uint256 bit = 1 << (nonce & 0xff);
        uint256 used = _nonceBitmaps[requester][word];
        if (used & bit == 0) {
            _nonceBitmaps[requester][word] = used | bit;
        } else {
            uint256 cancelled = _cancelled[requester][word];
            if (cancelled & bit == 0) revert NonceAlreadyUsed(requester, nonce);
            _cancelled[requester][word] = cancelled & ~bit;
        }
    }

    /// @dev The key in calldata must hash to the registry's.
    function _checkRegisteredKey(bytes32 circuitId, ICircuitRegistry.VerifyingKey calldata vk) private view {
        bytes32 registered = _registry.vkHashOf(circuitId);
        if (registered == bytes32(0)) revert CircuitNotRegistered(circuitId);
        bytes32 given = keccak256(abi.encode(vk.alpha1, vk.beta2, vk.gamma2, vk.delta2, vk.ic));
        if (given != registered) revert VerificationKeyMismatch(circuitId, registered, given);
    }

    function _bidStructHash(Bid calldata b) private pure returns (bytes32) {
        return keccak256(abi.encode(BID_TYPEHASH, b.jobId, b.price, b.etaMs, b.expiresAt, b.prover));
    }

    // ---------------------------------------------------------------- slashing

    /// @inheritdoc ITenderMarket
    function slash(
        JobRequest calldata request,
        ProofSubmission calldata submission,
        bytes calldata proverSignature,
        Groth16Proof calldata proof,
        uint256[] calldata publicSignals,
        ICircuitRegistry.VerifyingKey calldata vk
    ) external nonReentrant returns (uint256 slashed) {
        bytes32 jobId = _hashTypedDataV4(_requestStructHash(request));
        if (submission.jobId != jobId) revert JobMismatch(submission.jobId, jobId);
        bytes32 circuitId = request.circuitId;
        if (submission.circuitId != circuitId) revert CircuitMismatch(circuitId, submission.circuitId);
        _checkRegisteredKey(circuitId, vk);
        bytes32 proofHash = keccak256(abi.encode(proof.a, proof.b, proof.c));
        if (proofHash != submission.proofHash) revert ProofHashMismatch(submission.proofHash, proofHash);
        bytes32 signalsHash = keccak256(abi.encodePacked(publicSignals));
        if (signalsHash != submission.publicSignalsHash) {
            revert PublicSignalsHashMismatch(submission.publicSignalsHash, signalsHash);
        }
        address prover = submission.prover;
        address signer = _recover(_hashTypedDataV4(_submissionStructHash(submission)), proverSignature);
        if (signer == address(0) || signer != prover) revert InvalidProverSignature(prover);
        bytes32 key = keccak256(abi.encode(jobId, prover));
        if (_slashed[key]) revert AlreadySlashed(jobId, prover);
        if (_verifySingle(vk, proof, publicSignals)) revert ProofIsValid(jobId);

        (uint256 total,,,) = _staking.stakeInfo(prover);
        uint256 amount = total * _slashBps / BPS;
        if (amount == 0) revert NothingToSlash(prover);
        _slashed[key] = true;
        slashed = _staking.slash(prover, amount);
        uint256 toChallenger = slashed * _challengerShareBps / BPS;
        uint256 toRequester = slashed * _requesterShareBps / BPS;
        uint256 toTreasury = slashed - toChallenger - toRequester;
        _balances[msg.sender] += toChallenger;
        _balances[request.requester] += toRequester;
        _balances[_treasury] += toTreasury;
        emit ProverSlashed(jobId, prover, msg.sender, slashed, toChallenger, toRequester, toTreasury);
    }

    /// @inheritdoc ITenderMarket
    function isSlashed(bytes32 jobId, address prover) external view returns (bool) {
        return _slashed[keccak256(abi.encode(jobId, prover))];
    }

    /// @dev One proof through the batch verifier (r = 1: the plain Groth16 equation). A wrong
    /// signal count is invalid. Reverts rather than answer false when gas is too short.
    function _verifySingle(
        ICircuitRegistry.VerifyingKey calldata vk,
        Groth16Proof calldata proof,
        uint256[] calldata publicSignals
    ) private view returns (bool) {
        uint256 k = publicSignals.length;
        if (vk.ic.length != k + 1 || k > Groth16Batch.MAX_PUBLIC) return false;
        uint256 needed = (Groth16Batch.gasBound(1, 1, k) * 64) / 63 + 20_000;
        if (gasleft() < needed) revert InsufficientGas(gasleft(), needed);
        uint256 proofOffset;
        uint256 vkOffset;
        uint256 icOffset;
        uint256 signalsOffset;
        assembly ("memory-safe") {
            proofOffset := proof
            vkOffset := vk
            signalsOffset := publicSignals.offset
        }
        icOffset = _icOffset(vk);
        Groth16Batch.Group[] memory groups = new Groth16Batch.Group[](1);
        groups[0] = Groth16Batch.Group({
            vkOffset: vkOffset,
            icOffset: icOffset,
            nPublic: k,
            proofOffset: proofOffset,
            stride: PROOF_SIZE,
            count: 1,
            signalsDelta: signalsOffset - proofOffset,
            circuitId: bytes32(0),
            prefixOffset: 0,
            keyToCache: bytes32(0)
        });
        return Groth16Batch.verify(groups, 1, bytes32(0));
    }

    function _icOffset(ICircuitRegistry.VerifyingKey calldata vk) private pure returns (uint256 offset) {
        uint256[2][] calldata ic = vk.ic;
        assembly ("memory-safe") {
            offset := ic.offset
        }
    }

    // ---------------------------------------------------------------- results

    /// @inheritdoc ITenderMarket
    function batchCount() external view returns (uint256) {
        return _ledger.batchCount;
    }

    /// @inheritdoc ITenderMarket
    function batchRoot(uint256 batchId) public view returns (bytes32) {
        bytes32 root = _batchRoots[batchId];
        if (root == bytes32(0)) revert UnknownBatch(batchId);
        return root;
    }

    /// @inheritdoc ITenderMarket
    function verifyInclusion(
        uint256 batchId,
        bytes32 jobId,
        bytes32 circuitId,
        bytes32 publicSignalsHash,
        bytes32[] calldata proof
    ) external view returns (bool) {
        bytes32 root = _batchRoots[batchId];
        if (root == bytes32(0)) return false;
        bytes32 node = keccak256(abi.encode(jobId, circuitId, publicSignalsHash));
        for (uint256 x; x < proof.length; ++x) {
            bytes32 sibling = proof[x];
            node = node < sibling
                ? keccak256(abi.encode(node, sibling))
                : keccak256(abi.encode(sibling, node));
        }
        return node == root;
    }

    /// @inheritdoc ITenderMarket
    function resultLeaf(bytes32 jobId, bytes32 circuitId, bytes32 publicSignalsHash)
        external
        pure
        returns (bytes32)
    {
        return keccak256(abi.encode(jobId, circuitId, publicSignalsHash));
    }

    // ---------------------------------------------------------------- requests and nonces

    /// @inheritdoc ITenderMarket
    function jobIdOf(JobRequest calldata request) external view returns (bytes32) {
        return _hashTypedDataV4(_requestStructHash(request));
    }

    /// @inheritdoc ITenderMarket
    function submissionDigest(ProofSubmission calldata submission) external view returns (bytes32) {
        return _hashTypedDataV4(_submissionStructHash(submission));
    }

    /// @inheritdoc ITenderMarket
    function isNonceUsed(address requester, uint256 nonce) external view returns (bool) {
        return _nonceBitmaps[requester][nonce >> 8] & (1 << (nonce & 0xff)) != 0;
    }

    /// @inheritdoc ITenderMarket
    function nonceBitmap(address requester, uint256 wordPos) external view returns (uint256) {
        return _nonceBitmaps[requester][wordPos];
    }

    /// @inheritdoc ITenderMarket
    function invalidateNonces(uint256 wordPos, uint256 mask) external {
        uint256 used = _nonceBitmaps[msg.sender][wordPos];
        uint256 fresh = mask & ~used;
        if (fresh != 0) _cancelled[msg.sender][wordPos] |= fresh;
        _nonceBitmaps[msg.sender][wordPos] = used | mask;
        emit NoncesInvalidated(msg.sender, wordPos, mask);
    }

    function _requestStructHash(JobRequest calldata r) private pure returns (bytes32) {
        return keccak256(
            abi.encode(JOB_REQUEST_TYPEHASH, r.requester, r.circuitId, r.inputHash, r.maxFee, r.deadline, r.nonce)
        );
    }

    function _submissionStructHash(ProofSubmission calldata s) private pure returns (bytes32) {
        return keccak256(
            abi.encode(PROOF_SUBMISSION_TYPEHASH, s.jobId, s.circuitId, s.proofHash, s.publicSignalsHash, s.prover)
        );
    }

    /// @dev OpenZeppelin ECDSA under Tender's one signature rule (the api's `signatureRuleViolation`):
    /// exactly 65 bytes (r, s, v), v 27 or 28, low s; 0 for anything else (64-byte EIP-2098 included).
    function _recover(bytes32 digest, bytes calldata signature) private pure returns (address signer) {
        if (signature.length != 65) return address(0);
        (signer,,) = ECDSA.tryRecoverCalldata(digest, signature);
    }

    // ---------------------------------------------------------------- roles and configuration

    /// @inheritdoc ITenderMarket
    function setStakeLocks(address[] calldata provers, uint256[] calldata amounts) external onlyOperator {
        if (provers.length != amounts.length) revert LengthMismatch(provers.length, amounts.length);
        for (uint256 x; x < provers.length; ++x) {
            _staking.setLocked(provers[x], amounts[x]);
        }
    }

    /// @inheritdoc ITenderMarket
    function setOperator(address operator, bool enabled) external onlyOwner {
        if (operator == address(0)) revert ZeroAddress();
        _operators[operator] = enabled;
        emit OperatorSet(operator, enabled);
    }

    /// @inheritdoc ITenderMarket
    function isOperator(address account) external view returns (bool) {
        return _operators[account];
    }

    /// @inheritdoc ITenderMarket
    function treasury() external view returns (address) {
        return _treasury;
    }

    /// @inheritdoc ITenderMarket
    function params() external view returns (MarketParams memory) {
        return MarketParams({
            feeBps: _feeBps,
            slashBps: _slashBps,
            challengerShareBps: _challengerShareBps,
            requesterShareBps: _requesterShareBps,
            unstakeDelay: _unstakeDelay,
            minimumStake: _minimumStake
        });
    }

    /// @inheritdoc ITenderMarket
    function registry() external view returns (ICircuitRegistry) {
        return _registry;
    }

    /// @inheritdoc ITenderMarket
    function staking() external view returns (ITenderStaking) {
        return _staking;
    }

    /// @inheritdoc ITenderMarket
    function deployedAtBlock() external view returns (uint256) {
        return _deployedAtBlock;
    }

    /// @inheritdoc ITenderMarket
    function domainSeparator() external view returns (bytes32) {
        return _domainSeparatorV4();
    }

    // ---------------------------------------------------------------- calldata readers

    function _offsetOf(bytes calldata data) private pure returns (uint256 offset) {
        assembly ("memory-safe") {
            offset := data.offset
        }
    }

    function _u8(uint256 offset) private pure returns (uint256 v) {
        assembly ("memory-safe") {
            v := byte(0, calldataload(offset))
        }
    }

    function _u16(uint256 offset) private pure returns (uint256 v) {
        assembly ("memory-safe") {
            v := shr(240, calldataload(offset))
        }
    }

    function _addr(uint256 offset) private pure returns (address a) {
        assembly ("memory-safe") {
            a := shr(96, calldataload(offset))
        }
    }

    function _word(uint256 offset) private pure returns (uint256 v) {
        assembly ("memory-safe") {
            v := calldataload(offset)
        }
    }
}
