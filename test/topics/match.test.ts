/**
 * One table of (filter, name, expected) cases, run through the three matchers: the reference
 * `matches`, `explainMatch`, and `SubscriptionIndex` (indexed the way a broker does it: the
 * {filter} part of a 5.0 shared subscription). Then checks of the explanation steps.
 */
import { describe, expect, it } from 'vitest';
import { explainMatch, matches, parseSharedSubscription, SubscriptionIndex, type MatchExplanation, type MatchStep } from '../../src/mqtt/topics/index.ts';
import { say, translate } from '../../src/components/i18n/catalogue.ts';

/** Steps and summaries are messages; these tests read them in the English catalogue's words. */
const text = (step: MatchStep): string => (step.problem === undefined
  ? say('en', step.message)
  : translate('en', step.message.key, { ...step.message.values, problem: say('en', step.problem.message) }));
const summary = (e: MatchExplanation): string => say('en', e.summary);

type Case = [filter: string, name: string, expected: boolean, note?: string];

const CASES: Case[] = [
  // literal levels
  ['a', 'a', true],
  ['a', 'b', false],
  ['a/b/c', 'a/b/c', true],
  ['a/b/c', 'a/b/d', false],
  ['a/b', 'a/b/c', false, 'filter shorter than the name'],
  ['a/b/c', 'a/b', false, 'filter longer than the name'],
  ['sport/tennis/player1', 'sport/tennis/player1', true],
  // case sensitivity, no normalisation (MQTT-4.7.3-4)
  ['ACCOUNTS', 'Accounts', false],
  ['Accounts', 'Accounts', true],
  ['sport/Tennis', 'sport/tennis', false],
  ['caf\u00e9', 'cafe\u0301', false, 'NFC vs NFD: no normalisation'],
  ['caf\u00e9', 'caf\u00e9', true],
  // unicode
  ['温度/+', '温度/客厅', true],
  ['温度/客厅', '温度/卧室', false],
  ['🏠/+/🌡', '🏠/kitchen/🌡', true],
  ['🏠/#', '🏠', true],
  ['+/😀', '😀/😀', true],
  // spaces are significant
  ['Accounts payable', 'Accounts payable', true],
  ['home/kitchen', 'home /kitchen', false],
  ['home/+', 'home/ ', true],
  // '/' edge cases: a leading or trailing '/' makes a distinct topic
  ['/finance', '/finance', true],
  ['/finance', 'finance', false],
  ['finance', '/finance', false],
  ['finance/', 'finance', false],
  ['finance', 'finance/', false],
  ['/', '/', true],
  ['/', '//', false],
  ['//', '//', true],
  ['+/+', '/finance', true],
  ['/+', '/finance', true],
  ['+', '/finance', false],
  ['+/+', '/', true],
  ['+', '/', false],
  ['#', '/', true],
  ['/#', '/', true],
  ['/#', '/a/b', true],
  ['/#', 'a', false],
  // empty levels
  ['a//b', 'a//b', true],
  ['a//b', 'a/b', false],
  ['a/b', 'a//b', false],
  ['a/+/b', 'a//b', true, "'+' matches an empty level"],
  ['a/+', 'a/', true],
  ['sport/+', 'sport/', true],
  ['sport/+', 'sport', false, "'+' does not match the parent"],
  ['+/+/+', '//', true],
  ['+', '', false, 'an empty name is invalid'],
  ['a/+/+', 'a/', false],
  ['a//#', 'a/', true, "'#' matches its parent \"a/\""],
  ['a//#', 'a', false],
  ['a//#', 'a//', true],
  ['a//#', 'a//x/y', true],
  // '+'
  ['+', 'a', true],
  ['+', 'a/b', false],
  ['sport/tennis/+', 'sport/tennis/player1', true],
  ['sport/tennis/+', 'sport/tennis/player1/ranking', false],
  ['sport/+/player1', 'sport/tennis/player1', true],
  ['+/+', 'a/b', true],
  ['+/b', 'a/c', false],
  ['a/+/c/+', 'a/1/c/2', true],
  ['a/+/c/+', 'a/1/d/2', false],
  // '#', including the parent level
  ['#', 'a', true],
  ['#', 'a/b/c', true],
  ['sport/#', 'sport', true, "'#' matches the parent"],
  ['sport/#', 'sport/', true],
  ['sport/#', 'sport/tennis/player1', true],
  ['sport/#', 'sports', false],
  ['sport/tennis/player1/#', 'sport/tennis/player1', true],
  ['sport/tennis/player1/#', 'sport/tennis/player1/ranking', true],
  ['sport/tennis/player1/#', 'sport/tennis/player1/score/wimbledon', true],
  ['sport/tennis/player1/#', 'sport/tennis', false],
  ['+/tennis/#', 'sport/tennis', true],
  ['+/tennis/#', 'sport/tennis/x/y', true],
  ['+/tennis/#', 'sport/golf/x', false],
  ['+/#', 'a', true],
  ['+/+/#', 'a', false],
  ['a/#', 'b/a', false],
  // '$' topics (MQTT-4.7.2-1)
  ['#', '$SYS', false],
  ['#', '$SYS/broker/uptime', false],
  ['+/monitor/Clients', '$SYS/monitor/Clients', false],
  ['+', '$', false],
  ['+/#', '$SYS/a', false],
  ['$SYS/#', '$SYS/broker/uptime', true],
  ['$SYS/#', '$SYS', true],
  ['$SYS/monitor/+', '$SYS/monitor/Clients', true],
  ['$SYS/+', '$SYS/', true],
  ['$SYS', '$SYS', true],
  ['$sys/#', '$SYS/a', false],
  ['a/+', 'a/$b', true, "'$' only matters at the start of the name"],
  ['a/#', 'a/$SYS', true],
  ['$', '$', true],
  ['$/+', '$/a', true],
  // invalid filters and names never match
  ['sport+', 'sport+', false, 'invalid filter'],
  ['a/#/b', 'a/x/b', false, 'invalid filter'],
  ['a/b#', 'a/b#', false, 'invalid filter'],
  ['a/+', 'a/+', false, 'wildcard in the name'],
  ['#', 'a/#', false, 'wildcard in the name'],
  ['', 'a', false, 'empty filter'],
  // shared subscriptions (5.0): matched by the part after $share/{group}/
  ['$share/group1/sport/tennis/+', 'sport/tennis/player1', true],
  ['$share/consumer1//finance', '/finance', true],
  ['$share/g/#', 'anything/at/all', true],
  ['$share/g/#', '$SYS/x', false],
  ['$share/g/a', '$share/g/a', false],
];

/** A broker indexes the {filter} part of a shared subscription. */
const indexedFilter = (filter: string) => parseSharedSubscription(filter)?.filter ?? filter;

describe('the shared match table', () => {
  it('has at least 60 cases and no duplicates', () => {
    expect(CASES.length).toBeGreaterThanOrEqual(60);
    expect(new Set(CASES.map(([f, n]) => `${f}\u0001${n}`)).size).toBe(CASES.length);
  });

  it('has both matching and non-matching cases', () => {
    expect(CASES.filter((c) => c[2]).length).toBeGreaterThan(20);
    expect(CASES.filter((c) => !c[2]).length).toBeGreaterThan(20);
  });
});

describe('matches', () => {
  it.each(CASES)('%j against %j gives %s', (filter, name, expected) => {
    expect(matches(filter, name)).toBe(expected);
  });

  it('treats $share/... as an ordinary filter in MQTT 3.1.1', () => {
    expect(matches('$share/g/a', 'a', { protocolVersion: 4 })).toBe(false);
    expect(matches('$share/g/a', '$share/g/a', { protocolVersion: 4 })).toBe(true);
    expect(matches('$share/g/a', 'a', { protocolVersion: 5 })).toBe(true);
  });
});

describe('explainMatch', () => {
  it.each(CASES)('%j against %j gives %s', (filter, name, expected) => {
    const explanation = explainMatch(filter, name);
    expect(explanation.matched).toBe(expected);
    expect(explanation.steps.length).toBeGreaterThan(0);
    // A match has only successful steps; a failure ends with the failing step.
    if (expected) expect(explanation.steps.every((s) => s.ok)).toBe(true);
    else expect(explanation.steps[explanation.steps.length - 1]!.ok).toBe(false);
    expect(summary(explanation)).toContain(expected ? 'matches' : 'not');
  });
});

describe('SubscriptionIndex', () => {
  // The cases a broker would route: valid filters (it rejects the others at SUBSCRIBE) and
  // valid names (the codec rejects the others before routing).
  const indexable = CASES.filter(([filter, name]) => explainMatch(filter, name).steps.every((s) => s.rule !== 'invalid'));

  it('covers most of the table', () => {
    expect(indexable.length).toBeGreaterThan(CASES.length - 10);
  });

  it.each(indexable)('%j against %j gives %s, alone in the index', (filter, name, expected) => {
    const index = new SubscriptionIndex<string>();
    index.add(indexedFilter(filter), 'client', 'v');
    const found = index.match(name);
    expect(found.length).toBe(expected ? 1 : 0);
    if (expected) expect(found[0]).toEqual({ filter: indexedFilter(filter), key: 'client', value: 'v' });
  });

  it('gives every table answer at once with all table filters in one index', () => {
    const index = new SubscriptionIndex<number>();
    indexable.forEach(([filter], i) => index.add(indexedFilter(filter), `k${i}`, i));
    const names = [...new Set(indexable.map(([, name]) => name))];
    for (const name of names) {
      const got = index.match(name).map((e) => e.value).sort((a, b) => a - b);
      const want = indexable.flatMap(([filter], i) => (matches(indexedFilter(filter), name) ? [i] : []));
      expect(got, name).toEqual(want);
    }
    // The table's own expectations hold inside the full index too.
    for (const [i, [, name, expected]] of indexable.entries()) {
      expect(index.match(name).some((e) => e.value === i), `${indexable[i]![0]} vs ${name}`).toBe(expected);
    }
  });
});

describe('explanation steps', () => {
  const rules = (steps: MatchStep[]) => steps.map((s) => s.rule);

  it('compares literal levels one by one', () => {
    const e = explainMatch('sport/tennis/player1', 'sport/tennis/player1');
    expect(rules(e.steps)).toEqual(['literal', 'literal', 'literal']);
    expect(e.steps.map((s) => [s.level, s.filterLevel, s.nameLevel])).toEqual([
      [0, 'sport', 'sport'], [1, 'tennis', 'tennis'], [2, 'player1', 'player1'],
    ]);
    expect(summary(e)).toBe('"sport/tennis/player1" matches "sport/tennis/player1": every level matches.');
  });

  it('stops at the first differing level and says that case matters', () => {
    const e = explainMatch('sport/Tennis/+', 'sport/tennis/player1');
    expect(e.matched).toBe(false);
    expect(e.steps).toHaveLength(2);
    expect(e.steps[1]).toMatchObject({ level: 1, filterLevel: 'Tennis', nameLevel: 'tennis', rule: 'literal', ok: false, specRule: 'MQTT-4.7.3-4' });
    expect(text(e.steps[1]!)).toContain('case sensitive');
  });

  it('says that Unicode is not normalised', () => {
    const e = explainMatch('caf\u00e9', 'cafe\u0301');
    expect(e.steps[0]).toMatchObject({ rule: 'literal', ok: false, specRule: 'MQTT-4.7.3-4' });
    expect(text(e.steps[0]!)).toContain('normalise');
  });

  it('says that spaces are significant', () => {
    const e = explainMatch('home/kitchen', 'home /kitchen');
    expect(text(e.steps[0]!)).toContain('spaces are significant');
  });

  it("explains '+' matching one level, including an empty one", () => {
    const e = explainMatch('a/+/b', 'a//b');
    expect(e.steps[1]).toMatchObject({ level: 1, filterLevel: '+', nameLevel: '', rule: 'single-level-wildcard', ok: true });
    expect(text(e.steps[1]!)).toContain('empty level');
  });

  it("explains '#' matching the remaining levels", () => {
    const e = explainMatch('sport/#', 'sport/tennis/player1');
    expect(e.steps[1]).toMatchObject({ level: 1, filterLevel: '#', nameLevel: 'tennis', rule: 'multi-level-wildcard', ok: true });
    expect(text(e.steps[1]!)).toContain('2 levels');
    expect(text(e.steps[1]!)).toContain('"tennis/player1"');
  });

  it("explains '#' matching the parent level", () => {
    const e = explainMatch('sport/#', 'sport');
    expect(e.matched).toBe(true);
    expect(e.steps[1]).toMatchObject({ level: 1, filterLevel: '#', nameLevel: null, rule: 'parent-level', ok: true });
    expect(summary(e)).toContain('parent');
  });

  it('explains a filter longer than the name', () => {
    const e = explainMatch('sport/+', 'sport');
    expect(e.steps[1]).toMatchObject({ level: 1, filterLevel: '+', nameLevel: null, rule: 'length-mismatch', ok: false });
    expect(text(e.steps[1]!)).toContain("'+' needs exactly one level");
  });

  it('explains a name longer than the filter and suggests /#', () => {
    const e = explainMatch('a/b', 'a/b/c/d');
    expect(e.steps[2]).toMatchObject({ level: 2, filterLevel: null, nameLevel: 'c', rule: 'length-mismatch', ok: false });
    expect(text(e.steps[2]!)).toContain('"c/d"');
    expect(text(e.steps[2]!)).toContain('/#');
  });

  it("explains that a leading wildcard does not match a '$' topic", () => {
    const e = explainMatch('+/monitor/Clients', '$SYS/monitor/Clients');
    expect(e.steps).toHaveLength(1);
    expect(e.steps[0]).toMatchObject({ level: 0, filterLevel: '+', nameLevel: '$SYS', rule: 'dollar-topic', ok: false, specRule: 'MQTT-4.7.2-1' });
    expect(summary(e)).toContain('MQTT-4.7.2-1');
  });

  it("lets a literal '$SYS' level match a '$' topic", () => {
    const e = explainMatch('$SYS/#', '$SYS/broker/uptime');
    expect(rules(e.steps)).toEqual(['literal', 'multi-level-wildcard']);
  });

  it('reports an invalid filter with the validation message and rule', () => {
    const e = explainMatch('sport/tennis#', 'sport/tennis');
    expect(e.matched).toBe(false);
    expect(e.steps).toEqual([expect.objectContaining({ level: 1, filterLevel: 'tennis#', nameLevel: null, rule: 'invalid', ok: false, specRule: 'MQTT-4.7.1-1' })]);
    expect(text(e.steps[0]!)).toContain("'#'");
    expect(summary(e)).toContain('the filter is not valid');
  });

  it('reports an invalid name with the validation message and rule', () => {
    const e = explainMatch('a/+', 'a/+', { protocolVersion: 4 });
    expect(e.steps).toEqual([expect.objectContaining({ level: 1, filterLevel: null, nameLevel: '+', rule: 'invalid', ok: false, specRule: 'MQTT-4.7.1-1' })]);
    expect(summary(e)).toContain('the name is not valid');
  });

  it('explains that a shared subscription matches with the part after $share/{group}/', () => {
    const e = explainMatch('$share/consumer1/sport/tennis/+', 'sport/tennis/player1');
    expect(e.matched).toBe(true);
    expect(e.shared).toEqual({ group: 'consumer1', filter: 'sport/tennis/+' });
    expect(e.steps[0]).toMatchObject({ level: -1, rule: 'shared-subscription', ok: true, specRule: 'MQTT-5.0 §4.8.2' });
    expect(text(e.steps[0]!)).toContain('"sport/tennis/+"');
    expect(text(e.steps[0]!)).toContain('consumer1');
    // Levels are counted in the matched filter, not in "$share/consumer1/...".
    expect(e.steps.slice(1).map((s) => [s.level, s.filterLevel])).toEqual([[0, 'sport'], [1, 'tennis'], [2, '+']]);
  });

  it('treats $share as a literal level in MQTT 3.1.1', () => {
    const e = explainMatch('$share/g/a', 'a', { protocolVersion: 4 });
    expect(e.matched).toBe(false);
    expect(e.shared).toBeUndefined();
    expect(e.steps[0]).toMatchObject({ rule: 'literal', filterLevel: '$share', nameLevel: 'a', ok: false });
  });

  it('reports a malformed shared subscription as invalid in 5.0', () => {
    const e = explainMatch('$share/g', 'a');
    expect(e.steps[0]).toMatchObject({ rule: 'invalid', specRule: 'MQTT-4.8.2-2' });
  });
});
