import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { format, formatNumber, formatParts } from '../../src/components/i18n/format.ts';
import { sayMarked, translate, translateMarked } from '../../src/components/i18n/catalogue.ts';

describe('the catalogue formatter', () => {
  it('chooses plural forms by the language\'s plural rules and groups numbers', () => {
    const template = '{n, plural, one {# packet} other {# packets}}';
    expect(format(template, { n: 1 }, 'en')).toBe('1 packet');
    expect(format(template, { n: 10000 }, 'en')).toBe('10,000 packets');
    expect(format('{n, plural, other {# 个报文}}', { n: 1 }, 'zh-cn')).toBe('1 个报文');
  });

  it('writes every number exactly as Intl.NumberFormat does for en and zh-CN, without building one on the page', () => {
    const intl = { en: new Intl.NumberFormat('en', { maximumFractionDigits: 3 }), 'zh-cn': new Intl.NumberFormat('zh-CN', { maximumFractionDigits: 3 }) };
    const edges = [0, -0, 1, -1, 999, 1000, 1234567, 268_435_455, 1.2345, 1.0005, 999.9996, -0.0004, 2.5e-7, 0.1 + 0.2, 1e21, 1.5e300, Number.MAX_SAFE_INTEGER, NaN, Infinity, -Infinity];
    for (const lang of ['en', 'zh-cn'] as const) {
      for (const value of edges) expect(formatNumber(value, lang), `${value}`).toBe(intl[lang].format(value));
      fc.assert(fc.property(fc.oneof(fc.double(), fc.integer(), fc.double({ min: -1e7, max: 1e7, noNaN: true })), (value) => formatNumber(value, lang) === intl[lang].format(value)), { numRuns: 5000 });
    }
  });

  it('chooses a select case and falls back to other', () => {
    const template = '{who, select, client {the client} other {someone}}';
    expect(format(template, { who: 'client' })).toBe('the client');
    expect(format(template, { who: 'broker' })).toBe('someone');
  });

  it('leaves a placeholder without a value visible rather than silently empty', () => {
    expect(format('topic {topic}', {})).toBe('topic {topic}');
  });

  it('marks inserted text values as data and keeps the catalogue words as prose', () => {
    expect(formatParts('filter "{filter}" has {n} levels', { filter: 'a/+', n: 2 })).toEqual([
      { text: 'filter "', data: false },
      { text: 'a/+', data: true },
      { text: '" has 2 levels', data: false },
    ]);
  });

  it('inlines an already formatted sentence with its own marks', () => {
    const inner = formatParts('level "{level}"', { level: 'kit+' });
    expect(formatParts('Invalid: {problem}.', { problem: inner })).toEqual([
      { text: 'Invalid: level "', data: false },
      { text: 'kit+', data: true },
      { text: '".', data: false },
    ]);
  });

  it('gives the same text marked or not, in both languages', () => {
    for (const lang of ['en', 'zh-cn'] as const) {
      const values = { group: 'workers', filter: 'jobs/#' };
      const marked = translateMarked(lang, 'topics.ui.sharedNote', values);
      expect(marked.text).toBe(translate(lang, 'topics.ui.sharedNote', values));
      expect(marked.parts.filter((p) => p.data).map((p) => p.text)).toEqual(['workers', 'jobs/#']);
    }
    expect(sayMarked('en', { key: 'no.such.key' }).text).toBe('no.such.key');
  });
});
