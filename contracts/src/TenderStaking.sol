// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {Address} from "@openzeppelin/contracts/utils/Address.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {ITenderStaking} from "./interfaces/ITenderStaking.sol";

/// @title TenderStaking
/// @notice Native-ETH prover stake for the Tender market. Deployed by the market's constructor,
/// so `market` is the deployer and never changes.
/// @dev Invariant: the contract's ETH balance equals the sum of every prover's `total`.
contract TenderStaking is ITenderStaking, ReentrancyGuardTransient {
    using SafeCast for uint256;

    struct Stake {
        uint128 total;
        uint128 pending;
        uint128 locked;
        uint64 readyAt;
    }

    address private immutable _market;
    uint256 private immutable _minimumStake;
    uint64 private immutable _unstakeDelay;

    mapping(address prover => Stake) private _stakes;

    constructor(uint256 minimumStake_, uint64 unstakeDelay_) {
        _market = msg.sender;
        _minimumStake = minimumStake_;
        _unstakeDelay = unstakeDelay_;
    }

    modifier onlyMarket() {
        if (msg.sender != _market) revert OnlyMarket(msg.sender);
        _;
    }

    /// @inheritdoc ITenderStaking
    function stake() external payable {
        if (msg.value == 0) revert ZeroAmount();
        Stake storage s = _stakes[msg.sender];
        uint256 total = s.total + msg.value;
        uint256 active = total - s.pending;
        if (active < _minimumStake) revert StakeBelowMinimum(msg.sender, active, _minimumStake);
        s.total = total.toUint128();
        emit Staked(msg.sender, msg.value, total);
    }

    /// @inheritdoc ITenderStaking
    function requestUnstake(uint256 amount) external {
        if (amount == 0) revert ZeroAmount();
        Stake storage s = _stakes[msg.sender];
        uint256 total = s.total;
        uint256 pending = s.pending;
        uint256 locked = s.locked;
        uint256 active = total - pending;
        uint256 available = active > locked ? active - locked : 0;
        if (amount > available) revert UnstakeExceedsAvailable(msg.sender, amount, available);
        uint256 left = active - amount;
        if (left != 0 && left < _minimumStake) revert StakeBelowMinimum(msg.sender, left, _minimumStake);
        uint64 readyAt = uint64(block.timestamp) + _unstakeDelay;
        s.pending = (pending + amount).toUint128();
        s.readyAt = readyAt;
        emit UnstakeRequested(msg.sender, amount, pending + amount, readyAt);
    }

    /// @inheritdoc ITenderStaking
    function withdrawStake() external nonReentrant returns (uint256 amount) {
        Stake storage s = _stakes[msg.sender];
        amount = s.pending;
        if (amount == 0) revert NoPendingUnstake(msg.sender);
        uint64 readyAt = s.readyAt;
        if (block.timestamp < readyAt) revert UnstakeNotReady(msg.sender, readyAt);
        uint256 remaining = s.total - amount;
        uint256 locked = s.locked;
        if (remaining < locked) revert StakeLocked(msg.sender, remaining, locked);
        s.total = remaining.toUint128();
        s.pending = 0;
        s.readyAt = 0;
        emit StakeWithdrawn(msg.sender, amount);
        Address.sendValue(payable(msg.sender), amount);
    }

    /// @inheritdoc ITenderStaking
    function setLocked(address prover, uint256 amount) external onlyMarket {
        _stakes[prover].locked = amount.toUint128();
        emit StakeLockSet(prover, amount);
    }

    /// @inheritdoc ITenderStaking
    function slash(address prover, uint256 amount) external onlyMarket nonReentrant returns (uint256 slashed) {
        Stake storage s = _stakes[prover];
        uint256 total = s.total;
        slashed = amount < total ? amount : total;
        uint256 remaining = total - slashed;
        s.total = remaining.toUint128();
        if (s.pending > remaining) s.pending = remaining.toUint128();
        emit StakeSlashed(prover, slashed, remaining);
        if (slashed != 0) Address.sendValue(payable(_market), slashed);
    }

    /// @inheritdoc ITenderStaking
    function market() external view returns (address) {
        return _market;
    }

    /// @inheritdoc ITenderStaking
    function minimumStake() external view returns (uint256) {
        return _minimumStake;
    }

    /// @inheritdoc ITenderStaking
    function unstakeDelay() external view returns (uint64) {
        return _unstakeDelay;
    }

    /// @inheritdoc ITenderStaking
    function stakeOf(address prover) external view returns (uint256) {
        Stake storage s = _stakes[prover];
        return s.total - s.pending;
    }

    /// @inheritdoc ITenderStaking
    function stakeInfo(address prover)
        external
        view
        returns (uint256 total, uint256 pending, uint256 locked, uint64 readyAt)
    {
        Stake storage s = _stakes[prover];
        return (s.total, s.pending, s.locked, s.readyAt);
    }
}
