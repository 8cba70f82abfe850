import { processIo } from './output.ts';
import { runCli } from './program.ts';

// The `tender` process: run the command, then exit with its code (snarkjs and viem may keep handles open).
const code = await runCli(process.argv.slice(2), processIo, process.env);
process.exit(code);
