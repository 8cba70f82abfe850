import { readFile } from 'node:fs/promises';
import { TenderError } from '@tender/core';
import { checkInput } from './checkInput.ts';
import type { CircuitInput, InputSignal } from './types.ts';

// The root tsconfig has no DOM lib, so the few WebAssembly members used here are typed locally.
interface WasmInstance {
  exports: unknown;
}
interface WasmApi {
  compile(bytes: Uint8Array): Promise<object>;
  instantiate(module: object, imports: Record<string, Record<string, unknown>>): Promise<WasmInstance>;
}
const wasm = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

interface WitnessExports {
  getVersion(): number;
  getFieldNumLen32(): number;
  getRawPrime(): void;
  readSharedRWMemory(i: number): number;
  writeSharedRWMemory(i: number, v: number): void;
  init(sanityCheck: number): void;
  getInputSignalSize(hMSB: number, hLSB: number): number;
  setInputSignal(hMSB: number, hLSB: number, pos: number): void;
  getInputSize(): number;
  getWitnessSize(): number;
  getWitness(i: number): void;
  getMessageChar(): number;
}

const runtimeErrors: Record<number, string> = {
  1: 'signal not found',
  2: 'too many signals set',
  3: 'signal already set',
  4: 'assert failed',
  5: 'not enough memory',
  6: 'input signal array access exceeds the size',
  7: 'out of bounds array access',
};

/** 64-bit FNV-1a of a signal name, split in high and low 32-bit halves (circom's input-signal hash). */
function signalHash(name: string): [number, number] {
  let h = 0xcbf29ce484222325n;
  for (let i = 0; i < name.length; i++) {
    h ^= BigInt(name.charCodeAt(i));
    h = (h * 0x100000001b3n) & 0xffffffffffffffffn;
  }
  return [Number(h >> 32n), Number(h & 0xffffffffn)];
}

/**
 * A loaded circom 2 witness generator (the `.wasm` circom emits), kept in
 * memory so that repeated witnesses do not reload or recompile the module.
 * Not safe for concurrent use from several async callers at once: calls are
 * synchronous once loaded, so one instance per thread is enough.
 */
export class WitnessCalculator {
  /** The field modulus the circuit uses. */
  readonly prime: bigint;
  /** 32-bit words per field element. */
  readonly n32: number;
  readonly #ex: WitnessExports;
  readonly #inputSignals: readonly InputSignal[] | undefined;
  #errorText = '';

  private constructor(instance: WasmInstance, inputSignals: readonly InputSignal[] | undefined) {
    this.#ex = instance.exports as unknown as WitnessExports;
    this.#inputSignals = inputSignals;
    this.n32 = this.#ex.getFieldNumLen32();
    this.#ex.getRawPrime();
    let p = 0n;
    for (let j = this.n32 - 1; j >= 0; j--) p = (p << 32n) | BigInt(this.#ex.readSharedRWMemory(j) >>> 0);
    this.prime = p;
  }

  /**
   * Loads a circom 2 witness wasm. With `inputSignals` (from `compileCircuit`),
   * missing and unknown inputs are reported by name before computing.
   */
  static async load(wasmPath: string, inputSignals?: readonly InputSignal[]): Promise<WitnessCalculator> {
    const module = await wasm.compile(await readFile(wasmPath));
    let calc: WitnessCalculator | undefined;
    const message = () => {
      let s = '';
      for (let c = calc!.#ex.getMessageChar(); c !== 0; c = calc!.#ex.getMessageChar())
        s += String.fromCharCode(c);
      return s;
    };
    const instance = await wasm.instantiate(module, {
      runtime: {
        exceptionHandler(code: number) {
          const text = calc!.#errorText.trim();
          calc!.#errorText = '';
          throw new TenderError(
            'TENDER_WITNESS_FAILED',
            `witness generation failed: ${runtimeErrors[code] ?? `error ${code}`}${text ? ` (${text})` : ''}`,
            { details: { wasmPath, runtimeCode: code, circomMessage: text } },
          );
        },
        printErrorMessage() {
          calc!.#errorText += `${message()} `;
        },
        writeBufferMessage() {
          message(); // circom log() output: drained and dropped
        },
        showSharedRWMemory() {},
      },
    });
    calc = new WitnessCalculator(instance, inputSignals);
    if (calc.#ex.getVersion() !== 2) {
      throw new TenderError('TENDER_ARTIFACT_INVALID', 'not a circom 2 witness wasm', {
        details: { wasmPath },
      });
    }
    return calc;
  }

  #compute(input: CircuitInput): void {
    const ex = this.#ex;
    const values = checkInput(input, this.#inputSignals, this.prime);
    ex.init(0);
    let set = 0;
    const total = ex.getInputSize();
    for (const [name, flat] of values) {
      const [hMSB, hLSB] = signalHash(name);
      const size = ex.getInputSignalSize(hMSB, hLSB);
      if (size <= 0) {
        throw new TenderError(
          'TENDER_INPUT_INVALID',
          `input signal ${name}: is not an input of this circuit`,
          {
            details: { signal: name },
          },
        );
      }
      if (size !== flat.length) {
        throw new TenderError(
          'TENDER_INPUT_INVALID',
          `input signal ${name}: expected ${size} element(s), got ${flat.length}`,
          { details: { signal: name, expected: size, actual: flat.length } },
        );
      }
      for (let i = 0; i < flat.length; i++) {
        let v = flat[i]!;
        for (let j = 0; j < this.n32; j++) {
          ex.writeSharedRWMemory(j, Number(v & 0xffffffffn));
          v >>= 32n;
        }
        ex.setInputSignal(hMSB, hLSB, i);
      }
      set += flat.length;
    }
    if (set < total) {
      throw new TenderError(
        'TENDER_INPUT_INVALID',
        `missing input signals: ${set} of ${total} elements given`,
        {
          details: { expected: total, actual: set },
        },
      );
    }
  }

  /** Computes the full witness (wire values, `witness[0] = 1`) for `input`. */
  calculate(input: CircuitInput): bigint[] {
    this.#compute(input);
    const ex = this.#ex;
    const n = ex.getWitnessSize();
    const out = new Array<bigint>(n);
    for (let i = 0; i < n; i++) {
      ex.getWitness(i);
      let v = 0n;
      for (let j = this.n32 - 1; j >= 0; j--) v = (v << 32n) | BigInt(ex.readSharedRWMemory(j) >>> 0);
      out[i] = v;
    }
    return out;
  }

  /** Computes the witness for `input` as a binary `.wtns` file (iden3 format, version 2) held in memory. */
  calculateWtns(input: CircuitInput): Uint8Array {
    this.#compute(input);
    const ex = this.#ex;
    const n = ex.getWitnessSize();
    const n8 = this.n32 * 4;
    const headerLen = 12 + 12 + 4 + n8 + 4 + 12;
    const buf = new Uint8Array(headerLen + n * n8);
    const view = new DataView(buf.buffer);
    buf.set([0x77, 0x74, 0x6e, 0x73]); // "wtns"
    view.setUint32(4, 2, true);
    view.setUint32(8, 2, true);
    view.setUint32(12, 1, true);
    view.setBigUint64(16, BigInt(4 + n8 + 4), true);
    view.setUint32(24, n8, true);
    let p = this.prime;
    for (let j = 0; j < n8; j++) {
      buf[28 + j] = Number(p & 0xffn);
      p >>= 8n;
    }
    view.setUint32(28 + n8, n, true);
    view.setUint32(32 + n8, 2, true);
    view.setBigUint64(36 + n8, BigInt(n * n8), true);
    let off = headerLen;
    for (let i = 0; i < n; i++) {
      ex.getWitness(i);
      for (let j = 0; j < this.n32; j++) {
        view.setUint32(off, ex.readSharedRWMemory(j) >>> 0, true);
        off += 4;
      }
    }
    return buf;
  }
}
