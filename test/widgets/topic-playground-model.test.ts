import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { explainMatch, topicHints, validateTopicFilter, validateTopicName } from '../../src/mqtt/topics/index.ts';
import {
  DEFAULT_FILTERS, DEFAULT_NAMES, MAX_CHARS, MAX_FILTERS, MAX_LINK_CHARS, MAX_NAMES,
  addEntry, buildView, describeLinkError, initialState, parse, removeEntry, segmentText, select, serialize, setEntry, setVersion, visibleText,
  type PlaygroundState,
} from '../../src/components/topic-playground/topic-playground-model.ts';
import { EN } from '../../src/components/i18n/en.ts';
import { say } from '../../src/components/i18n/catalogue.ts';

/**
 * Latin words left in a Chinese sentence once the reader's own text (always quoted "…") and the
 * names that stay as they are (spec and protocol names, rule ids, code points) are taken out.
 */
const KEPT_LATIN = /MQTT-5\.0 §[\d.]+|MQTT-[\d.]+-\d+|MQTT|UTF-8|U\+[0-9A-F]{4}|ShareName|\$share|\$SYS|NATS|Unicode|emoji|Enter|\bC\b/g;
function englishIn(text: string): string[] {
  return text.replace(/"[^"]*"/g, '').replace(KEPT_LATIN, '').match(/[A-Za-z]{2,}/g) ?? [];
}

const statuses = (state: PlaygroundState) => buildView(state).matrix.map((row) => row.map((c) => c.status));

describe('the topic playground view model', () => {
  it('starts with the examples and the expected matrix', () => {
    const state = initialState();
    expect(state.filters).toEqual(DEFAULT_FILTERS);
    expect(state.names).toEqual(DEFAULT_NAMES);
    expect(state.version).toBe(5);
    // names: sensor/kitchen/temperature, building-b/floor-5, $SYS/broker/uptime, home
    expect(statuses(state)).toEqual([
      ['match', 'no-match', 'no-match', 'no-match'], // sensor/+/temperature
      ['no-match', 'match', 'no-match', 'no-match'], // building-b/#
      ['no-match', 'match', 'no-match', 'no-match'], // +/floor-5
      ['no-match', 'no-match', 'no-match', 'match'], // home/# matches its parent "home"
      ['no-match', 'no-match', 'no-match', 'no-match'], // building-b/* matches only a level named "*"
    ]);
    const view = buildView(state);
    expect(view.matchCount).toBe(4);
    expect(view.filters.every((f) => f.valid)).toBe(true);
    expect(view.explanation?.matched).toBe(true);
    expect(view.explanation?.steps.map((s) => s.rule)).toEqual(['literal', 'single-level-wildcard', 'literal']);
  });

  it('labels every cell for a screen reader', () => {
    const view = buildView(initialState());
    expect(view.matrix[0]![0]!.label.text).toBe('filter sensor/+/temperature, topic sensor/kitchen/temperature: matches');
    expect(view.matrix[2]![2]!.label.text).toBe('filter +/floor-5, topic $SYS/broker/uptime: no match');
    const bad = buildView(initialState({ filters: ['a/#/b'], names: ['a/+'] }));
    expect(bad.matrix[0]![0]!.label.text).toBe('filter a/#/b, topic a/+: cannot match, each is invalid');
    const zh = buildView(initialState(), 'zh-cn');
    expect(zh.matrix[0]![0]!.label.text).toBe('过滤器 sensor/+/temperature，主题 sensor/kitchen/temperature：匹配');
  });

  it('explains the $-topic rule, the parent level and a literal mismatch', () => {
    const dollar = buildView(select(initialState(), { filter: 2, name: 2 })).explanation!;
    expect(dollar.matched).toBe(false);
    expect(dollar.steps[0]).toMatchObject({ rule: 'dollar-topic', specRule: 'MQTT-4.7.2-1', filterLevel: '+', nameLevel: '$SYS', ok: false });
    const parent = buildView(select(initialState(), { filter: 3, name: 3 })).explanation!;
    expect(parent.steps.map((s) => s.rule)).toEqual(['literal', 'parent-level']);
    expect(parent.summary.text).toContain('matches');
    const star = buildView(select(initialState(), { filter: 4, name: 1 })).explanation!;
    expect(star.steps[1]).toMatchObject({ rule: 'literal', filterLevel: '*', nameLevel: 'floor-5', ok: false });
    expect(star.steps.every((s) => typeof s.ruleLabel === 'string' && s.ruleLabel.length > 0)).toBe(true);
  });

  it("warns that '*' is not a wildcard, with the fix", () => {
    const star = buildView(initialState()).filters[4]!;
    expect(star.valid).toBe(true);
    expect(star.hints.map((h) => h.text).join(' ')).toContain("'*' is not an MQTT wildcard");
    expect(star.hints.map((h) => h.text).join(' ')).toContain('"building-b/+"');
    expect(star.hints.map((h) => h.text).join(' ')).toContain('"building-b/#"');
    const zh = buildView(initialState(), 'zh-cn').filters[4]!;
    expect(zh.hints.map((h) => h.text).join(' ')).toContain("'*' 不是 MQTT 通配符");
  });

  it('marks the offending character and cites the rule of the chosen version', () => {
    const v5 = buildView(initialState({ filters: ['sport/#/ranking'], names: ['sport/+'] }));
    const f = v5.filters[0]!;
    expect(f.valid).toBe(false);
    expect(f.problems[0]).toMatchObject({ rule: 'MQTT-4.7.1-1', index: 6, level: 1 });
    expect(f.segments).toEqual([{ text: 'sport/', mark: false }, { text: '#', mark: true }, { text: '/ranking', mark: false }]);
    expect(v5.names[0]!.problems[0]!.rule).toBe('MQTT-4.7.0-1');
    expect(v5.matrix[0]![0]!.status).toBe('invalid');
    expect(v5.explanation?.steps.map((s) => s.rule)).toEqual(['invalid', 'invalid']);
    expect(v5.explanation?.steps.map((s) => s.specRule)).toEqual(['MQTT-4.7.1-1', 'MQTT-4.7.0-1']);

    const v4 = buildView(setVersion(initialState({ filters: ['sport/#/ranking', 'sport+'], names: ['sport/+'] }), 4));
    expect(v4.filters[0]!.problems[0]!.rule).toBe('MQTT-4.7.1-2');
    expect(v4.filters[1]!.problems[0]!.rule).toBe('MQTT-4.7.1-3');
    expect(v4.names[0]!.problems[0]!.rule).toBe('MQTT-4.7.1-1');
    // The hint a problem carries is not repeated in the list of hints.
    for (const entry of [...v4.filters, ...v4.names]) {
      for (const p of entry.problems) if (p.hint !== undefined) expect(entry.hints.map((h) => h.text)).not.toContain(p.hint.text);
    }
  });

  it('shows invisible and unencodable characters as visible text', () => {
    const view = buildView(initialState({ filters: ['a'], names: ['a\u0000b', 'x\ud800'] }));
    expect(view.names[0]!.problems[0]!.rule).toBe('MQTT-4.7.3-2');
    expect(view.names[0]!.segments).toEqual([{ text: 'a', mark: false }, { text: 'U+0000', mark: true }, { text: 'b', mark: false }]);
    expect(view.names[1]!.problems[0]!.rule).toBe('MQTT-1.5.4-1');
    expect(view.names[1]!.segments?.[1]).toEqual({ text: 'U+D800', mark: true });
    expect(visibleText('🏠/\t\u007f\udc00')).toBe('🏠/U+0009U+007FU+DC00');
    expect(segmentText('', [])).toEqual([{ text: '', mark: false }]);
  });

  it('treats $share as a shared subscription in 5.0 only', () => {
    const preset = { filters: ['$share/workers/jobs/#', '$share/workers'], names: ['jobs/print/42'], selected: { filter: 0, name: 0 } };
    const v5 = buildView(initialState(preset));
    expect(v5.filters[0]!.shared).toEqual({ group: 'workers', filter: 'jobs/#' });
    expect(v5.matrix[0]![0]!.status).toBe('match');
    expect(v5.explanation?.steps[0]).toMatchObject({ rule: 'shared-subscription', specRule: 'MQTT-5.0 §4.8.2' });
    expect(v5.filters[1]!.problems[0]!.rule).toBe('MQTT-4.8.2-2');
    const v4 = buildView(initialState({ ...preset, version: 4 }));
    expect(v4.filters[0]!.shared).toBeNull();
    expect(v4.matrix[0]![0]!.status).toBe('no-match');
    expect(v4.filters[0]!.hints.map((h) => h.text).join(' ')).toContain('only in MQTT 5.0');
    expect(v4.filters[1]!.valid).toBe(true);
  });

  it('adds, edits and removes rows within the limits, and the selection follows its cell', () => {
    let state = initialState();
    state = select(state, { filter: 3, name: 3 });
    state = removeEntry(state, 'filters', 1);
    expect(state.filters).toEqual(['sensor/+/temperature', '+/floor-5', 'home/#', 'building-b/*']);
    expect(state.selected).toEqual({ filter: 2, name: 3 });
    state = removeEntry(state, 'names', 3);
    expect(state.selected).toBeNull();
    state = setEntry(state, 'names', 0, 'x'.repeat(MAX_CHARS + 50));
    expect(state.names[0]!.length).toBe(MAX_CHARS);
    for (let i = 0; i < 30; i++) state = addEntry(state, 'filters', `f${i}`);
    expect(state.filters.length).toBe(MAX_FILTERS);
    for (let i = 0; i < 30; i++) state = addEntry(state, 'names');
    expect(state.names.length).toBe(MAX_NAMES);
    let one = initialState({ filters: ['a'], names: ['b'] });
    one = removeEntry(removeEntry(one, 'filters', 0), 'names', 0);
    expect(one.filters).toEqual(['a']);
    expect(one.names).toEqual(['b']);
    expect(select(one, { filter: 5, name: 0 })).toBe(one);
  });

  it('renders a full 20 × 20 matrix of 1,000-character entries quickly', () => {
    const filters = Array.from({ length: MAX_FILTERS }, (_, i) => `${'a/'.repeat(499)}${i % 2 ? '+' : '#'}`);
    const names = Array.from({ length: MAX_NAMES }, (_, i) => `${'a/'.repeat(499)}${i}`);
    const started = performance.now();
    const view = buildView(initialState({ filters, names }), 'zh-cn');
    expect(performance.now() - started).toBeLessThan(2000);
    expect(view.matrix.flat().every((c) => c.status === 'match')).toBe(true);
    expect(view.matrix[0]![0]!.label.text.length).toBeLessThan(250);
  });
});

describe('the topic playground in Chinese', () => {
  const alphabet = fc.constantFrom('a', 'b', 'A', '+', '#', '/', '/', '$', '*', ' ', '.', '>', '\u0000', '\ud800', 'é', '🏠', '$share/', '$SYS');
  const topic = fc.array(alphabet, { maxLength: 8 }).map((parts) => parts.join(''));

  it('says every problem, hint and explanation step in Chinese, one for one with English', () => {
    fc.assert(fc.property(topic, topic, fc.constantFrom(4 as const, 5 as const), (filter, name, version) => {
      const state = initialState({ filters: [filter], names: [name], version, selected: { filter: 0, name: 0 } });
      const en = buildView(state, 'en');
      const zh = buildView(state, 'zh-cn');
      for (const [e, z] of [[en.filters[0]!, zh.filters[0]!], [en.names[0]!, zh.names[0]!]] as const) {
        expect(z.problems.map((p) => p.rule)).toEqual(e.problems.map((p) => p.rule));
        expect(z.hints.length).toBe(e.hints.length);
        for (const text of [...z.problems.flatMap((p) => [p.message.text, p.hint?.text ?? '中']), ...z.hints.map((h) => h.text)]) {
          expect(text).toMatch(/[\u4e00-\u9fff]/);
          expect(englishIn(text), text).toEqual([]);
        }
      }
      expect(zh.explanation!.steps.length).toBe(en.explanation!.steps.length);
      for (const text of [zh.explanation!.summary.text, ...zh.explanation!.steps.flatMap((s) => [s.text.text, s.ruleLabel])]) {
        expect(text).toMatch(/[\u4e00-\u9fff]/);
        expect(englishIn(text), text).toEqual([]);
      }
    }), { numRuns: 1500 });
  });

  it('keeps the facts of the English sentence', () => {
    const cases: Array<[string, string, RegExp]> = [
      ['sport/#', 'sport', /包括它的父级 "sport"/],
      ['sport/+', 'sport', /'\+' 需要恰好一个层级/],
      ['a/b', 'a/b/c/d', /多出 2 个层级/],
      ['ACCOUNTS', 'Accounts', /区分大小写/],
      ['#', '$SYS/x', /以 '\$' 开头/],
      ['a/#', 'a/b/c', /剩下的 2 个层级："b\/c"/],
    ];
    for (const [filter, name, expected] of cases) {
      const zh = buildView(initialState({ filters: [filter], names: [name] }), 'zh-cn').explanation!;
      expect(zh.steps.map((s) => s.text.text).join(' '), `${filter} × ${name}`).toMatch(expected);
      expect(zh.matched).toBe(explainMatch(filter, name).matched);
    }
    const long = buildView(initialState({ filters: ['a'], names: ['a'] }), 'zh-cn');
    expect(long.explanation!.summary.text).toBe('"a" 匹配 "a"：每一层都匹配。');
  });

  it('cites the same rule ids as the English problems', () => {
    for (const [text, kind] of [['a/#/b', 'filter'], ['a+', 'filter'], ['a/+', 'name'], ['$share/+/x', 'filter'], ['$share/g', 'filter'], ['', 'name']] as const) {
      for (const version of [4, 5] as const) {
        const state = kind === 'filter' ? initialState({ filters: [text], version }) : initialState({ names: [text], version });
        const entry = kind === 'filter' ? buildView(state, 'zh-cn').filters[0]! : buildView(state, 'zh-cn').names[0]!;
        const check = kind === 'filter' ? validateTopicFilter(text, { protocolVersion: version }) : validateTopicName(text, { protocolVersion: version });
        expect(entry.problems.map((p) => p.rule)).toEqual(check.valid ? [] : check.problems.map((p) => p.rule));
      }
    }
  });

  // One input per kind of problem, hint and explanation step, so every sentence of the catalogue's
  // 'topics' section is checked in Chinese (the last test proves the list covers them all).
  const ENTRIES: Array<[text: string, kind: 'filter' | 'name', version: 4 | 5]> = [
    ['', 'filter', 5], ['', 'name', 5], ['$share//jobs', 'filter', 5], ['$share/a+b/jobs', 'filter', 5], ['$share/group', 'filter', 5],
    ['$share/group/', 'filter', 5], ['a/b\u0000c', 'name', 5], ['a/+', 'name', 5], ['sport+', 'filter', 5], ['sport#', 'filter', 4],
    ['a/#/b', 'filter', 5], ['a/\ud83d', 'name', 5], ['x'.repeat(65_536), 'name', 5], ['$share/g/a', 'filter', 4], ['building-b/*', 'filter', 5],
    ['a/*', 'name', 5], ['a/b#', 'name', 5], [' home/x', 'name', 5], ['/sensors', 'name', 5], ['a/b/', 'filter', 5], ['a//b', 'filter', 5],
    ['building.floor.room', 'name', 5], ['orders/>', 'filter', 5], ['$SYS/uptime', 'name', 5], ['#', 'filter', 5],
  ];
  const PAIRS: Array<[filter: string, name: string]> = [
    ['sport/#', 'sport'], ['#', 'sport'], ['a/#', 'a/b/c'], ['a/+', 'a'], ['a/b', 'a'], ['a/+/c', 'a//c'], ['a/+', 'a/b'], ['a//c', 'a//c'],
    ['a/b', 'a/b'], ['a/b', 'a/c'], ['ACCOUNTS', 'Accounts'], ['caf\u00e9', 'cafe\u0301'], ['kitchen ', 'kitchen'], ['a', 'a/b/c'],
    ['+/uptime', '$SYS/uptime'], ['$share/workers/jobs/#', 'jobs/1'], ['a/#/b', 'a/+'],
  ];

  it('words every kind of problem and hint, and every explanation step, without English', () => {
    for (const [text, kind, version] of ENTRIES) {
      let sentences: string[];
      if (text.length > MAX_CHARS) {
        // Longer than an input holds: worded straight from the topics module.
        const check = validateTopicName(text, { protocolVersion: version });
        sentences = check.valid ? [] : check.problems.flatMap((p) => [say('zh-cn', p.message), ...(p.hint === undefined ? [] : [say('zh-cn', p.hint)])]);
      } else {
        const state = kind === 'filter' ? initialState({ filters: [text], version }) : initialState({ names: [text], version });
        const view = buildView(state, 'zh-cn');
        const entry = kind === 'filter' ? view.filters[0]! : view.names[0]!;
        sentences = [...entry.problems.flatMap((p) => [p.message.text, ...(p.hint === undefined ? [] : [p.hint.text])]), ...entry.hints.map((h) => h.text)];
      }
      expect(sentences.length, JSON.stringify(text.slice(0, 20))).toBeGreaterThan(0);
      for (const sentence of sentences) {
        expect(sentence, sentence).toMatch(/[\u4e00-\u9fff]/);
        expect(englishIn(sentence), sentence).toEqual([]);
        expect(sentence).not.toMatch(/\{\w+[},]/);
      }
    }
    for (const [filter, name] of PAIRS) {
      const x = buildView(initialState({ filters: [filter], names: [name] }), 'zh-cn').explanation!;
      for (const sentence of [x.summary.text, ...x.steps.flatMap((s) => [s.text.text, s.ruleLabel])]) {
        expect(sentence, `${filter} × ${name}`).toMatch(/[\u4e00-\u9fff]/);
        expect(englishIn(sentence), sentence).toEqual([]);
        expect(sentence).not.toMatch(/\{\w+[},]/);
      }
    }
  });

  it('the representative inputs above reach every problem, hint, step and summary of the catalogue', () => {
    const seen = new Set<string>();
    const note = (m: { key: string } | undefined) => { if (m !== undefined) seen.add(m.key); };
    for (const [text, kind, version] of ENTRIES) {
      const check = kind === 'filter' ? validateTopicFilter(text, { protocolVersion: version }) : validateTopicName(text, { protocolVersion: version });
      if (!check.valid) for (const p of check.problems) { note(p.message); note(p.hint); }
      for (const h of topicHints(text, kind, { protocolVersion: version })) note(h);
    }
    for (const [filter, name] of PAIRS) {
      const x = explainMatch(filter, name);
      note(x.summary);
      for (const s of x.steps) note(s.message);
    }
    const catalogue = Object.keys(EN).filter((k) => /^topics\.(problem|hint|step|summary)\./.test(k));
    expect(catalogue.filter((k) => !seen.has(k))).toEqual([]);
  });
});

describe('the topic playground URL state', () => {
  it('round-trips filters, names, version and the chosen cell, readable where it can be', () => {
    let state = initialState();
    state = setVersion(state, 4);
    state = setEntry(state, 'filters', 0, 'a b/&=%/#');
    state = addEntry(state, 'names', '温度/客厅 🏠');
    state = select(state, { filter: 1, name: 4 });
    const fragment = serialize(state);
    expect(fragment).toContain('v=3.1.1');
    expect(fragment).toContain('f=a%20b/%26%3D%25/%23&f=building-b/%23');
    expect(fragment).toContain('sel=1.4');
    expect(parse(`#${fragment}`)).toEqual({ ok: true, state });
    expect(serialize(initialState())).toBe('v=5&f=sensor/+/temperature&f=building-b/%23&f=+/floor-5&f=home/%23&f=building-b/*&n=sensor/kitchen/temperature&n=building-b/floor-5&n=$SYS/broker/uptime&n=home&sel=0.0');
  });

  it('keeps hostile strings as plain data', () => {
    const hostile = '<img src=x onerror=alert(1)>';
    const state = initialState({ filters: [hostile], names: [hostile] });
    const parsed = parse(serialize(state));
    expect(parsed.ok).toBe(true);
    expect(parsed.state.filters).toEqual([hostile]);
    const view = buildView(parsed.state);
    expect(view.matrix[0]![0]!.status).toBe('match');
  });

  it('keeps the examples for a list the link leaves out, and reads U+0000 as data to flag', () => {
    const parsed = parse('#v=3.1.1&n=a%00b');
    expect(parsed.ok).toBe(true);
    expect(parsed.state.filters).toEqual(DEFAULT_FILTERS);
    expect(parsed.state.names).toEqual(['a\u0000b']);
    expect(parsed.state.version).toBe(4);
    expect(parsed.state.selected).toBeNull();
    expect(parse('')).toEqual({ ok: true, state: initialState() });
    expect(parse('#other=1').ok).toBe(true);
  });

  it('explains each kind of tampering instead of failing', () => {
    const many = (key: string, n: number) => Array.from({ length: n }, (_, i) => `${key}=x${i}`).join('&');
    const cases: Array<[string, RegExp, RegExp]> = [
      ['v=6', /version "6"/, /版本/],
      ['v=<script>alert(1)</script>'.repeat(5), /version/, /版本/],
      [many('f', MAX_FILTERS + 1), /21 filters; at most 20/, /21 个过滤器/],
      [many('n', 5000), /5,000 topics; at most 20/, /5,000 个主题/],
      [`f=${'a'.repeat(MAX_CHARS + 1)}`, /filter 1 is too long \(1,001 characters\)/, /第 1 个过滤器太长/],
      [`n=ok&n=${'%E6%B8%A9'.repeat(MAX_CHARS + 1)}`, /topic 2 is too long/, /第 2 个主题太长/],
      [`f=${'a'.repeat(MAX_CHARS * 20)}`, /too long/, /太长/],
      ['f=%ED%A0%80', /not well-formed UTF-8/, /UTF-8/],
      ['f=%E0%A4%A', /broken %-escape/, /百分号编码/],
      ['f=a\ud800b', /lone surrogate/, /代理项/],
      ['sel=9.9', /chosen cell "9.9"/, /单元格/],
      ['sel=-1.0', /chosen cell/, /单元格/],
      ['f=a&n=b&sel=0.1', /chosen cell "0.1"/, /单元格/],
      [`f=${'a'.repeat(MAX_LINK_CHARS)}`, /characters long; at most 400,000/, /上限/],
    ];
    for (const [fragment, en, zh] of cases) {
      const result = parse(`#${fragment}`);
      expect(result.ok, fragment.slice(0, 40)).toBe(false);
      if (!result.ok) {
        expect(describeLinkError(result.error), fragment.slice(0, 40)).toMatch(en);
        expect(describeLinkError(result.error, 'zh-cn'), fragment.slice(0, 40)).toMatch(zh);
        expect(describeLinkError(result.error).length).toBeLessThan(200);
        expect(result.state).toEqual(initialState());
      }
    }
  });

  it('never throws on arbitrary fragments', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 200 }), (text) => {
      const result = parse(text);
      expect(result.state.filters.length).toBeGreaterThan(0);
      expect(result.state.filters.length).toBeLessThanOrEqual(MAX_FILTERS);
      buildView(result.state, 'zh-cn');
    }), { numRuns: 1000 });
    fc.assert(fc.property(fc.array(fc.string({ unit: 'binary', maxLength: 30 }), { minLength: 1, maxLength: 5 }), fc.array(fc.string({ unit: 'binary', maxLength: 30 }), { minLength: 1, maxLength: 5 }), (filters, names) => {
      const clean = (s: string) => s.replace(/[\ud800-\udfff]/g, '');
      const state = initialState({ filters: filters.map(clean), names: names.map(clean), selected: null });
      expect(parse(serialize(state))).toEqual({ ok: true, state });
    }), { numRuns: 500 });
  });
});
