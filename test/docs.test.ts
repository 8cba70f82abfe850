import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { buildProgram, checkCommandLine } from '@tender/cli';
import { repoRoot } from '@tender/config';
import { jobRequestTypes, proverBidTypes, proverProofSubmissionTypes } from '@tender/sdk';
import { describe, expect, it } from 'vitest';

// The docs stay true to the code: every `tender …` command in docs/*.md and README.md parses against the
// CLI's command tree, and protocol.md's EIP-712 type strings are the SDK's (which the contracts hash).

const root = repoRoot();

async function markdownFiles(): Promise<string[]> {
  const docs = (await readdir(path.join(root, 'docs')))
    .filter((f) => f.endsWith('.md'))
    .map((f) => path.join('docs', f));
  return [...docs, 'README.md', 'packages/cli/README.md'];
}

/** `tender …` / `npx tender …` lines inside fenced code blocks (env assignments before the command dropped). */
function tenderLines(markdown: string): string[] {
  const lines: string[] = [];
  let fenced = false;
  for (const raw of markdown.split('\n')) {
    if (raw.trim().startsWith('```')) {
      fenced = !fenced;
      continue;
    }
    if (!fenced) continue;
    const line = raw.replace(/\s+#.*$/, '').trim();
    const m = /^(?:[A-Z_]+=\S+\s+)*(?:npx\s+)?tender(\s.*)?$/.exec(line);
    if (m) lines.push(line);
  }
  return lines;
}

/** Splits a shell line into words, honouring single and double quotes. */
function words(line: string): string[] {
  return [...line.matchAll(/'([^']*)'|"([^"]*)"|(\S+)/g)].map((m) => m[1] ?? m[2] ?? m[3] ?? '');
}

describe('the docs', () => {
  it('use only commands and options the tender CLI has', async () => {
    const program = buildProgram({ io: { out: () => {}, err: () => {}, tty: false }, env: {}, exitCode: 0 });
    const problems: string[] = [];
    let checked = 0;
    for (const file of await markdownFiles()) {
      const text = await readFile(path.join(root, file), 'utf8');
      for (const line of tenderLines(text)) {
        const argv = words(line);
        const at = argv.indexOf('tender');
        const problem = checkCommandLine(program, argv.slice(at + 1));
        checked++;
        if (problem !== null) problems.push(`${file}: \`${line}\`: ${problem}`);
      }
    }
    expect(problems).toEqual([]);
    expect(checked).toBeGreaterThan(20);
  });

  it('catch a command the CLI does not have', () => {
    const program = buildProgram({ io: { out: () => {}, err: () => {}, tty: false }, env: {}, exitCode: 0 });
    const [line] = tenderLines('```sh\ntender job resubmit abc\n```');
    expect(checkCommandLine(program, words(line as string).slice(1))).toMatch(/unknown command/);
  });

  it('state the EIP-712 types exactly as the SDK (and so the contracts) define them', async () => {
    const protocol = await readFile(path.join(root, 'docs', 'protocol.md'), 'utf8');
    const typeString = (types: Record<string, readonly { name: string; type: string }[]>) =>
      Object.entries(types)
        .map(([name, fields]) => `${name}(${fields.map((f) => `${f.type} ${f.name}`).join(',')})`)
        .join('');
    for (const types of [jobRequestTypes, proverBidTypes, proverProofSubmissionTypes]) {
      expect(protocol).toContain(typeString(types));
    }
  });
});
