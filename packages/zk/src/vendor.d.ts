// Minimal typings for the untyped libraries this package wraps. Only the
// members @tender/zk calls are declared; nothing outside packages/zk imports them.

declare module 'snarkjs' {
  /** An in-memory file for snarkjs's fastfile layer. */
  export interface MemFile {
    type: 'mem';
    data: Uint8Array;
  }
  type FileRef = string | MemFile;
  export const groth16: {
    prove(
      zkey: FileRef,
      wtns: FileRef,
      logger?: unknown,
      options?: { singleThread?: boolean },
    ): Promise<{ proof: import('./types.ts').Groth16Proof; publicSignals: string[] }>;
    verify(
      vkey: import('./types.ts').VerificationKey,
      publicSignals: readonly string[],
      proof: import('./types.ts').Groth16Proof,
      logger?: unknown,
    ): Promise<boolean>;
    exportSolidityCallData(
      proof: import('./types.ts').Groth16Proof,
      publicSignals: readonly string[],
    ): Promise<string>;
  };
  export const zKey: {
    newZKey(r1cs: FileRef, ptau: FileRef, zkey: FileRef, logger?: unknown): Promise<unknown>;
    contribute(
      oldZkey: FileRef,
      newZkey: FileRef,
      name: string,
      entropy: string,
      logger?: unknown,
    ): Promise<unknown>;
    beacon(
      oldZkey: FileRef,
      newZkey: FileRef,
      name: string,
      beaconHashHex: string,
      numIterationsExp: number,
      logger?: unknown,
    ): Promise<unknown>;
    exportVerificationKey(zkey: FileRef, logger?: unknown): Promise<import('./types.ts').VerificationKey>;
  };
  export const powersOfTau: {
    newAccumulator(curve: unknown, power: number, fileName: string, logger?: unknown): Promise<unknown>;
    contribute(
      oldPtau: string,
      newPtau: string,
      name: string,
      entropy: string,
      logger?: unknown,
    ): Promise<unknown>;
    beacon(
      oldPtau: string,
      newPtau: string,
      name: string,
      beaconHashHex: string,
      numIterationsExp: number,
      logger?: unknown,
    ): Promise<unknown>;
    preparePhase2(oldPtau: string, newPtau: string, logger?: unknown): Promise<unknown>;
  };
  export const curves: {
    getCurveFromName(name: string): Promise<{ terminate(): Promise<void> }>;
  };
}

declare module 'ffjavascript' {
  /** A point as ffjavascript's wasm curve stores it (Montgomery form, affine 64 bytes or jacobian 96/192). */
  export type PointBuf = Uint8Array;
  export interface CurveGroup {
    F: { n8: number; fromObject(v: bigint | readonly bigint[]): Uint8Array };
    zeroAffine: PointBuf;
    fromObject(p: readonly (bigint | readonly bigint[])[]): PointBuf;
    toObject(p: PointBuf): unknown[];
    toAffine(p: PointBuf): PointBuf;
    isValid(p: PointBuf): boolean;
    isZero(p: PointBuf): boolean;
    eq(a: PointBuf, b: PointBuf): boolean;
    neg(p: PointBuf): PointBuf;
    add(a: PointBuf, b: PointBuf): PointBuf;
    timesScalar(p: PointBuf, s: Uint8Array | bigint): PointBuf;
    multiExpAffine(bases: Uint8Array, scalars: Uint8Array): Promise<PointBuf>;
  }
  export interface BnCurve {
    G1: CurveGroup;
    G2: CurveGroup;
    Fr: { n8: number };
    r: bigint;
    q: bigint;
    pairingEq(...args: PointBuf[]): Promise<boolean>;
    terminate(): Promise<void>;
  }
  export function buildBn128(singleThread?: boolean): Promise<BnCurve>;
}

/** ffjavascript caches its multi-threaded BN254 curve here; it must be terminated at shutdown. */
declare var curve_bn128: { terminate(): Promise<void> } | null | undefined;
