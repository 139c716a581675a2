/**
 * Validation of Topic Names and Topic Filters: one case per rule of 3.1.1 and 5.0 §4.7 and 5.0
 * §4.8.2, with the rule id, the level and UTF-16 index of the offending character, and the hints
 * for common mistakes.
 */
import { describe, expect, it } from 'vitest';
import {
  MAX_PROBLEMS, parseSharedSubscription, topicHints as topicHintMessages, validateTopicFilter, validateTopicName,
  type TopicMessage, type TopicOptions, type TopicProblem, type TopicValidation, type TopicKind,
} from '../../src/mqtt/topics/index.ts';
import { say } from '../../src/components/i18n/catalogue.ts';

/** The module returns messages; these tests read them in the English catalogue's words. */
const en = (message: TopicMessage | undefined): string => (message === undefined ? '' : say('en', message));
const topicHints = (text: string, kind: TopicKind, options?: TopicOptions): string[] => topicHintMessages(text, kind, options).map(en);

function problemsOf(result: TopicValidation): TopicProblem[] {
  if (result.valid) throw new Error(`expected a problem, got valid levels ${JSON.stringify(result.levels)}`);
  return result.problems;
}

/** The only problem, which must be exactly one. */
function onlyProblem(result: TopicValidation): TopicProblem {
  const problems = problemsOf(result);
  expect(problems).toHaveLength(1);
  return problems[0]!;
}

describe('valid names and filters', () => {
  it.each([
    ['sport/tennis/player1', ['sport', 'tennis', 'player1']],
    ['/', ['', '']],
    ['a//b', ['a', '', 'b']],
    ['/a', ['', 'a']],
    ['a/', ['a', '']],
    ['Accounts payable', ['Accounts payable']],
    ['$SYS/broker/uptime', ['$SYS', 'broker', 'uptime']],
    ['温度/🏠', ['温度', '🏠']],
  ])('accepts the topic name %j and splits it into levels', (name, levels) => {
    expect(validateTopicName(name)).toEqual({ valid: true, levels });
    expect(validateTopicName(name, { protocolVersion: 4 })).toEqual({ valid: true, levels });
  });

  it.each(['#', '+', 'sport/#', 'sport/tennis/+', '+/tennis/#', 'sport/+/player1', '+/+', '/+', 'a//+/#', '$SYS/#', 'a/*'])(
    'accepts the topic filter %j',
    (filter) => {
      expect(validateTopicFilter(filter)).toEqual({ valid: true, levels: filter.split('/') });
    },
  );

  it('accepts a topic of exactly 65535 UTF-8 bytes', () => {
    expect(validateTopicName('a'.repeat(65535)).valid).toBe(true);
    // 21845 three-byte characters = 65535 bytes.
    expect(validateTopicName('€'.repeat(21845)).valid).toBe(true);
  });

  it('accepts a topic with more than 100 levels', () => {
    const deep = Array.from({ length: 150 }, (_, i) => `l${i}`).join('/');
    const result = validateTopicFilter(`${deep}/#`);
    expect(result.valid && result.levels.length).toBe(151);
  });
});

describe('MQTT-4.7.3-1: at least one character', () => {
  it('rejects an empty topic name', () => {
    expect(onlyProblem(validateTopicName(''))).toMatchObject({ rule: 'MQTT-4.7.3-1', level: -1, index: -1 });
  });

  it('rejects an empty topic filter and suggests #', () => {
    const p = onlyProblem(validateTopicFilter('', { protocolVersion: 4 }));
    expect(p).toMatchObject({ rule: 'MQTT-4.7.3-1', level: -1, index: -1 });
    expect(en(p.message)).toContain('empty');
    expect(en(p.hint)).toContain("'#'");
  });
});

describe('MQTT-4.7.3-2: no null character', () => {
  it('rejects U+0000 and points at it', () => {
    const p = onlyProblem(validateTopicName('a/b\u0000c/d'));
    expect(p).toMatchObject({ rule: 'MQTT-4.7.3-2', level: 1, index: 3 });
    expect(en(p.message)).toContain('U+0000');
    expect(en(p.message)).toContain('"b\u0000c"');
  });

  it('rejects U+0000 in a filter too, once per occurrence', () => {
    const problems = problemsOf(validateTopicFilter('\u0000/+/\u0000'));
    expect(problems.map((p) => [p.rule, p.level, p.index])).toEqual([['MQTT-4.7.3-2', 0, 0], ['MQTT-4.7.3-2', 2, 4]]);
  });
});

describe('MQTT-4.7.3-3: at most 65535 bytes of UTF-8', () => {
  it('rejects 65536 ASCII characters', () => {
    const p = onlyProblem(validateTopicName('a'.repeat(65536)));
    expect(p).toMatchObject({ rule: 'MQTT-4.7.3-3', level: -1, index: -1 });
    expect(en(p.message)).toContain('65,536 bytes');
  });

  it('counts UTF-8 bytes, not UTF-16 code units', () => {
    // 21846 × 3 bytes = 65538 bytes, though only 21846 code units long.
    const p = onlyProblem(validateTopicFilter('€'.repeat(21846)));
    expect(p).toMatchObject({ rule: 'MQTT-4.7.3-3' });
    expect(en(p.message)).toContain('65,538 bytes');
    // An emoji is two code units and four bytes: 16384 × 4 = 65536.
    expect(en(onlyProblem(validateTopicName('😀'.repeat(16384))).message)).toContain('65,536 bytes');
    expect(validateTopicName('😀'.repeat(16383)).valid).toBe(true);
  });

  it('lists the length problem first, before problems of single characters', () => {
    const problems = problemsOf(validateTopicFilter(`${'a'.repeat(70000)}/b#`));
    expect(problems.map((p) => p.rule)).toEqual(['MQTT-4.7.3-3', 'MQTT-4.7.1-1']);
    expect(problems[1]).toMatchObject({ level: 1, index: 70002 });
  });
});

describe('well-formed UTF-16 (MQTT-1.5.4-1 in 5.0, MQTT-1.5.3-1 in 3.1.1)', () => {
  it('rejects a lone high surrogate with the 5.0 rule id', () => {
    const p = onlyProblem(validateTopicName('a/x\ud83d'));
    expect(p).toMatchObject({ rule: 'MQTT-1.5.4-1', level: 1, index: 3 });
    expect(en(p.message)).toContain('U+D83D');
  });

  it('rejects a lone low surrogate with the 3.1.1 rule id', () => {
    const p = onlyProblem(validateTopicFilter('\ude00/a', { protocolVersion: 4 }));
    expect(p).toMatchObject({ rule: 'MQTT-1.5.3-1', level: 0, index: 0 });
  });

  it('rejects a reversed surrogate pair as two lone surrogates', () => {
    const problems = problemsOf(validateTopicName('\ude00\ud83d'));
    expect(problems.map((p) => p.index)).toEqual([0, 1]);
  });

  it('accepts a proper surrogate pair', () => {
    expect(validateTopicName('\ud83d\ude00').valid).toBe(true);
  });
});

describe("'#' placement (MQTT-4.7.1-1 in 5.0, MQTT-4.7.1-2 in 3.1.1)", () => {
  it('rejects # that is not the last level', () => {
    const p = onlyProblem(validateTopicFilter('sport/tennis/#/ranking'));
    expect(p).toMatchObject({ rule: 'MQTT-4.7.1-1', level: 2, index: 13 });
    expect(en(p.message)).toContain('last level');
  });

  it('rejects # that is not the last level with the 3.1.1 rule id', () => {
    expect(onlyProblem(validateTopicFilter('#/a', { protocolVersion: 4 }))).toMatchObject({ rule: 'MQTT-4.7.1-2', level: 0, index: 0 });
  });

  it('rejects # after other characters in its level and suggests a separate level', () => {
    const p = onlyProblem(validateTopicFilter('sport/tennis#'));
    expect(p).toMatchObject({ rule: 'MQTT-4.7.1-1', level: 1, index: 12 });
    expect(en(p.message)).toContain('"tennis#"');
    expect(en(p.hint)).toContain('"tennis/#"');
  });

  it('rejects # before other characters in its level', () => {
    expect(onlyProblem(validateTopicFilter('a/#b', { protocolVersion: 4 }))).toMatchObject({ rule: 'MQTT-4.7.1-2', level: 1, index: 2 });
  });

  it('reports each misplaced # separately', () => {
    const problems = problemsOf(validateTopicFilter('##'));
    expect(problems.map((p) => [p.rule, p.level, p.index])).toEqual([['MQTT-4.7.1-1', 0, 0], ['MQTT-4.7.1-1', 0, 1]]);
  });
});

describe("'+' placement (MQTT-4.7.1-2 in 5.0, MQTT-4.7.1-3 in 3.1.1)", () => {
  it('rejects + sharing a level and suggests a separate level', () => {
    const p = onlyProblem(validateTopicFilter('sport+'));
    expect(p).toMatchObject({ rule: 'MQTT-4.7.1-2', level: 0, index: 5 });
    expect(en(p.message)).toContain("'+'");
    expect(en(p.message)).toContain('"sport+"');
    expect(en(p.hint)).toContain('"sport/+"');
  });

  it('rejects + at the start of a level with the 3.1.1 rule id', () => {
    const p = onlyProblem(validateTopicFilter('a/+b/c', { protocolVersion: 4 }));
    expect(p).toMatchObject({ rule: 'MQTT-4.7.1-3', level: 1, index: 2 });
    expect(en(p.hint)).toContain('"+/b"');
  });

  it('reports + and # problems in the same filter', () => {
    const problems = problemsOf(validateTopicFilter('a+/#/c'));
    expect(problems.map((p) => [p.rule, p.level, p.index])).toEqual([['MQTT-4.7.1-2', 0, 1], ['MQTT-4.7.1-1', 1, 3]]);
  });
});

describe('no wildcards in topic names (MQTT-4.7.0-1 in 5.0, MQTT-4.7.1-1 in 3.1.1, MQTT-3.3.2-2)', () => {
  it('rejects + in a topic name', () => {
    const p = onlyProblem(validateTopicName('sport/+/player1'));
    expect(p).toMatchObject({ rule: 'MQTT-4.7.0-1', level: 1, index: 6 });
    expect(en(p.message)).toContain('MQTT-3.3.2-2');
    expect(en(p.hint)).toContain('subscriptions');
  });

  it('rejects # in a topic name with the 3.1.1 rule id', () => {
    expect(onlyProblem(validateTopicName('sport/#', { protocolVersion: 4 }))).toMatchObject({ rule: 'MQTT-4.7.1-1', level: 1, index: 6 });
  });

  it('rejects a wildcard inside a level of a topic name', () => {
    expect(problemsOf(validateTopicName('a/b#c+')).map((p) => p.index)).toEqual([3, 5]);
  });
});

describe('shared subscriptions (MQTT 5.0 §4.8.2)', () => {
  it('accepts $share/{ShareName}/{filter} and reports its parts', () => {
    expect(validateTopicFilter('$share/consumer1/sport/tennis/+')).toEqual({
      valid: true,
      levels: ['$share', 'consumer1', 'sport', 'tennis', '+'],
      shared: { group: 'consumer1', filter: 'sport/tennis/+' },
    });
    expect(validateTopicFilter('$share/g//finance')).toMatchObject({ valid: true, shared: { group: 'g', filter: '/finance' } });
    expect(validateTopicFilter('$share/g/#')).toMatchObject({ valid: true, shared: { group: 'g', filter: '#' } });
  });

  it('rejects an empty ShareName (MQTT-4.8.2-1)', () => {
    const p = onlyProblem(validateTopicFilter('$share//sport'));
    expect(p).toMatchObject({ rule: 'MQTT-4.8.2-1', level: 1, index: 7 });
    expect(en(p.hint)).toContain('$share/{group}/{filter}');
  });

  it('rejects $share/ with nothing after it (MQTT-4.8.2-1)', () => {
    expect(onlyProblem(validateTopicFilter('$share/'))).toMatchObject({ rule: 'MQTT-4.8.2-1', level: 1, index: -1 });
  });

  it('rejects + or # in the ShareName (MQTT-4.8.2-2)', () => {
    expect(onlyProblem(validateTopicFilter('$share/gr+oup/a'))).toMatchObject({ rule: 'MQTT-4.8.2-2', level: 1, index: 9 });
    expect(onlyProblem(validateTopicFilter('$share/#/a'))).toMatchObject({ rule: 'MQTT-4.8.2-2', level: 1, index: 7 });
  });

  it('rejects a ShareName not followed by / (MQTT-4.8.2-2)', () => {
    const p = onlyProblem(validateTopicFilter('$share/group'));
    expect(p).toMatchObject({ rule: 'MQTT-4.8.2-2', level: 2, index: -1 });
    expect(en(p.hint)).toContain('"$share/group/#"');
  });

  it('rejects a ShareName followed by / and no filter (MQTT-4.8.2-2)', () => {
    expect(onlyProblem(validateTopicFilter('$share/group/'))).toMatchObject({ rule: 'MQTT-4.8.2-2', level: 2, index: -1 });
  });

  it('checks the inner filter with the ordinary rules, at indexes of the whole string', () => {
    expect(onlyProblem(validateTopicFilter('$share/g/a/#/b'))).toMatchObject({ rule: 'MQTT-4.7.1-1', level: 3, index: 11 });
  });

  it('treats $share/... as an ordinary filter in MQTT 3.1.1', () => {
    expect(validateTopicFilter('$share/group', { protocolVersion: 4 })).toEqual({ valid: true, levels: ['$share', 'group'] });
    expect(validateTopicFilter('$share//a', { protocolVersion: 4 }).valid).toBe(true);
    const ok = validateTopicFilter('$share/g/a', { protocolVersion: 4 });
    expect(ok.valid && 'shared' in ok).toBe(false);
    // In 3.1.1 the ShareName's '+' is an ordinary wildcard placement problem.
    expect(onlyProblem(validateTopicFilter('$share/g+/a', { protocolVersion: 4 }))).toMatchObject({ rule: 'MQTT-4.7.1-3', level: 1, index: 8 });
  });

  it('does not treat a topic name starting with $share/ as a shared subscription', () => {
    expect(validateTopicName('$share/group')).toEqual({ valid: true, levels: ['$share', 'group'] });
  });

  it('parses a shared subscription into group and filter, or returns null', () => {
    expect(parseSharedSubscription('$share/g/a/+')).toEqual({ group: 'g', filter: 'a/+' });
    expect(parseSharedSubscription('$share/g//')).toEqual({ group: 'g', filter: '/' });
    for (const notShared of ['a/b', '$share', '$share/', '$share/g', '$share/g/', '$share//a', '$share/g#/a', '$SHARE/g/a', '$sharex/g/a']) {
      expect(parseSharedSubscription(notShared), notShared).toBeNull();
    }
  });
});

describe('many problems', () => {
  it(`stops at ${MAX_PROBLEMS} problems for a string full of them`, () => {
    const problems = problemsOf(validateTopicFilter('a+'.repeat(30_000)));
    expect(problems).toHaveLength(MAX_PROBLEMS);
    expect(problems[0]).toMatchObject({ index: 1 });
    expect(problems[MAX_PROBLEMS - 1]).toMatchObject({ index: 2 * MAX_PROBLEMS - 1 });
  });

  it('keeps the length problem when the list is full', () => {
    const problems = problemsOf(validateTopicName('+'.repeat(70_000)));
    expect(problems).toHaveLength(MAX_PROBLEMS);
    expect(problems[0]!.rule).toBe('MQTT-4.7.3-3');
  });

  it('shortens long levels in messages', () => {
    const p = onlyProblem(validateTopicFilter(`${'x'.repeat(1000)}#`));
    expect(en(p.message).length).toBeLessThan(200);
    expect(p.index).toBe(1000);
  });
});

describe('hints for common mistakes', () => {
  it("says that '*' is not a wildcard for a valid filter like building-b/*", () => {
    expect(validateTopicFilter('building-b/*').valid).toBe(true);
    const hints = topicHints('building-b/*', 'filter');
    expect(hints).toHaveLength(1);
    expect(hints[0]).toContain("'*' is not an MQTT wildcard");
    expect(hints[0]).toContain('"building-b/+"');
    expect(hints[0]).toContain('"building-b/#"');
  });

  it("suggests only '+' when '*' is not the last level", () => {
    const [hint] = topicHints('a/*/c', 'filter');
    expect(hint).toContain('"a/+/c"');
    expect(hint).not.toContain("'#' for any number of levels (");
  });

  it("explains a partial-level '*' such as temp*", () => {
    expect(topicHints('sensors/temp*', 'filter')[0]).toContain('no partial-level wildcards');
  });

  it("says that '*' in a topic name is a literal level", () => {
    expect(topicHints('a/*', 'name')[0]).toContain('literally named "*"');
  });

  it('says to use embedded wildcards as whole levels', () => {
    expect(topicHints('sport+', 'filter')).toEqual([expect.stringContaining('"sport/+"')]);
    expect(topicHints('a/b#', 'filter')).toEqual([expect.stringContaining('"b/#"')]);
  });

  it('says that wildcards do not belong in topic names', () => {
    expect(topicHints('a/+', 'name')).toEqual([expect.stringContaining("'+' and '#' only work in subscriptions")]);
    expect(topicHints('a/b#', 'name')[0]).toContain('cannot appear in a topic name');
  });

  it("says that '#' must be last", () => {
    expect(topicHints('a/#/b', 'filter')).toContain("'#' already matches every level below it, so it must be last: use \"a/#\", or '+' for a single level in the middle.");
  });

  it('says that leading and trailing spaces are significant', () => {
    expect(topicHints('home /kitchen', 'name')).toEqual([expect.stringContaining('Spaces are significant')]);
    expect(topicHints(' home', 'filter')[0]).toContain('"home"');
    expect(topicHints('home/kitchen ', 'filter')[0]).toContain('leading or trailing space');
    expect(topicHints('Accounts payable', 'name')).toEqual([]);
  });

  it("says that a leading '/' creates an empty first level", () => {
    const hints = topicHints('/sensors/temp', 'name');
    expect(hints).toEqual([expect.stringContaining('empty first level')]);
    expect(hints[0]).toContain('"sensors/temp"');
  });

  it("says that a trailing '/' and '//' create empty levels", () => {
    expect(topicHints('a/b/', 'filter')).toEqual([expect.stringContaining('empty last level')]);
    expect(topicHints('a//b', 'filter')).toEqual([expect.stringContaining('"a/b"')]);
    expect(topicHints('/', 'filter')).toEqual([]);
  });

  it("says that MQTT separates levels with '/', not '.'", () => {
    expect(topicHints('building.floor.room', 'name')).toEqual([expect.stringContaining("not '.'")]);
    expect(topicHints('sensor.v2', 'name')).toEqual([]);
  });

  it("says that '>' is not an MQTT wildcard", () => {
    expect(topicHints('orders/>', 'filter')).toEqual([expect.stringContaining("use '#'")]);
  });

  it("warns that wildcard-first filters miss '$' topics and that '$' names are reserved", () => {
    expect(topicHints('#', 'filter')).toEqual([expect.stringContaining('MQTT-4.7.2-1')]);
    expect(topicHints('+/status', 'filter')).toEqual([expect.stringContaining('"$SYS/#"')]);
    expect(topicHints('$SYS/x', 'name')).toEqual([expect.stringContaining('reserved for the server')]);
  });

  it('says that shared subscriptions need MQTT 5.0', () => {
    expect(topicHints('$share/g/a', 'filter', { protocolVersion: 4 })).toEqual([expect.stringContaining('only in MQTT 5.0')]);
    expect(topicHints('$share/g/a', 'filter', { protocolVersion: 5 })).toEqual([]);
  });

  it('gives hints about the filter part of a shared subscription', () => {
    const hints = topicHints('$share/g/building-b/*', 'filter');
    expect(hints).toHaveLength(1);
    expect(hints[0]).toContain('"building-b/+"');
  });

  it('gives no hints for ordinary topics', () => {
    expect(topicHints('sport/tennis/player1', 'name')).toEqual([]);
    expect(topicHints('a', 'name')).toEqual([]);
    expect(topicHints('sensors/+/temperature', 'filter')).toEqual([]);
    expect(topicHints('sport/tennis/#', 'filter')).toEqual([]);
    expect(topicHints('', 'filter')).toEqual([]);
  });
});

describe('problems and hints are messages, not sentences', () => {
  it('carry a catalogue key and the values a sentence needs: index, level, character, fix', () => {
    const embedded = onlyProblem(validateTopicFilter('sport/ten#'));
    expect(embedded.message).toEqual({ key: 'topics.problem.hashEmbedded', values: { index: 9, level: 'ten#' } });
    expect(embedded.hint).toEqual({ key: 'topics.hint.embeddedWildcard', values: { multi: true, hasFix: true, fix: 'ten/#', level: 'ten#' } });
    const inName = onlyProblem(validateTopicName('a/+'));
    expect(inName.message).toEqual({ key: 'topics.problem.wildcardInName', values: { char: '+', level: '+', index: 2 } });
    expect(onlyProblem(validateTopicName('')).message).toEqual({ key: 'topics.problem.empty', values: { kind: 'name' } });
    expect(topicHintMessages('a/#/b', 'filter')).toEqual([{ key: 'topics.hint.hashLast', values: { fixed: 'a/#' } }]);
  });

  it('clip long levels in values without cutting a surrogate pair', () => {
    const p = onlyProblem(validateTopicFilter(`${'😀'.repeat(30)}#`));
    const level = p.message.values.level as string;
    expect(level.length).toBeLessThanOrEqual(40);
    expect(level.endsWith('…')).toBe(true);
    expect(level.slice(0, -1)).toBe('😀'.repeat((level.length - 1) / 2));
  });
});
