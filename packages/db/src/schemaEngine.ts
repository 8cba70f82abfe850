import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import {
  bindMigrationAwareSqlAdapterFactory,
  type SqlMigrationAwareDriverAdapterFactory,
} from '@prisma/driver-adapter-utils';
import type { SchemaEngine } from '@prisma/schema-engine-wasm';
import * as glue from '@prisma/schema-engine-wasm/schema_engine_bg';

export type { SchemaEngine } from '@prisma/schema-engine-wasm';

/** The slice of the global `WebAssembly` used here (the repo's `lib` has no DOM types). */
interface WasmApi {
  instantiate(
    bytes: Uint8Array,
    imports: Record<string, object>,
  ): Promise<{ instance: { exports: Record<string, unknown> } }>;
}

function wasmApi(): WasmApi {
  return (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;
}

let loaded: Promise<void> | undefined;

/** The engine reports the reason of a Rust panic here before it traps. */
const panicRegistry = {
  message: '',
  set_message(message: string) {
    panicRegistry.message = message;
  },
};

/**
 * Instantiates Prisma's WebAssembly schema engine once per process. Its ES
 * entry point imports the `.wasm` file as a module, which Node 20 cannot do,
 * so the wasm is compiled here and handed to the generated glue.
 */
function loadWasm(): Promise<void> {
  loaded ??= (async () => {
    (globalThis as { PRISMA_WASM_PANIC_REGISTRY?: unknown }).PRISMA_WASM_PANIC_REGISTRY ??= panicRegistry;
    const gluePath = createRequire(import.meta.url).resolve('@prisma/schema-engine-wasm/schema_engine_bg');
    const bytes = await readFile(join(dirname(gluePath), 'schema_engine_bg.wasm'));
    const { instance } = await wasmApi().instantiate(bytes, { './schema_engine_bg.js': glue });
    glue.__wbg_set_wasm(instance.exports);
    (instance.exports['__wbindgen_start'] as () => void)();
  })();
  return loaded;
}

/** The reason of the last panic inside the schema engine (empty when none). */
export function lastSchemaEnginePanic(): string {
  return panicRegistry.message;
}

/** Version string of the loaded WebAssembly schema engine (commit hash of prisma-engines). */
export async function schemaEngineVersion(): Promise<string> {
  await loadWasm();
  return glue.version();
}

/**
 * Opens Prisma's WebAssembly schema engine over a migration-aware driver
 * adapter (`PrismaPg`, `PrismaPGlite`). The engine asks the adapter for a
 * shadow database when it needs one (diffing from a migrations folder).
 * Call `engine.free()` when done.
 *
 * @example
 * const engine = await openSchemaEngine(new PrismaPGlite(new PGlite()), [['schema.prisma', text]]);
 */
export async function openSchemaEngine(
  adapterFactory: SqlMigrationAwareDriverAdapterFactory,
  datamodels: [path: string, content: string][] = [],
  onLog: (line: string) => void = () => {},
): Promise<SchemaEngine> {
  await loadWasm();
  const bound = bindMigrationAwareSqlAdapterFactory(adapterFactory);
  return (await glue.SchemaEngine.new({ datamodels }, onLog, bound)) as SchemaEngine;
}
