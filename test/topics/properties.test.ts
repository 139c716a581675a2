/**
 * Property-based tests of the topics module: the index agrees with the reference matcher on
 * random filters and names built from a small alphabet of levels (so they collide often),
 * explainMatch agrees with matches, and validation never throws and stays consistent on any
 * string, lone surrogates and huge strings included.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  explainMatch, matches, MAX_PROBLEMS, SubscriptionIndex, topicHints, validateTopicFilter, validateTopicName,
} from '../../src/mqtt/topics/index.ts';
import { hasKey } from '../../src/components/i18n/catalogue.ts';

/** Levels that make the interesting cases likely: empty levels, '$' topics, case, unicode. */
const nameLevel = fc.constantFrom('', '$SYS', '$', 'a', 'b', 'A', 'é', '😀', ' a');
const name = fc.array(nameLevel, { minLength: 1, maxLength: 6 })
  .map((levels) => levels.join('/'))
  .filter((n) => n.length > 0);

/** Valid filters: '+' anywhere, '#' only as the last level. */
const filter = fc.tuple(
  fc.array(fc.oneof(nameLevel, fc.constant('+'), fc.constant('+')), { minLength: 0, maxLength: 6 }),
  fc.boolean(),
).map(([levels, hash]) => (hash ? [...levels, '#'] : levels).join('/')).filter((f) => f.length > 0);

/** Any filter-ish string from the alphabet, '#' in the middle included (so often invalid). */
const anyFilter = fc.array(fc.constantFrom('', '$SYS', 'a', 'b', '+', '#', 'a#', '+b'), { minLength: 1, maxLength: 6 }).map((l) => l.join('/'));

/** Strings that stress validation: wildcards, separators, NUL, lone and paired surrogates. */
const nastyString = fc.array(
  fc.oneof(
    fc.constantFrom('/', '+', '#', '\u0000', '\ud800', '\udfff', '\ud83d\ude00', '$share/', '$', ' ', '*', 'é', ''),
    fc.string({ unit: 'binary', maxLength: 5 }),
    fc.string({ unit: 'grapheme', maxLength: 5 }),
  ),
  { maxLength: 40 },
).map((parts) => parts.join(''));

describe('SubscriptionIndex agrees with matches', () => {
  it('for random filters and names from a small alphabet of levels', () => {
    fc.assert(
      fc.property(fc.uniqueArray(filter, { minLength: 1, maxLength: 40 }), fc.array(name, { minLength: 1, maxLength: 20 }), (filters, names) => {
        const index = new SubscriptionIndex<number>();
        filters.forEach((f, i) => index.add(f, 'k', i));
        for (const n of names) {
          const got = index.match(n).map((e) => e.value).sort((a, b) => a - b);
          const want = filters.flatMap((f, i) => (matches(f, n) ? [i] : []));
          expect(got, n).toEqual(want);
        }
      }),
      { numRuns: 400 },
    );
  });

  it('after random adds and removes with several keys per filter', () => {
    const op = fc.record({ add: fc.boolean(), filter, key: fc.constantFrom('k1', 'k2', 'k3') });
    fc.assert(
      fc.property(fc.array(op, { maxLength: 60 }), fc.array(name, { minLength: 1, maxLength: 10 }), (ops, names) => {
        const index = new SubscriptionIndex<number>();
        const model = new Map<string, number>(); // "filter\u0000key" -> value
        ops.forEach(({ add, filter: f, key }, step) => {
          const id = `${f}\u0000${key}`;
          if (add) { index.add(f, key, step); model.set(id, step); }
          else expect(index.remove(f, key)).toBe(model.delete(id));
        });
        expect(index.size).toBe(model.size);
        expect(new Set(index.filters())).toEqual(new Set([...model.keys()].map((id) => id.split('\u0000')[0])));
        for (const n of names) {
          const got = index.match(n).map((e) => `${e.filter}\u0000${e.key}=${e.value}`).sort();
          const want = [...model].filter(([id]) => matches(id.split('\u0000')[0]!, n)).map(([id, v]) => `${id}=${v}`).sort();
          expect(got).toEqual(want);
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe('explainMatch agrees with matches', () => {
  it('on valid and invalid filters and names, in both protocol versions', () => {
    fc.assert(
      fc.property(fc.oneof(filter, anyFilter, fc.constant('$share/g/a/+')), fc.oneof(name, anyFilter), fc.constantFrom(4 as const, 5 as const), (f, n, protocolVersion) => {
        const explanation = explainMatch(f, n, { protocolVersion });
        expect(explanation.matched).toBe(matches(f, n, { protocolVersion }));
        expect(explanation.steps.length).toBeGreaterThan(0);
        expect(explanation.steps.every((s) => s.ok)).toBe(explanation.matched);
        // Every message the module returns is a key both catalogues word.
        for (const m of [explanation.summary, ...explanation.steps.map((s) => s.message)]) expect(hasKey(m.key), m.key).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });

  it('on arbitrary strings without throwing', () => {
    fc.assert(
      fc.property(nastyString, nastyString, (f, n) => {
        expect(explainMatch(f, n).matched).toBe(matches(f, n));
      }),
      { numRuns: 500 },
    );
  });
});

describe('validation', () => {
  it('never throws, and problems point inside the string', () => {
    fc.assert(
      fc.property(nastyString, fc.constantFrom(4 as const, 5 as const), (text, protocolVersion) => {
        for (const result of [validateTopicName(text, { protocolVersion }), validateTopicFilter(text, { protocolVersion })]) {
          if (result.valid) {
            expect(result.levels.join('/')).toBe(text);
            continue;
          }
          expect(result.problems.length).toBeGreaterThan(0);
          expect(result.problems.length).toBeLessThanOrEqual(MAX_PROBLEMS);
          for (const p of result.problems) {
            expect(p.rule).toMatch(/^MQTT-/);
            expect(hasKey(p.message.key), p.message.key).toBe(true);
            if (p.hint !== undefined) expect(hasKey(p.hint.key), p.hint.key).toBe(true);
            expect(p.index).toBeGreaterThanOrEqual(-1);
            expect(p.index).toBeLessThan(text.length);
            if (p.index >= 0) {
              // The level is the one holding the character.
              expect(p.level).toBe(text.slice(0, p.index).split('/').length - 1);
            }
          }
        }
        topicHints(text, 'name', { protocolVersion });
        topicHints(text, 'filter', { protocolVersion });
      }),
      { numRuns: 2000 },
    );
  });

  it('accepts exactly the strings without wildcards, NUL or lone surrogates as names', () => {
    fc.assert(
      fc.property(nastyString, (text) => {
        const wellFormed = text.isWellFormed();
        const expected = text.length > 0 && wellFormed && !/[+#\u0000]/.test(text) && new TextEncoder().encode(text).length <= 65535;
        expect(validateTopicName(text).valid).toBe(expected);
      }),
      { numRuns: 2000 },
    );
  });

  it('never throws on huge strings', () => {
    fc.assert(
      fc.property(fc.constantFrom('a', '+', '#', '/', '\ud800', '😀', '\u0000', 'a+/'), fc.integer({ min: 60_000, max: 300_000 }), (unit, count) => {
        const text = unit.repeat(Math.ceil(count / unit.length));
        const result = validateTopicFilter(text);
        if (!result.valid) expect(result.problems.length).toBeLessThanOrEqual(MAX_PROBLEMS);
        expect(matches(text, 'a')).toBe(false);
      }),
      { numRuns: 25 },
    );
  });

  it('accepts every filter the generator builds, with its levels', () => {
    fc.assert(
      fc.property(filter, (f) => {
        expect(validateTopicFilter(f)).toEqual({ valid: true, levels: f.split('/') });
      }),
    );
  });
});
