import { TenderError } from '@tender/core';
import {
  proofWords,
  publicSignalsHash,
  type SolidityProof,
  type SolidityVerifyingKey,
  vkeyHash,
} from '@tender/zk';
import { type Address, getAddress, type Hex, numberToHex, parseSignature, size } from 'viem';
import type { JobRequest, TenderDomain } from './eip712.ts';
import { jobIdOf } from './eip712.ts';
import type { BatchResult } from './resultTree.ts';

/** One job of a settlement batch, as the aggregator has it. */
export interface SettlementItem {
  request: JobRequest;
  /** The requester's EIP-712 signature over `request` (65-byte or 64-byte compact). */
  requestSignature: Hex;
  prover: Address;
  /** Wei charged to the requester and paid to the prover (before the market fee); ≤ maxFee. */
  price: bigint;
  proof: SolidityProof;
  publicSignals: readonly bigint[];
  /** The circuit's verification key (sent once per circuit in the batch, hash-checked on-chain). */
  verifyingKey: SolidityVerifyingKey;
}

/** One proof of a verification-only batch (`TenderMarket.verifyBatch`). */
export interface ProofBatchItem {
  circuitId: Hex;
  verifyingKey: SolidityVerifyingKey;
  proof: SolidityProof;
  publicSignals: readonly bigint[];
}

/** An encoded settlement batch. */
export interface EncodedSettlement {
  /** The `bytes` argument of `TenderMarket.settleBatch`. */
  data: Hex;
  /** `order[k]` = index in the input of the k-th encoded item (= k-th Merkle leaf). */
  order: number[];
  /** The results in leaf order (for `merkleProofFor`), when a domain was given. */
  results: BatchResult[];
}

const U8 = 255;
const U16 = 65_535;
const U64 = (1n << 64n) - 1n;
const U96 = (1n << 96n) - 1n;

function fail(message: string, details: Record<string, unknown> = {}): never {
  throw new TenderError('TENDER_VALIDATION_FAILED', message, { details });
}

function uint(value: bigint | number, bytes: number, what: string): string {
  const v = BigInt(value);
  if (v < 0n || v >= 1n << BigInt(bytes * 8))
    fail(`${what} does not fit in ${bytes * 8} bits`, { value: `${v}` });
  return v.toString(16).padStart(bytes * 2, '0');
}

const word = (value: bigint, what: string) => uint(value, 32, what);

function bytes32(value: Hex, what: string): string {
  if (!/^0x[0-9a-fA-F]{64}$/.test(value)) fail(`${what} is not 32 bytes`, { value });
  return value.slice(2).toLowerCase();
}

function address(value: Address): string {
  return getAddress(value).slice(2).toLowerCase();
}

function keyHex(vk: SolidityVerifyingKey): string {
  const g2 = (p: SolidityVerifyingKey['beta2']) =>
    word(p[0][0], 'vk') + word(p[0][1], 'vk') + word(p[1][0], 'vk') + word(p[1][1], 'vk');
  return (
    word(vk.alpha1[0], 'vk') +
    word(vk.alpha1[1], 'vk') +
    g2(vk.beta2) +
    g2(vk.gamma2) +
    g2(vk.delta2) +
    vk.ic.map((p) => word(p[0], 'vk') + word(p[1], 'vk')).join('')
  );
}

function proofHex(proof: SolidityProof, signals: readonly bigint[]): string {
  return (
    proofWords(proof)
      .map((w) => word(w, 'proof'))
      .join('') + signals.map((s) => word(s, 'public signal')).join('')
  );
}

/** `(r, yParity‖s)` of a 65- or 64-byte signature (EIP-2098 compact form). */
function compactSignature(signature: Hex): string {
  if (size(signature) === 64) return signature.slice(2).toLowerCase();
  const { r, s, yParity } = parseSignature(signature);
  const vs = BigInt(s) | (BigInt(yParity ?? 0) << 255n);
  return r.slice(2).toLowerCase() + numberToHex(vs, { size: 32 }).slice(2);
}

interface Group<T> {
  circuitId: Hex;
  vk: SolidityVerifyingKey;
  items: { item: T; index: number }[];
}

function groupByCircuit<T>(
  items: readonly T[],
  circuitOf: (item: T) => Hex,
  vkOf: (item: T) => SolidityVerifyingKey,
): Group<T>[] {
  const groups = new Map<string, Group<T>>();
  items.forEach((item, index) => {
    const circuitId = circuitOf(item);
    const key = circuitId.toLowerCase();
    let g = groups.get(key);
    if (!g) {
      g = { circuitId, vk: vkOf(item), items: [] };
      groups.set(key, g);
    } else if (vkeyHash(vkOf(item)) !== vkeyHash(g.vk)) {
      fail('two items of one circuit carry different verification keys', { circuitId, index });
    }
    g.items.push({ item, index });
  });
  return [...groups.values()];
}

function groupHeader(circuitId: Hex, vk: SolidityVerifyingKey, count: number): string {
  const k = vk.ic.length - 1;
  if (k < 0 || k > U8) fail('verification key has a bad IC length', { circuitId, ic: vk.ic.length });
  if (count > U16) fail('too many items for one circuit', { count });
  return bytes32(circuitId, 'circuitId') + uint(k, 1, 'nPublic') + keyHex(vk) + uint(count, 2, 'count');
}

function checkSignals(vk: SolidityVerifyingKey, signals: readonly bigint[], index: number): void {
  if (signals.length !== vk.ic.length - 1) {
    fail('public signal count does not match the key', {
      index,
      signals: signals.length,
      expected: vk.ic.length - 1,
    });
  }
}

/**
 * Encodes a settlement batch for `TenderMarket.settleBatch` (layout in contracts/README.md).
 * Items are grouped by circuit (circuits in order of first appearance), and within a circuit by
 * requester (requesters in order of first appearance; a requester's items keep their relative
 * order). That encoded order is the order of the batch's Merkle leaves (`order`, `results`).
 * Requesters and provers go into per-batch tables (at most 255 of each).
 *
 * @param domain the market's EIP-712 domain, to compute job ids for `results` (optional)
 */
export function encodeSettlementBatch(
  items: readonly SettlementItem[],
  domain?: TenderDomain,
): EncodedSettlement {
  if (items.length === 0) fail('a batch has at least one item');
  if (items.length > U16) fail('too many items in one batch', { count: items.length });
  const requesters: string[] = [];
  const provers: string[] = [];
  const indexOf = (table: string[], a: string, what: string) => {
    let i = table.indexOf(a);
    if (i < 0) {
      if (table.length >= U8) fail(`more than ${U8} distinct ${what}s in one batch`);
      i = table.push(a) - 1;
    }
    return i;
  };
  const groups = groupByCircuit(
    items,
    (it) => it.request.circuitId,
    (it) => it.verifyingKey,
  );
  if (groups.length > U8) fail('too many circuits in one batch', { count: groups.length });
  let body = '';
  const order: number[] = [];
  const results: BatchResult[] = [];
  for (const g of groups) {
    body += groupHeader(g.circuitId, g.vk, g.items.length);
    // Within a circuit, items of one requester go next to each other (stable), so the contract
    // keeps that requester's nonce word in a register instead of re-reading storage.
    const withIndex = g.items.map((entry) => ({
      ...entry,
      requesterIndex: indexOf(requesters, address(entry.item.request.requester), 'requester'),
    }));
    withIndex.sort((x, y) => x.requesterIndex - y.requesterIndex || x.index - y.index);
    let proofs = '';
    for (const { item, index, requesterIndex } of withIndex) {
      checkSignals(g.vk, item.publicSignals, index);
      const r = item.request;
      body +=
        uint(requesterIndex, 1, 'requester index') +
        uint(indexOf(provers, address(item.prover), 'prover'), 1, 'prover index') +
        bytes32(r.inputHash, 'inputHash') +
        uint(r.maxFee, 12, 'maxFee') +
        uint(r.deadline, 5, 'deadline') +
        uint(r.nonce, 8, 'nonce') +
        uint(item.price, 12, 'price') +
        compactSignature(item.requestSignature);
      proofs += proofHex(item.proof, item.publicSignals);
      order.push(index);
      if (domain) {
        results.push({
          jobId: jobIdOf(domain, r),
          circuitId: r.circuitId,
          publicSignalsHash: publicSignalsHash(item.publicSignals),
        });
      }
    }
    body += proofs;
  }
  const data: Hex = `0x${
    uint(items.length, 2, 'item count') +
    uint(requesters.length, 1, 'requester count') +
    requesters.join('') +
    uint(provers.length, 1, 'prover count') +
    provers.join('') +
    uint(groups.length, 1, 'circuit count') +
    body
  }`;
  return { data, order, results };
}

/**
 * Encodes a verification-only batch for `TenderMarket.verifyBatch`: u16 count, u8 circuits, then per
 * circuit its id, key and proofs (+ signals). Grouping rule as in {@link encodeSettlementBatch}.
 */
export function encodeProofBatch(items: readonly ProofBatchItem[]): Hex {
  if (items.length === 0) fail('a batch has at least one item');
  if (items.length > U16) fail('too many items in one batch', { count: items.length });
  const groups = groupByCircuit(
    items,
    (it) => it.circuitId,
    (it) => it.verifyingKey,
  );
  if (groups.length > U8) fail('too many circuits in one batch', { count: groups.length });
  let body = '';
  for (const g of groups) {
    body += groupHeader(g.circuitId, g.vk, g.items.length);
    for (const { item, index } of g.items) {
      checkSignals(g.vk, item.publicSignals, index);
      body += proofHex(item.proof, item.publicSignals);
    }
  }
  return `0x${uint(items.length, 2, 'item count')}${uint(groups.length, 1, 'circuit count')}${body}`;
}

/** Largest nonce a settlement can carry (nonces are encoded in 8 bytes). */
export const MAX_SETTLEMENT_NONCE: bigint = U64;
/** Largest maxFee / price a settlement can carry (12 bytes). */
export const MAX_SETTLEMENT_AMOUNT: bigint = U96;
/** Latest deadline a settlement can carry (5 bytes, unix seconds). */
export const MAX_SETTLEMENT_DEADLINE: bigint = (1n << 40n) - 1n;
