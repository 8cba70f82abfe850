import { describe, expect, it } from 'vitest';
import { isTenderError } from './TenderError.ts';
import { assertCleanText, findControlCharacter } from './textInput.ts';

describe('text input rule', () => {
  it('accepts ordinary text with tabs, newlines and any printable Unicode', () => {
    expect(
      findControlCharacter({ a: 'line 1\nline 2\r\n\tindented', b: ['ünïcödé ✓ 𝔸'] }, 'body'),
    ).toBeUndefined();
    expect(findControlCharacter(42, 'body')).toBeUndefined();
  });

  it.each([0x00, 0x01, 0x07, 0x0b, 0x1b, 0x1f, 0x7f, 0x85, 0x9f])(
    'refuses U+%s and names the field',
    (cp) => {
      const text = `x${String.fromCodePoint(cp)}y`;
      expect(findControlCharacter({ card: { notes: ['ok', text] } }, 'body')).toEqual({
        field: 'body.card.notes[1]',
        codePoint: cp,
      });
    },
  );

  it('refuses a control character in an object key', () => {
    expect(findControlCharacter({ 'k\u0000': 1 }, 'query')?.field).toBe('query.k\u0000');
  });

  it('throws TENDER_TEXT_INVALID with the field in details', () => {
    try {
      assertCleanText({ name: 'a\u0000' }, 'body');
      expect.unreachable();
    } catch (error) {
      expect(isTenderError(error, 'TENDER_TEXT_INVALID')).toBe(true);
      expect((error as { details: unknown }).details).toEqual({ field: 'body.name', codePoint: 0 });
    }
  });
});
