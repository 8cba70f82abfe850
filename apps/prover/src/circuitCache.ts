import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { ProverClient } from '@tender/sdk';

/** A circuit's artifacts in the local cache. */
export interface CachedCircuit {
  wasmPath: string;
  zkeyPath: string;
}

/**
 * The worker's artifact cache: files content-addressed by sha256 under
 * `<dir>/artifacts` (downloaded and checked by the sdk's `downloadArtifact`),
 * and `<dir>/circuits.json` mapping each circuit id to its files, so the
 * worker can tell the market which circuits it caches. Concurrent requests
 * for one circuit share one download.
 */
export class CircuitCache {
  readonly dir: string;
  readonly #index = new Map<string, CachedCircuit>();
  readonly #loading = new Map<string, Promise<CachedCircuit>>();

  private constructor(dir: string) {
    this.dir = dir;
  }

  /** Opens the cache in `dir`, keeping only index entries whose files still exist. */
  static async open(dir: string): Promise<CircuitCache> {
    const cache = new CircuitCache(dir);
    try {
      const saved = JSON.parse(await readFile(cache.#indexFile, 'utf8')) as Record<string, CachedCircuit>;
      for (const [id, entry] of Object.entries(saved)) {
        if ((await isFile(entry.wasmPath)) && (await isFile(entry.zkeyPath))) cache.#index.set(id, entry);
      }
    } catch {
      // no index yet
    }
    return cache;
  }

  get #indexFile(): string {
    return path.join(this.dir, 'circuits.json');
  }

  /** Circuit ids whose wasm and zkey are cached. */
  circuitIds(): string[] {
    return [...this.#index.keys()];
  }

  /** Whether a circuit is cached. */
  has(circuitId: string): boolean {
    return this.#index.has(circuitId.toLowerCase());
  }

  /** The circuit's cached artifacts, downloading (and checking) them first when missing. */
  async ensure(client: ProverClient, circuitId: string): Promise<CachedCircuit> {
    const id = circuitId.toLowerCase();
    const known = this.#index.get(id);
    if (known) return known;
    let loading = this.#loading.get(id);
    if (!loading) {
      loading = (async () => {
        const store = path.join(this.dir, 'artifacts');
        const [wasmPath, zkeyPath] = await Promise.all([
          client.downloadArtifact(circuitId, 'wasm', store),
          client.downloadArtifact(circuitId, 'zkey', store),
        ]);
        const entry = { wasmPath, zkeyPath };
        this.#index.set(id, entry);
        await this.#save();
        return entry;
      })().finally(() => this.#loading.delete(id));
      this.#loading.set(id, loading);
    }
    return loading;
  }

  async #save(): Promise<void> {
    await mkdir(this.dir, { recursive: true });
    const tmp = `${this.#indexFile}.${randomBytes(4).toString('hex')}.tmp`;
    await writeFile(tmp, `${JSON.stringify(Object.fromEntries(this.#index), null, 2)}\n`);
    await rename(tmp, this.#indexFile);
  }
}

async function isFile(file: string): Promise<boolean> {
  return stat(file).then(
    (s) => s.isFile(),
    () => false,
  );
}
