// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// @notice A reentrancy lock kept in transient storage (EIP-1153), so it costs no storage writes.
abstract contract ReentrancyGuard {
    /// @notice A guarded function was entered again before it returned.
    error ReentrantCall();

    bool private transient _entered;

    modifier nonReentrant() {
        if (_entered) revert ReentrantCall();
        _entered = true;
        _;
        _entered = false;
    }
}
