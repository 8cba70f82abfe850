import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { provingMsPercentile, scaleProvingMs } from '@tender/core';

/** Measurements kept per circuit (newest last). */
export const SAMPLES_PER_CIRCUIT = 20;

interface CircuitSpeed {
  /** The circuit's constraint count (lets a measurement on it estimate other circuits). */
  constraints: number | null;
  /** Measured end-to-end proving times (witness + proof), ms, newest last. */
  samplesMs: number[];
}

interface SpeedFile {
  version: 1;
  /** Keyed by `<backend>:<circuitId>`: the same circuit proves at different speeds on different backends. */
  circuits: Record<string, CircuitSpeed>;
}

/**
 * The worker's own measured proving times per circuit and backend, kept in a
 * JSON file in its data folder so that its bids stay honest across restarts.
 * Estimates are the p90 of the last {@link SAMPLES_PER_CIRCUIT} samples; a
 * circuit never measured is scaled linearly by constraints from the closest
 * measured circuit of the same backend, else `null` (the caller's first guess).
 */
export class SpeedBook {
  readonly file: string;
  readonly backend: string;
  #data: SpeedFile;
  #writing: Promise<void> = Promise.resolve();

  private constructor(file: string, backend: string, data: SpeedFile) {
    this.file = file;
    this.backend = backend;
    this.#data = data;
  }

  /** Opens (or starts) the speed file `file` for `backend`; an unreadable file starts empty. */
  static async open(file: string, backend: string): Promise<SpeedBook> {
    let data: SpeedFile = { version: 1, circuits: {} };
    try {
      const parsed = JSON.parse(await readFile(file, 'utf8')) as Partial<SpeedFile>;
      if (parsed.version === 1 && parsed.circuits && typeof parsed.circuits === 'object') {
        data = { version: 1, circuits: parsed.circuits };
      }
    } catch {
      // no file yet (or a corrupt one): start over
    }
    return new SpeedBook(file, backend, data);
  }

  /** The measured samples of a circuit on this backend (ms, newest last). */
  samples(circuitId: string): readonly number[] {
    return this.#data.circuits[this.#key(circuitId)]?.samplesMs ?? [];
  }

  /**
   * Expected proving time of `circuitId` (with `constraints`, when known), ms:
   * p90 of its samples, else scaled from the measured circuit closest in
   * size, else `null`.
   */
  estimate(circuitId: string, constraints?: number): number | null {
    const own = provingMsPercentile(this.samples(circuitId));
    if (own !== null) return own;
    if (constraints === undefined || constraints <= 0) return null;
    let best: { ms: number; constraints: number } | null = null;
    for (const [key, speed] of Object.entries(this.#data.circuits)) {
      if (!key.startsWith(`${this.backend}:`) || !speed.constraints) continue;
      const ms = provingMsPercentile(speed.samplesMs);
      if (ms === null) continue;
      if (!best || Math.abs(speed.constraints - constraints) < Math.abs(best.constraints - constraints)) {
        best = { ms, constraints: speed.constraints };
      }
    }
    return best ? scaleProvingMs(best.ms, best.constraints, constraints) : null;
  }

  /** Adds a measurement and saves the file (atomically: write, then rename). */
  async record(circuitId: string, ms: number, constraints?: number): Promise<void> {
    if (!(Number.isFinite(ms) && ms >= 0)) return;
    const key = this.#key(circuitId);
    const entry = this.#data.circuits[key] ?? { constraints: null, samplesMs: [] };
    entry.samplesMs = [...entry.samplesMs, Math.round(ms)].slice(-SAMPLES_PER_CIRCUIT);
    if (constraints !== undefined && constraints > 0) entry.constraints = constraints;
    this.#data.circuits[key] = entry;
    const text = `${JSON.stringify(this.#data, null, 2)}\n`;
    this.#writing = this.#writing.then(async () => {
      await mkdir(path.dirname(this.file), { recursive: true });
      const tmp = `${this.file}.${randomBytes(4).toString('hex')}.tmp`;
      await writeFile(tmp, text);
      await rename(tmp, this.file);
    });
    await this.#writing;
  }

  #key(circuitId: string): string {
    return `${this.backend}:${circuitId.toLowerCase()}`;
  }
}
