// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

// Test-only helpers (deployed by packages/chain tests, never by deployTender).

interface IMarketForTests {
    function deposit() external payable;
    function requestWithdrawal(uint256 amount) external;
    function completeWithdrawal() external returns (uint256);
}

interface IStakingForTests {
    function stake() external payable;
    function requestUnstake(uint256 amount) external;
    function withdrawStake() external returns (uint256);
}

/// @notice Holds a market balance and stake but refuses every ETH transfer to it.
contract RejectingReceiver {
    error Rejected();

    function deposit(IMarketForTests market) external payable {
        market.deposit{value: msg.value}();
    }

    function requestWithdrawal(IMarketForTests market, uint256 amount) external {
        market.requestWithdrawal(amount);
    }

    function completeWithdrawal(IMarketForTests market) external {
        market.completeWithdrawal();
    }

    function stake(IStakingForTests staking) external payable {
        staking.stake{value: msg.value}();
    }

    function requestUnstake(IStakingForTests staking, uint256 amount) external {
        staking.requestUnstake(amount);
    }

    function withdrawStake(IStakingForTests staking) external {
        staking.withdrawStake();
    }

    receive() external payable {
        revert Rejected();
    }
}

/// @notice Re-enters `completeWithdrawal` / `withdrawStake` from its receive hook and records the revert
/// selector it got back, then accepts the ETH.
contract ReentrantReceiver {
    IMarketForTests private _market;
    IStakingForTests private _staking;
    bytes4 public lastReentryError;
    uint256 public reentries;

    function depositAndRequest(IMarketForTests market, uint256 amount) external payable {
        _market = market;
        market.deposit{value: msg.value}();
        market.requestWithdrawal(amount);
    }

    function completeWithdrawal() external {
        _market.completeWithdrawal();
    }

    function stake(IStakingForTests staking) external payable {
        _staking = staking;
        staking.stake{value: msg.value}();
    }

    function requestUnstake(uint256 amount) external {
        _staking.requestUnstake(amount);
    }

    function withdrawStake() external {
        _staking.withdrawStake();
    }

    receive() external payable {
        reentries += 1;
        if (address(_market) != address(0)) {
            try _market.completeWithdrawal() {} catch (bytes memory reason) {
                lastReentryError = bytes4(reason);
            }
        } else {
            try _staking.withdrawStake() {} catch (bytes memory reason) {
                lastReentryError = bytes4(reason);
            }
        }
    }
}
