// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// @title Tender circuit registry
/// @notice Maps a circuit id to the hash of its Groth16 verification key, its owner and a metadata
/// hash. Only the key's hash is stored: whoever needs the key passes it in calldata and the hash is
/// checked, which is cheaper than reading the key from storage.
/// @dev The key hash is `keccak256(abi.encode(alpha1, beta2, gamma2, delta2, ic))` with G1 points
/// as `uint256[2]` (x, y) and G2 points as `uint256[2][2]` in EIP-197 order (imaginary part first).
interface ICircuitRegistry {
    /// @notice A Groth16 verification key in EIP-197 layout.
    struct VerifyingKey {
        uint256[2] alpha1;
        uint256[2][2] beta2;
        uint256[2][2] gamma2;
        uint256[2][2] delta2;
        uint256[2][] ic;
    }

    /// @notice What the registry knows about a circuit.
    struct Circuit {
        bytes32 vkHash;
        bytes32 metadataHash;
        address owner;
        uint16 publicSignals;
    }

    /// @notice The circuit id is zero.
    error ZeroCircuitId();
    /// @notice A circuit with this id already exists.
    error CircuitAlreadyRegistered(bytes32 circuitId);
    /// @notice No circuit with this id exists.
    error CircuitNotRegistered(bytes32 circuitId);
    /// @notice The caller does not own the circuit.
    error NotCircuitOwner(bytes32 circuitId, address caller);
    /// @notice The key has no IC points, or more public signals than supported.
    error InvalidPublicSignalCount(uint256 count, uint256 maximum);
    /// @notice A G1 point of the key is not on the curve (or a coordinate is not below the field modulus).
    /// @param index 0 for alpha1, 1 + i for ic[i]
    error InvalidKeyPoint(uint256 index);

    /// @notice A circuit was registered.
    event CircuitRegistered(
        bytes32 indexed circuitId, address indexed owner, bytes32 vkHash, bytes32 metadataHash, uint16 publicSignals
    );
    /// @notice A circuit's metadata hash was replaced by its owner.
    event CircuitMetadataUpdated(bytes32 indexed circuitId, bytes32 metadataHash);
    /// @notice A circuit changed owner.
    event CircuitOwnershipTransferred(bytes32 indexed circuitId, address indexed previousOwner, address indexed newOwner);

    /// @notice Registers `circuitId` with the hash of `vk`; the caller becomes its owner. The key's G1
    /// points are checked to be on the curve.
    function registerCircuit(bytes32 circuitId, VerifyingKey calldata vk, bytes32 metadataHash) external;

    /// @notice Replaces the circuit's metadata hash (owner only). The key never changes.
    function setMetadataHash(bytes32 circuitId, bytes32 metadataHash) external;

    /// @notice Hands the circuit to a new owner (owner only).
    function transferCircuitOwnership(bytes32 circuitId, address newOwner) external;

    /// @notice The circuit's record; reverts with `CircuitNotRegistered` when unknown.
    function circuitOf(bytes32 circuitId) external view returns (Circuit memory);

    /// @notice The circuit's verification-key hash, or zero when unknown.
    function vkHashOf(bytes32 circuitId) external view returns (bytes32);

    /// @notice The hash the registry stores for `vk`.
    function hashVerifyingKey(VerifyingKey calldata vk) external pure returns (bytes32);

    /// @notice The largest number of public signals a circuit may have.
    function maxPublicSignals() external pure returns (uint256);
}
