// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// @title Groth16Batch
/// @notice Verifies many BN254 Groth16 proofs, possibly of different circuits, with one pairing
/// check. With random 128-bit coefficients r_i (r_0 = 1) it checks, per circuit group,
///   Π_i e(r_i·A_i, B_i) · e(−Σr_i·α, β) · e(−Σ_j (Σ_i r_i·s_ij)·IC_j, γ) · e(−Σ r_i·C_i, δ) == 1
/// where the public signals are folded into one multi-scalar multiplication over the IC points per
/// group. A batch holding an invalid proof passes with probability about 2^-128 per try.
/// @dev Everything is read from calldata by offset. Precompile calls get fixed gas caps (twice
/// today's prices) so that a failing call — an off-curve point, a coordinate ≥ p — costs a bounded
/// amount and is treated as "invalid", never bubbled up. Callers that act on `false` (slashing)
/// must first make sure `gasleft()` covers `gasBound(...)` so a false can't come from starved calls.
library Groth16Batch {
    /// @dev BN254 scalar field (group order r): public signals must be below it.
    uint256 internal constant R = 21888242871839275222246405745257275088548364400416034343698204186575808495617;
    /// @dev BN254 base field p.
    uint256 internal constant P = 21888242871839275222246405745257275088696311157297823662689037894645226208583;
    uint256 internal constant EC_ADD_GAS = 500;
    uint256 internal constant EC_MUL_GAS = 12_000;
    uint256 internal constant PAIRING_BASE_GAS = 90_000;
    uint256 internal constant PAIRING_PAIR_GAS = 68_000;
    /// @dev The registry's cap on public signals per circuit (sizes the accumulator scratch space).
    uint256 internal constant MAX_PUBLIC = 64;

    /// @notice Where one circuit group's key and proofs lie in calldata.
    struct Group {
        /// alpha1 (2 words), beta2 (4), gamma2 (4), delta2 (4), contiguous
        uint256 vkOffset;
        /// ic[0..nPublic], 2 words each, contiguous
        uint256 icOffset;
        uint256 nPublic;
        /// offset of the first proof (a.x a.y b.x1 b.x0 b.y1 b.y0 c.x c.y, 8 words)
        uint256 proofOffset;
        /// bytes from one proof to the next
        uint256 stride;
        uint256 count;
        /// offset of a proof's public signals minus the proof's offset
        uint256 signalsDelta;
        /// the circuit's id (not used by the verification; carried for the caller)
        bytes32 circuitId;
        /// offset of the group's first settlement request (not used by the verification)
        uint256 prefixOffset;
        /// the key hash, when the caller should remember it (not used by the verification)
        bytes32 keyToCache;
    }

    /// @notice An upper bound on the gas `verify` forwards to precompiles.
    function gasBound(uint256 nItems, uint256 nGroups, uint256 totalPublic) internal pure returns (uint256) {
        return PAIRING_BASE_GAS + PAIRING_PAIR_GAS * (nItems + 3 * nGroups)
            + EC_MUL_GAS * (2 * nItems + 2 * nGroups + totalPublic) + EC_ADD_GAS * (nItems + totalPublic);
    }

    /// @notice True when every proof of every group verifies.
    /// @param groups the circuit groups, in batch order; item i (counted across groups) gets r_i
    /// @param nItems the total number of proofs (the sum of the groups' counts), at least 1
    /// @param seed the Fiat-Shamir seed: a hash that binds every byte the verification reads
    function verify(Group[] memory groups, uint256 nItems, bytes32 seed) internal view returns (bool ok) {
        assembly ("memory-safe") {
            // r_i·A_i (or A_0), B_i of the proofs of one group; adds r_i·C_i into the accumulator at t
            // and r_i·s_ij into the signal accumulators after it. `first` is the pairing buffer's
            // start for the batch's first group (its first proof gets r = 1) and 0 otherwise.
            // Expects the seed at 0x00. Returns the next free row and Σ r_i.
            function groupProofs(grp, row, first, t) -> next, sumR, valid {
                let k := mload(add(grp, 0x40))
                let item := mload(add(grp, 0x60))
                let stride := mload(add(grp, 0x80))
                let end := add(item, mul(mload(add(grp, 0xa0)), stride))
                let sdelta := mload(add(grp, 0xc0))
                let sa := add(t, 0xa0)
                for { let j := 0 } lt(j, k) { j := add(j, 1) } { mstore(add(sa, shl(5, j)), 0) }
                // The batch's first proof gets r = 1: A goes in as is (the pairing checks it), C is the
                // accumulator's start (the first ecAdd checks it).
                switch eq(row, first)
                case 1 {
                    calldatacopy(row, item, 0x40)
                    calldatacopy(add(row, 0x40), add(item, 0x40), 0x80)
                    calldatacopy(t, add(item, 0xc0), 0x40)
                    mstore(add(t, 0x40), 0)
                    mstore(add(t, 0x60), 0)
                    valid := and(staticcall(500, 0x06, t, 0x80, t, 0x40), accumulateSignals(add(item, sdelta), sa, k, 1))
                    sumR := 1
                    row := add(row, 192)
                    item := add(item, stride)
                }
                default {
                    mstore(t, 0)
                    mstore(add(t, 0x20), 0)
                    valid := 1
                }
                let p := add(t, 0x40)
                let s := add(t, 0x80)
                for {} lt(item, end) { item := add(item, stride) } {
                    mstore(0x20, row)
                    let r := shr(128, keccak256(0x00, 0x40))
                    calldatacopy(p, item, 0x40)
                    mstore(s, r)
                    valid := and(valid, staticcall(12000, 0x07, p, 0x60, row, 0x40))
                    calldatacopy(p, add(item, 0xc0), 0x40)
                    valid := and(valid, staticcall(12000, 0x07, p, 0x60, p, 0x40))
                    valid := and(valid, staticcall(500, 0x06, t, 0x80, t, 0x40))
                    calldatacopy(add(row, 0x40), add(item, 0x40), 0x80)
                    valid := and(valid, accumulateSignals(add(item, sdelta), sa, k, r))
                    sumR := add(sumR, r)
                    row := add(row, 192)
                }
                next := row
            }

            // acc_j += r·s_j mod q for the k signals at `sig`; false when a signal is ≥ q.
            function accumulateSignals(sig, sa, k, r) -> inRange {
                let q := 21888242871839275222246405745257275088548364400416034343698204186575808495617
                inRange := 1
                let end := add(sa, shl(5, k))
                for {} lt(sa, end) {
                    sa := add(sa, 0x20)
                    sig := add(sig, 0x20)
                } {
                    let v := calldataload(sig)
                    inRange := and(inRange, lt(v, q))
                    mstore(sa, addmod(mload(sa), mulmod(v, r, q), q))
                }
            }

            // The group's three rows at `row`: (−Σr·α, β), (−Σ acc_j·IC_j, γ), (−Σ r·C, δ).
            function groupRows(grp, row, t, sumR) -> valid {
                let q := 21888242871839275222246405745257275088548364400416034343698204186575808495617
                let vk := mload(grp)
                let ic := mload(add(grp, 0x20))
                let k := mload(add(grp, 0x40))
                let sa := add(t, 0xa0)
                mstore(add(row, 384), mload(t))
                mstore(
                    add(row, 416),
                    mod(
                        sub(21888242871839275222246405745257275088696311157297823662689037894645226208583, mload(add(t, 0x20))),
                        21888242871839275222246405745257275088696311157297823662689037894645226208583
                    )
                )
                let negSum := sub(q, mod(sumR, q))
                calldatacopy(add(t, 0x40), vk, 0x40)
                mstore(add(t, 0x80), negSum)
                valid := staticcall(12000, 0x07, add(t, 0x40), 0x60, row, 0x40)
                calldatacopy(add(row, 0x40), add(vk, 0x40), 0x80)
                calldatacopy(add(t, 0x40), ic, 0x40)
                mstore(add(t, 0x80), negSum)
                valid := and(valid, staticcall(12000, 0x07, add(t, 0x40), 0x60, t, 0x40))
                for { let j := 0 } lt(j, k) { j := add(j, 1) } {
                    calldatacopy(add(t, 0x40), add(ic, shl(6, add(j, 1))), 0x40)
                    mstore(add(t, 0x80), sub(q, mload(add(sa, shl(5, j)))))
                    valid := and(valid, staticcall(12000, 0x07, add(t, 0x40), 0x60, add(t, 0x40), 0x40))
                    valid := and(valid, staticcall(500, 0x06, t, 0x80, t, 0x40))
                }
                mstore(add(row, 192), mload(t))
                mstore(add(row, 224), mload(add(t, 0x20)))
                calldatacopy(add(row, 256), add(vk, 0xc0), 0x80)
                calldatacopy(add(row, 448), add(vk, 0x140), 0x80)
            }

            // Memory: t [acc.x, acc.y, p.x, p.y, scalar] | signal accumulators | pairing rows
            // (one per proof, then three per group).
            let t := mload(0x40)
            let buf := add(t, add(0xa0, shl(5, MAX_PUBLIC)))
            let groupRow := add(buf, mul(nItems, 192))
            let gp := add(groups, 0x20)
            let gend := add(gp, shl(5, mload(groups)))
            mstore(0x40, add(groupRow, mul(mload(groups), 576)))
            mstore(0x00, seed)
            ok := 1
            let row := buf
            let first := buf
            for {} lt(gp, gend) { gp := add(gp, 0x20) } {
                let grp := mload(gp)
                let sumR, valid
                row, sumR, valid := groupProofs(grp, row, first, t)
                first := 0
                ok := and(ok, and(valid, groupRows(grp, groupRow, t, sumR)))
                groupRow := add(groupRow, 576)
            }
            let rows := div(sub(groupRow, buf), 192)
            mstore(0x00, 0)
            ok := and(
                ok,
                staticcall(add(PAIRING_BASE_GAS, mul(PAIRING_PAIR_GAS, rows)), 0x08, buf, sub(groupRow, buf), 0x00, 0x20)
            )
            ok := and(ok, eq(mload(0x00), 1))
        }
    }
}
