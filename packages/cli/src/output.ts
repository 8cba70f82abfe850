import { formatEther } from 'viem';

/** Where a run writes: the process's streams in the real command, buffers in tests. */
export interface Io {
  out: (text: string) => void;
  err: (text: string) => void;
  /** Whether stderr is a terminal (animated progress only then). */
  tty: boolean;
}

/** The real process's streams. */
export const processIo: Io = {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
  tty: process.stderr.isTTY === true,
};

/** JSON for `--json`: bigints as decimal strings. */
export function toJson(value: unknown): string {
  return `${JSON.stringify(value, (_k, v) => (typeof v === 'bigint' ? v.toString() : v), 2)}\n`;
}

/** Wei as `1.5 ETH (1500000000000000000 wei)`. */
export function eth(wei: bigint | string): string {
  return `${formatEther(BigInt(wei))} ETH`;
}

/** Prints a result: the JSON value with `--json`, else the human lines. */
export function emit(io: Io, json: boolean, value: unknown, human: () => string | string[]): void {
  if (json) {
    io.out(toJson(value));
    return;
  }
  const lines = human();
  io.out(`${Array.isArray(lines) ? lines.join('\n') : lines}\n`);
}

const FRAMES = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

/**
 * A one-line progress indicator on stderr for long steps (compile, setup, upload, proving,
 * waiting for settlement): a spinner with the elapsed time on a terminal, one plain line per
 * step otherwise, nothing with `--json` (stdout stays parseable).
 */
export class Progress {
  readonly #io: Io;
  readonly #quiet: boolean;
  #text = '';
  #timer: NodeJS.Timeout | undefined;
  #started = 0;
  #frame = 0;

  constructor(io: Io, quiet: boolean) {
    this.#io = io;
    this.#quiet = quiet;
  }

  /** Starts (or moves to) a step. */
  step(text: string): void {
    if (this.#quiet || text === this.#text) return;
    this.#text = text;
    if (!this.#io.tty) {
      this.#io.err(`… ${text}\n`);
      return;
    }
    if (this.#timer === undefined) {
      this.#started = Date.now();
      this.#timer = setInterval(() => this.#draw(), 100);
      this.#timer.unref();
    }
    this.#draw();
  }

  #draw(): void {
    const seconds = ((Date.now() - this.#started) / 1000).toFixed(0);
    this.#frame = (this.#frame + 1) % FRAMES.length;
    this.#io.err(`\r\x1b[2K${FRAMES[this.#frame]} ${this.#text} (${seconds}s)`);
  }

  /** Ends the indicator (clears the line on a terminal). */
  done(): void {
    if (this.#timer !== undefined) {
      clearInterval(this.#timer);
      this.#timer = undefined;
      this.#io.err('\r\x1b[2K');
    }
    this.#text = '';
  }
}
