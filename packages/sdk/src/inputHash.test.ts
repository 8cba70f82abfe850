import fc from 'fast-check';
import { keccak256, stringToBytes } from 'viem';
import { describe, expect, it } from 'vitest';
import { canonicalJson, inputHashOf, toWireInput } from './inputHash.ts';

describe('canonicalJson', () => {
  it('sorts keys at every depth, writes bigints as decimal strings and drops undefined members', () => {
    expect(canonicalJson({ b: [1n, 2, { z: 1, a: null }], a: '0x05', u: undefined })).toBe(
      '{"a":"0x05","b":["1",2,{"a":null,"z":1}]}',
    );
  });

  it('refuses what JSON cannot carry', () => {
    expect(() => canonicalJson({ x: Number.NaN })).toThrow(/x/);
    expect(() => canonicalJson([1, undefined])).toThrow(/\[1\]/);
    expect(() => canonicalJson({ f: () => 1 })).toThrow(TypeError);
  });

  it('does not depend on key order', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.jsonValue()), (obj) => {
        const reversed = Object.fromEntries(Object.entries(obj).reverse());
        expect(canonicalJson(reversed)).toBe(canonicalJson(obj));
        expect(JSON.parse(canonicalJson(obj))).toEqual(JSON.parse(JSON.stringify(obj)));
      }),
    );
  });
});

describe('inputHashOf', () => {
  it('is keccak256 of the canonical JSON bytes', () => {
    const input = { pixels: [0, 255, 17], salt: '0' };
    expect(inputHashOf(input)).toBe(keccak256(stringToBytes('{"pixels":[0,255,17],"salt":"0"}')));
  });

  it('survives the trip through a JSON body, and changes when one element changes', () => {
    const input = { a: 3n, b: [1, '2'] };
    const wire = JSON.parse(JSON.stringify(toWireInput(input)));
    expect(inputHashOf(wire)).toBe(inputHashOf(input));
    expect(inputHashOf({ a: 3n, b: [1, '3'] })).not.toBe(inputHashOf(input));
  });
});
