import { copyFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { CircuitView } from '@tender/sdk';
import type { Command } from 'commander';
import { CIRCUIT_LAYOUT, readCircuitFiles } from '../circuitFiles.ts';
import type { CommandContext } from '../context.ts';
import { CliError, ExitCode } from '../exitCodes.ts';
import type { Run } from './run.ts';

const circuitLines = (c: CircuitView) => [
  `circuit ${c.id}`,
  `  name ${c.name}, ${c.constraints} constraints, public signals: ${c.publicSignalNames.join(', ') || '(none)'}`,
  `  inputs: ${c.inputSignals.map((s) => `${s.name}[${s.size}]`).join(', ')}`,
  `  on-chain: ${c.registration?.txHash ?? 'not yet registered'} (vkey hash ${c.vkeyHash ?? '?'})`,
];

async function register(ctx: CommandContext, paths: string[], name: string | undefined) {
  const files = await readCircuitFiles(paths, name);
  const client = await ctx.requester();
  ctx.progress.step(`uploading ${files.name} and registering it on-chain`);
  const circuit = await client.registerCircuit(files);
  return { value: circuit, human: () => circuitLines(circuit) };
}

/** `circuit add|get|list` and `model compile|register`. */
export function addCircuitCommands(program: Command, run: Run): void {
  const circuit = program.command('circuit').description('circuits: upload your own, read registered ones');
  circuit
    .command('add')
    .description(
      'upload a circuit (wasm, zkey, verification key, r1cs, sym) from a folder or files; it is checked and registered on-chain',
    )
    .argument('<paths...>', 'a folder holding the files, or the files themselves')
    .option('--name <name>', 'display name (default: the model card’s model or the folder name)')
    .action(run(async (ctx, paths: string[], opts: { name?: string }) => register(ctx, paths, opts.name)));
  circuit
    .command('get')
    .description('show a circuit')
    .argument('<id>', 'circuit id (0x…)')
    .action(
      run(async (ctx, id: string) => {
        const c = await (await ctx.requester()).getCircuit(id);
        return { value: c, human: () => circuitLines(c) };
      }),
    );
  circuit
    .command('list')
    .description('list registered circuits')
    .action(
      run(async (ctx) => {
        const list = await (await ctx.requester()).listCircuits();
        return {
          value: { items: list },
          human: () => list.map((c) => `${c.id}  ${c.name}  ${c.constraints} constraints`),
        };
      }),
    );

  const model = program.command('model').description('quantized models (Tender’s JSON format) → circuits');
  model
    .command('compile')
    .description(
      'compile a quantized model into a circuit with its Groth16 setup (circom + snarkjs, in the repository)',
    )
    .argument('<model.json>', 'the quantized model (see packages/circuits/models/tiny.json)')
    .option('--out <dir>', 'where to write the circuit files (default: <model>-circuit/)')
    .option(
      '--mode <mode>',
      'public (weights are constants) or private (weights are private inputs)',
      'public',
    )
    .option(
      '--ptau <file>',
      'powers-of-tau file (default: the development ptau that fits; not for production)',
    )
    .option('--ptau-sha256 <hex>', 'expected sha256 of --ptau')
    .action(
      run(
        async (
          ctx,
          file: string,
          opts: { out?: string; mode: string; ptau?: string; ptauSha256?: string },
        ) => {
          if (opts.mode !== 'public' && opts.mode !== 'private') {
            throw new CliError(
              ExitCode.usage,
              'TENDER_CLI_USAGE',
              `--mode is public or private, not ${opts.mode}`,
            );
          }
          if ((opts.ptau === undefined) !== (opts.ptauSha256 === undefined)) {
            throw new CliError(ExitCode.usage, 'TENDER_CLI_USAGE', '--ptau and --ptau-sha256 go together');
          }
          let text: string;
          try {
            text = await readFile(file, 'utf8');
          } catch {
            throw new CliError(ExitCode.usage, 'TENDER_CLI_USAGE', `cannot read ${file}`);
          }
          const circuits = await loadCircuits();
          const parsed = circuits.parseModel(JSON.parse(text));
          ctx.progress.step(`compiling ${parsed.name} (circom) and running the Groth16 setup`);
          const built = await circuits.buildModelCircuit(parsed, {
            mode: opts.mode as 'public' | 'private',
            log: (message) => ctx.progress.step(message),
            ...(opts.ptau === undefined
              ? {}
              : { ptau: { path: opts.ptau, sha256: opts.ptauSha256 as string } }),
          });
          const out = opts.out ?? `${file.replace(/\.json$/i, '')}-circuit`;
          await mkdir(out, { recursive: true });
          await Promise.all([
            copyFile(built.wasmPath, path.join(out, CIRCUIT_LAYOUT.wasm)),
            copyFile(built.zkeyPath, path.join(out, CIRCUIT_LAYOUT.zkey)),
            copyFile(built.vkeyPath, path.join(out, CIRCUIT_LAYOUT.vkey)),
            copyFile(built.r1csPath, path.join(out, CIRCUIT_LAYOUT.r1cs)),
            copyFile(built.symPath, path.join(out, CIRCUIT_LAYOUT.sym)),
            writeFile(path.join(out, CIRCUIT_LAYOUT.modelCard), `${JSON.stringify(built.card, null, 2)}\n`),
          ]);
          const value = {
            out,
            name: built.name,
            constraints: built.constraints,
            publicSignals: built.publicSignalNames,
            modelCommitment: built.card.modelCommitment,
          };
          return {
            value,
            human: [
              `compiled ${built.name}: ${built.constraints} constraints → ${out}/`,
              `model commitment ${built.card.modelCommitment}`,
              `register it with: tender model register ${out}`,
            ],
          };
        },
      ),
    );
  model
    .command('register')
    .description(
      'upload a compiled model circuit (the folder `tender model compile` wrote) with its model card',
    )
    .argument('<dir>', 'the compiled circuit folder')
    .option('--name <name>', 'display name (default: the model’s name)')
    .action(
      run(async (ctx, dir: string, opts: { name?: string }) => {
        const files = await readCircuitFiles([dir], opts.name);
        if (files.modelCard === undefined) {
          throw new CliError(
            ExitCode.usage,
            'TENDER_CLI_USAGE',
            `${dir} has no ${CIRCUIT_LAYOUT.modelCard}: use \`tender circuit add\` for a plain circuit`,
          );
        }
        return register(ctx, [dir], opts.name);
      }),
    );
}

/** The slice of @tender/circuits `model compile` uses (typed here so the CLI builds without it). */
interface CircuitsModule {
  parseModel(json: unknown): { name: string };
  buildModelCircuit(
    model: { name: string },
    opts: { mode: 'public' | 'private'; log: (m: string) => void; ptau?: { path: string; sha256: string } },
  ): Promise<{
    name: string;
    constraints: number;
    publicSignalNames: string[];
    wasmPath: string;
    zkeyPath: string;
    vkeyPath: string;
    r1csPath: string;
    symPath: string;
    card: { modelCommitment: string };
  }>;
}

/** The model compiler, loaded only for `model compile` (it brings circom and snarkjs). */
async function loadCircuits(): Promise<CircuitsModule> {
  const specifier = '@tender/circuits';
  try {
    return (await import(specifier)) as CircuitsModule;
  } catch {
    throw new CliError(
      ExitCode.config,
      'TENDER_CLI_NO_COMPILER',
      '`tender model compile` needs the Tender repository (@tender/circuits): run it there with `npx tender`',
    );
  }
}
