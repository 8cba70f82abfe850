import { type Hex, keccak256, stringToBytes } from 'viem';

/**
 * The canonical JSON of a job input: object keys sorted (by UTF-16 code
 * units, as `Array.prototype.sort` does), no whitespace, bigints written as
 * decimal strings, numbers as JSON writes them, `undefined` object members
 * left out. Two inputs that mean the same JSON have the same canonical form
 * whatever the key order, so requester and server hash the same bytes.
 * Throws a `TypeError` for what JSON cannot carry (non-finite numbers,
 * functions, symbols, `undefined` array elements).
 *
 * @example
 * canonicalJson({ b: [1n, 2], a: '0x05' }); // '{"a":"0x05","b":["1",2]}'
 */
export function canonicalJson(value: unknown): string {
  return write(value, '$');
}

function write(value: unknown, where: string): string {
  switch (typeof value) {
    case 'bigint':
      return JSON.stringify(value.toString());
    case 'number':
      if (!Number.isFinite(value)) throw new TypeError(`${where}: ${value} cannot be written as JSON`);
      return JSON.stringify(value);
    case 'string':
    case 'boolean':
      return JSON.stringify(value);
    case 'object': {
      if (value === null) return 'null';
      if (Array.isArray(value)) {
        return `[${value.map((v, i) => {
          if (v === undefined) throw new TypeError(`${where}[${i}] is undefined`);
          return write(v, `${where}[${i}]`);
        })}]`;
      }
      const entries = Object.entries(value as Record<string, unknown>)
        .filter(([, v]) => v !== undefined)
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
      return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${write(v, `${where}.${k}`)}`).join(',')}}`;
    }
    default:
      throw new TypeError(`${where}: a ${typeof value} cannot be written as JSON`);
  }
}

/**
 * `inputHash` of a JobRequest: keccak256 of the UTF-8 bytes of the input's
 * {@link canonicalJson}. The requester signs it; the api recomputes it from
 * the input it receives, so a changed input breaks the signature.
 *
 * @example
 * const inputHash = inputHashOf({ pixels: [0, 255, 17], salt: '0' });
 */
export function inputHashOf(input: unknown): Hex {
  return keccak256(stringToBytes(canonicalJson(input)));
}

/**
 * The input as it travels in a JSON body: bigints replaced by decimal strings
 * (JSON has no bigint). Its {@link inputHashOf} equals the original's.
 */
export function toWireInput<T>(input: T): unknown {
  return JSON.parse(canonicalJson(input));
}
