// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {ICircuitRegistry} from "./interfaces/ICircuitRegistry.sol";
import {ITenderStaking} from "./interfaces/ITenderStaking.sol";
import {ReentrancyGuard} from "./libraries/ReentrancyGuard.sol";
import {TenderStaking} from "./TenderStaking.sol";

/// @title TenderMarket (pipeline skeleton: escrow and roles; settlement follows)
contract TenderMarket is ReentrancyGuard {
    error ZeroAmount();
    error InsufficientBalance(address account, uint256 balance, uint256 needed);
    error TransferFailed(address to, uint256 amount);
    error NotOwner(address caller);

    event OperatorSet(address indexed operator, bool enabled);

    event Deposited(address indexed account, address indexed from, uint256 amount);
    event Withdrawn(address indexed account, uint256 amount);

    struct MarketParams {
        uint16 feeBps;
        uint16 slashBps;
        uint16 challengerShareBps;
        uint16 requesterShareBps;
        uint64 unstakeDelay;
        uint256 minimumStake;
    }

    ICircuitRegistry private immutable _registry;
    ITenderStaking private immutable _staking;
    uint256 private immutable _deployedAtBlock;
    address private _owner;
    address private immutable _treasury;
    mapping(address account => uint256) private _balances;
    mapping(address operator => bool) private _operators;

    constructor(address owner_, address treasury_, ICircuitRegistry registry_, MarketParams memory params_) {
        _owner = owner_;
        _treasury = treasury_;
        _registry = registry_;
        _deployedAtBlock = block.number;
        _staking = new TenderStaking(params_.minimumStake, params_.unstakeDelay);
    }

    function deployedAtBlock() external view returns (uint256) {
        return _deployedAtBlock;
    }

    function setOperator(address operator, bool enabled) external {
        if (msg.sender != _owner) revert NotOwner(msg.sender);
        _operators[operator] = enabled;
        emit OperatorSet(operator, enabled);
    }

    function isOperator(address account) external view returns (bool) {
        return _operators[account];
    }

    function owner() external view returns (address) {
        return _owner;
    }

    function deposit() external payable {
        if (msg.value == 0) revert ZeroAmount();
        _balances[msg.sender] += msg.value;
        emit Deposited(msg.sender, msg.sender, msg.value);
    }

    function withdraw(uint256 amount) external nonReentrant {
        uint256 balance = _balances[msg.sender];
        if (amount > balance) revert InsufficientBalance(msg.sender, balance, amount);
        _balances[msg.sender] = balance - amount;
        emit Withdrawn(msg.sender, amount);
        (bool ok,) = msg.sender.call{value: amount}("");
        if (!ok) revert TransferFailed(msg.sender, amount);
    }

    function balanceOf(address account) external view returns (uint256) {
        return _balances[account];
    }

    function registry() external view returns (ICircuitRegistry) {
        return _registry;
    }

    function staking() external view returns (ITenderStaking) {
        return _staking;
    }
}
