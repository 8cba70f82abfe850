import { createRequire } from 'node:module';
import { TenderError } from '@tender/core';
import type { Abi, Hex } from 'viem';

const require = createRequire(import.meta.url);

/** The solc settings every Tender build uses (pinned so that output is reproducible). */
export const solcSettings = {
  evmVersion: 'prague',
  viaIR: true,
  optimizer: { enabled: true, runs: 10_000 },
  metadata: { bytecodeHash: 'none', appendCBOR: false },
  outputSelection: { '*': { '*': ['abi', 'evm.bytecode.object', 'evm.deployedBytecode.object'] } },
} as const;

/** One compiled contract. */
export interface CompiledContract {
  /** Source unit name, e.g. `TenderMarket.sol`. */
  source: string;
  name: string;
  abi: Abi;
  /** Creation bytecode (empty `0x` for interfaces and abstract contracts). */
  bytecode: Hex;
  deployedBytecode: Hex;
}

interface SolcOutput {
  errors?: { severity: 'error' | 'warning' | 'info'; formattedMessage: string }[];
  contracts?: Record<
    string,
    Record<string, { abi: Abi; evm: { bytecode: { object: string }; deployedBytecode: { object: string } } }>
  >;
}

interface Solc {
  version(): string;
  compile(input: string): string;
}

let solcInstance: Solc | undefined;

function solc(): Solc {
  solcInstance ??= require('solc') as Solc;
  return solcInstance;
}

/** The solc-js version string, e.g. `0.8.37+commit.f401782d.Emscripten.clang`. */
export function solcVersion(): string {
  return solc().version();
}

/**
 * Compiles Solidity sources (source unit name → content) with solc-js standard JSON and
 * {@link solcSettings} (or overrides). Throws `TENDER_INTERNAL` with every compiler error.
 *
 * @example
 * const out = compileSolidity({ 'Verifier.sol': source });
 * const verifier = out.find((c) => c.name === 'Groth16Verifier');
 */
export function compileSolidity(
  sources: Readonly<Record<string, string>>,
  settings: Record<string, unknown> = solcSettings,
): CompiledContract[] {
  const input = {
    language: 'Solidity',
    sources: Object.fromEntries(Object.entries(sources).map(([name, content]) => [name, { content }])),
    settings,
  };
  const output = JSON.parse(solc().compile(JSON.stringify(input))) as SolcOutput;
  const errors = (output.errors ?? []).filter((e) => e.severity === 'error');
  if (errors.length > 0) {
    throw new TenderError('TENDER_INTERNAL', 'Solidity compilation failed', {
      details: { errors: errors.map((e) => e.formattedMessage) },
    });
  }
  const result: CompiledContract[] = [];
  for (const [source, contracts] of Object.entries(output.contracts ?? {})) {
    for (const [name, c] of Object.entries(contracts)) {
      result.push({
        source,
        name,
        abi: c.abi,
        bytecode: `0x${c.evm.bytecode.object}`,
        deployedBytecode: `0x${c.evm.deployedBytecode.object}`,
      });
    }
  }
  return result;
}
