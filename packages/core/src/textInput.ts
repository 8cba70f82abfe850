import { TenderError } from './TenderError.ts';

/**
 * The one rule for text that comes from outside: no C0 control characters
 * (U+0000–U+001F) except tab, line feed and carriage return, no DEL (U+007F),
 * no C1 controls (U+0080–U+009F). NUL in particular is refused by Postgres in
 * `text` (22021) and `jsonb` (22P05) columns.
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/;

/** Where {@link findControlCharacter} found a forbidden character. */
export interface ControlCharacterHit {
  /** Dotted path of the value (`body.modelCard.notes`, `body.items[2]`); an object key is named as the path of its value. */
  field: string;
  /** The character's code point. */
  codePoint: number;
}

/**
 * Walks strings, arrays and plain objects (keys included) and returns the
 * first string holding a control character the text rule forbids, or
 * undefined when all text is clean. Pure; bounded by the value's size.
 *
 * @example
 * findControlCharacter({ name: 'a\u0000b' }, 'body'); // { field: 'body.name', codePoint: 0 }
 */
export function findControlCharacter(value: unknown, path: string): ControlCharacterHit | undefined {
  if (typeof value === 'string') {
    const match = CONTROL.exec(value);
    return match ? { field: path, codePoint: match[0].codePointAt(0) ?? 0 } : undefined;
  }
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const hit = findControlCharacter(value[i], `${path}[${i}]`);
      if (hit) return hit;
    }
    return undefined;
  }
  if (value !== null && typeof value === 'object' && !ArrayBuffer.isView(value)) {
    for (const [key, inner] of Object.entries(value)) {
      const keyHit = findControlCharacter(key, `${path}.${key}`);
      if (keyHit) return keyHit;
      const hit = findControlCharacter(inner, `${path}.${key}`);
      if (hit) return hit;
    }
  }
  return undefined;
}

/**
 * Throws `TENDER_TEXT_INVALID` (400) naming the field when `value` holds text
 * that {@link findControlCharacter} refuses.
 */
export function assertCleanText(value: unknown, path: string): void {
  const hit = findControlCharacter(value, path);
  if (hit) {
    const hex = hit.codePoint.toString(16).toUpperCase().padStart(4, '0');
    throw new TenderError('TENDER_TEXT_INVALID', `${hit.field}: control character U+${hex} is not allowed`, {
      details: { field: hit.field, codePoint: hit.codePoint },
    });
  }
}
