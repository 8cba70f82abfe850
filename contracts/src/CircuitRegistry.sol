// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {ICircuitRegistry} from "./interfaces/ICircuitRegistry.sol";

/// @title CircuitRegistry
/// @notice Permissionless registry of Groth16 circuits: id → verification-key hash, owner, metadata.
contract CircuitRegistry is ICircuitRegistry {
    /// @dev Keeps one batch group's IC multi-scalar multiplication bounded.
    uint256 private constant MAX_PUBLIC_SIGNALS = 64;

    mapping(bytes32 circuitId => Circuit) private _circuits;

    /// @inheritdoc ICircuitRegistry
    function registerCircuit(bytes32 circuitId, VerifyingKey calldata vk, bytes32 metadataHash) external {
        if (circuitId == bytes32(0)) revert ZeroCircuitId();
        if (_circuits[circuitId].owner != address(0)) revert CircuitAlreadyRegistered(circuitId);
        uint256 count = vk.ic.length;
        if (count == 0 || count - 1 > MAX_PUBLIC_SIGNALS) {
            revert InvalidPublicSignalCount(count == 0 ? 0 : count - 1, MAX_PUBLIC_SIGNALS);
        }
        if ((vk.alpha1[0] == 0 && vk.alpha1[1] == 0) || !_onCurve(vk.alpha1)) revert InvalidKeyPoint(0);
        for (uint256 i; i < count; ++i) {
            if (!_onCurve(vk.ic[i])) revert InvalidKeyPoint(i + 1);
        }
        bytes32 vkHash = keccak256(abi.encode(vk.alpha1, vk.beta2, vk.gamma2, vk.delta2, vk.ic));
        uint16 publicSignals = uint16(count - 1);
        _circuits[circuitId] =
            Circuit({vkHash: vkHash, metadataHash: metadataHash, owner: msg.sender, publicSignals: publicSignals});
        emit CircuitRegistered(circuitId, msg.sender, vkHash, metadataHash, publicSignals);
    }

    /// @inheritdoc ICircuitRegistry
    function setMetadataHash(bytes32 circuitId, bytes32 metadataHash) external {
        Circuit storage c = _owned(circuitId);
        c.metadataHash = metadataHash;
        emit CircuitMetadataUpdated(circuitId, metadataHash);
    }

    /// @inheritdoc ICircuitRegistry
    function transferCircuitOwnership(bytes32 circuitId, address newOwner) external {
        Circuit storage c = _owned(circuitId);
        c.owner = newOwner;
        emit CircuitOwnershipTransferred(circuitId, msg.sender, newOwner);
    }

    /// @inheritdoc ICircuitRegistry
    function circuitOf(bytes32 circuitId) external view returns (Circuit memory) {
        Circuit memory c = _circuits[circuitId];
        if (c.owner == address(0)) revert CircuitNotRegistered(circuitId);
        return c;
    }

    /// @inheritdoc ICircuitRegistry
    function vkHashOf(bytes32 circuitId) external view returns (bytes32) {
        return _circuits[circuitId].vkHash;
    }

    /// @inheritdoc ICircuitRegistry
    function hashVerifyingKey(VerifyingKey calldata vk) external pure returns (bytes32) {
        return keccak256(abi.encode(vk.alpha1, vk.beta2, vk.gamma2, vk.delta2, vk.ic));
    }

    /// @inheritdoc ICircuitRegistry
    function maxPublicSignals() external pure returns (uint256) {
        return MAX_PUBLIC_SIGNALS;
    }

    function _owned(bytes32 circuitId) private view returns (Circuit storage c) {
        c = _circuits[circuitId];
        if (c.owner == address(0)) revert CircuitNotRegistered(circuitId);
        if (c.owner != msg.sender) revert NotCircuitOwner(circuitId, msg.sender);
    }

    /// @dev ecAdd(P, 0) succeeds exactly when P is on the curve (or is the point at infinity (0, 0))
    /// with coordinates below the field modulus.
    function _onCurve(uint256[2] calldata p) private view returns (bool ok) {
        assembly ("memory-safe") {
            let m := mload(0x40)
            calldatacopy(m, p, 0x40)
            mstore(add(m, 0x40), 0)
            mstore(add(m, 0x60), 0)
            ok := staticcall(150, 0x06, m, 0x80, m, 0x40)
        }
    }
}
