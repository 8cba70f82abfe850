/** Largest number of inputs of one circomlib `Poseidon` / `PoseidonEx` call. */
export const POSEIDON_MAX_INPUTS = 16;

type PoseidonFn = ((inputs: bigint[], initState?: bigint) => Uint8Array) & {
  F: { toObject(e: Uint8Array): bigint };
};

let loading: Promise<PoseidonFn> | undefined;

/**
 * circomlibjs's Poseidon (the same constants as circomlib's circuit), built
 * once per process. circomlibjs bundles an older ffjavascript that sets
 * `globalThis.curve_bn128 = null` when it is first imported; that global is
 * where snarkjs keeps its curve (and its worker threads), so it is saved and
 * restored around the import.
 */
function loadPoseidon(): Promise<PoseidonFn> {
  loading ??= (async () => {
    const g = globalThis as { curve_bn128?: unknown };
    const saved = g.curve_bn128;
    const specifier = 'circomlibjs';
    const lib = (await import(specifier)) as { buildPoseidon: () => Promise<PoseidonFn> };
    const poseidon = await lib.buildPoseidon();
    if (saved !== undefined && saved !== null) g.curve_bn128 = saved;
    return poseidon;
  })();
  return loading;
}

/**
 * Poseidon hash of 1 to 16 field elements with an optional initial state
 * (circomlib's `PoseidonEx(n, 1)` with `initialState`; 0 gives `Poseidon(n)`).
 */
export async function poseidon(inputs: readonly bigint[], initState = 0n): Promise<bigint> {
  if (inputs.length < 1 || inputs.length > POSEIDON_MAX_INPUTS) {
    throw new RangeError(`poseidon takes 1 to ${POSEIDON_MAX_INPUTS} inputs, got ${inputs.length}`);
  }
  const fn = await loadPoseidon();
  return fn.F.toObject(fn([...inputs], initState));
}

/**
 * The hash chain Tender uses to commit to a list of field elements:
 * `h = PoseidonEx(e[0..16), initState = salt)`, then for each further chunk
 * of up to 15 elements `h = Poseidon(h, chunk...)`. The circuit builds the
 * same chain (`poseidonChainCircom`). `salt` (default 0) makes the
 * commitment hiding when it is random and kept secret.
 */
export async function poseidonChain(elements: readonly bigint[], salt = 0n): Promise<bigint> {
  if (elements.length === 0) throw new RangeError('poseidonChain needs at least one element');
  let h = await poseidon(elements.slice(0, POSEIDON_MAX_INPUTS), salt);
  for (let i = POSEIDON_MAX_INPUTS; i < elements.length; i += POSEIDON_MAX_INPUTS - 1) {
    h = await poseidon([h, ...elements.slice(i, i + POSEIDON_MAX_INPUTS - 1)]);
  }
  return h;
}

/** Sizes of the Poseidon calls {@link poseidonChain} makes for `n` elements. */
export function poseidonChainCalls(n: number): number[] {
  const calls = [Math.min(n, POSEIDON_MAX_INPUTS)];
  for (let i = POSEIDON_MAX_INPUTS; i < n; i += POSEIDON_MAX_INPUTS - 1) {
    calls.push(1 + Math.min(POSEIDON_MAX_INPUTS - 1, n - i));
  }
  return calls;
}
