import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { asciiChar, hex0x, hexByte, hexOffset, hexOffsetWidth, hexPreview, hexSpaced, toBinary } from '../../src/components/shared/hex.ts';
import { buildHash, hashParams, parseHexParam, parseVersionParam, unknownKeyProblem, MAX_SHARE_BYTES } from '../../src/components/shared/url-hash.ts';
import { versionChoiceOf, VERSION_CHOICES } from '../../src/components/shared/version.ts';
import { hasKey } from '../../src/components/i18n/catalogue.ts';

describe('shared hex formatting', () => {
  it('writes bytes, codes and binary the way captures do', () => {
    expect(hexByte(0x1f)).toBe('1f');
    expect(hex0x(0x1f)).toBe('0x1f');
    expect(hex0x(0x8e)).toBe('0x8e');
    expect(toBinary(0x82)).toBe('10000010');
    expect(hexSpaced(Uint8Array.of(0x10, 0x0a, 0xff))).toBe('10 0a ff');
    expect(hexSpaced([1, 2], ':')).toBe('01:02');
    expect(hexPreview(Uint8Array.of(1, 2, 3, 4), 0, 4, 2)).toBe('01 02 … (+2)');
    expect(asciiChar(0x41)).toBe('A');
    expect(asciiChar(0x00)).toBe('.');
  });

  it('labels grid rows with hex offsets, as Wireshark and xxd do', () => {
    expect([0, 16, 32, 48].map((o) => hexOffset(o))).toEqual(['0000', '0010', '0020', '0030']);
    expect(hexOffset(0x12340, hexOffsetWidth(0x12345))).toBe('12340');
    expect(hexOffsetWidth(100)).toBe(4);
  });
});

describe('shared URL state', () => {
  it('builds a hash in the given order and leaves out unset values', () => {
    expect(buildHash([['hex', 'c000'], ['v', undefined], ['p', 3]])).toBe('#hex=c000&p=3');
    expect(buildHash([['v', undefined]])).toBe('');
    expect(hashParams('#a=1&b=2')?.get('b')).toBe('2');
    expect(hashParams('?a=1')?.get('a')).toBe('1');
  });

  it('reads every spelling of a version and refuses the rest, Object.prototype included', () => {
    expect(['3', '3.1', '4', '3.1.1', '5', '5.0', 'auto'].map(versionChoiceOf)).toEqual(['3.1', '3.1', '3.1.1', '3.1.1', '5.0', '5.0', 'auto']);
    expect(versionChoiceOf('constructor')).toBeUndefined();
    expect(versionChoiceOf(null)).toBeUndefined();
    expect(parseVersionParam('6')).toEqual({ problem: { key: 'common.linkBadVersion', values: { value: '6' } } });
    for (const choice of VERSION_CHOICES) expect(parseVersionParam(choice)).toEqual({ value: choice });
  });

  it('checks hex from a link and names each problem with a catalogue key', () => {
    expect(parseHexParam('C0:00')).toEqual({ value: 'c000' });
    expect(parseHexParam('zz')).toEqual({ problem: { key: 'common.linkBadHex' } });
    expect(parseHexParam('abc')).toEqual({ problem: { key: 'common.linkOddHex', values: { digits: 3 } } });
    expect(parseHexParam('00'.repeat(MAX_SHARE_BYTES + 1))).toMatchObject({ problem: { key: 'common.linkTooLong' } });
    expect(unknownKeyProblem(new URLSearchParams('hex=00&evil=1'), ['hex'])).toEqual({ key: 'common.linkUnknownKey', values: { key: 'evil' } });
    expect(unknownKeyProblem(new URLSearchParams('hex=00'), ['hex'])).toBeNull();
    for (const bad of ['zz', 'abc', '00'.repeat(MAX_SHARE_BYTES + 1)]) {
      const r = parseHexParam(bad);
      expect('problem' in r && hasKey(r.problem.key)).toBe(true);
    }
  });

  it('never throws, whatever a link holds', () => {
    fc.assert(fc.property(fc.string({ maxLength: 100 }), (s) => {
      parseHexParam(s);
      parseVersionParam(s);
      hashParams(s);
    }), { numRuns: 300 });
  });
});
