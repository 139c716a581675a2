/**
 * Topic matching (MQTT 3.1.1 and 5.0 §4.7): `matches` is the plain reference matcher the faster
 * SubscriptionIndex is tested against; `explainMatch` walks the same steps and says, level by
 * level, why a filter does or does not match a name.
 */
import {
  clipLevel,
  clipText,
  parseSharedSubscription,
  topicMessage,
  validateTopicFilter,
  validateTopicName,
  type SharedSubscription,
  type TopicMessage,
  type TopicOptions,
  type TopicProblem,
} from './validate.ts';

export type MatchRule =
  | 'literal'
  | 'single-level-wildcard'
  | 'multi-level-wildcard'
  | 'dollar-topic'
  | 'parent-level'
  | 'length-mismatch'
  | 'invalid'
  | 'shared-subscription';

export interface MatchStep {
  /**
   * 0-based level being compared (of the matched filter, i.e. after "$share/{group}/"), or -1
   * for a step about the whole string (a shared-subscription prefix, a whole-string problem).
   * For 'invalid' steps it is the problem's level in the string it is about (see TopicProblem).
   */
  level: number;
  filterLevel: string | null;
  nameLevel: string | null;
  rule: MatchRule;
  ok: boolean;
  /** The step as a message ('topics.step.…'). An 'invalid' step's message needs `problem`, worded first. */
  message: TopicMessage;
  /** For an 'invalid' step: the validation problem, of the filter or of the name (see `message.values.of`). */
  problem?: TopicProblem;
  specRule?: string;
}

export interface MatchExplanation {
  matched: boolean;
  steps: MatchStep[];
  /** One line: whether it matches and why ('topics.summary.…'). */
  summary: TopicMessage;
  /** Set for a 5.0 shared subscription: the group and the filter that is actually matched. */
  shared?: SharedSubscription;
}

/**
 * Does the Topic Filter match the Topic Name? False when either is invalid. In 5.0 (the default)
 * a shared subscription `$share/{group}/{filter}` matches like its {filter} (5.0 §4.8.2); in 3.1.1
 * it is an ordinary filter.
 */
export function matches(filter: string, name: string, options: TopicOptions = {}): boolean {
  const version = options.protocolVersion ?? 5;
  const shared = version === 5 ? parseSharedSubscription(filter) : null;
  // Validity only matters when the levels line up, so check it last: that keeps this reference
  // matcher quick enough to be compared against the index over 100k filters in the tests.
  return matchLevels((shared === null ? filter : shared.filter).split('/'), name)
    && validateTopicFilter(filter, { protocolVersion: version }).valid
    && validateTopicName(name, { protocolVersion: version }).valid;
}

function matchLevels(f: string[], name: string): boolean {
  const t = name.split('/');
  // MQTT-4.7.2-1: a filter starting with a wildcard never matches a name starting with '$'.
  if (name.charCodeAt(0) === 0x24 && (f[0] === '+' || f[0] === '#')) return false;
  for (let i = 0; i < f.length; i++) {
    const level = f[i];
    // '#' matches the rest, including nothing at all: "sport/#" matches "sport" (the parent).
    if (level === '#') return true;
    if (i >= t.length) return false;
    // '+' matches exactly one level, even an empty one.
    if (level === '+') continue;
    // No normalisation of any kind (MQTT-4.7.3-4): plain code-unit equality, case sensitive.
    if (level !== t[i]) return false;
  }
  return f.length === t.length;
}

function sameIgnoringCase(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}

function sameAfterNormalising(a: string, b: string): boolean {
  return a.normalize('NFC') === b.normalize('NFC');
}

function remainder(levels: string[], from: number): string {
  return levels.slice(from).join('/');
}

/** Explains, level by level, whether and why `filter` matches `name`. */
export function explainMatch(filter: string, name: string, options: TopicOptions = {}): MatchExplanation {
  const version = options.protocolVersion ?? 5;
  const steps: MatchStep[] = [];
  const pair = { filter: clipText(filter, 80), name: clipText(name, 80) };

  const filterCheck = validateTopicFilter(filter, { protocolVersion: version });
  const nameCheck = validateTopicName(name, { protocolVersion: version });
  if (!filterCheck.valid || !nameCheck.valid) {
    const filterLevels = filter.split('/');
    const nameLevels = name.split('/');
    if (!filterCheck.valid) {
      for (const p of filterCheck.problems) {
        steps.push({
          level: p.level,
          filterLevel: p.level >= 0 ? filterLevels[p.level] ?? null : null,
          nameLevel: null,
          rule: 'invalid',
          ok: false,
          message: topicMessage('topics.step.invalid', { of: 'filter' }),
          problem: p,
          specRule: p.rule,
        });
      }
    }
    if (!nameCheck.valid) {
      for (const p of nameCheck.problems) {
        steps.push({
          level: p.level,
          filterLevel: null,
          nameLevel: p.level >= 0 ? nameLevels[p.level] ?? null : null,
          rule: 'invalid',
          ok: false,
          message: topicMessage('topics.step.invalid', { of: 'name' }),
          problem: p,
          specRule: p.rule,
        });
      }
    }
    const which = !filterCheck.valid && !nameCheck.valid ? 'both' : !filterCheck.valid ? 'filter' : 'name';
    return { matched: false, steps, summary: topicMessage('topics.summary.invalid', { ...pair, which }) };
  }

  let matchedFilter = filter;
  let shared: SharedSubscription | undefined;
  if (filterCheck.shared !== undefined) {
    shared = filterCheck.shared;
    matchedFilter = shared.filter;
    steps.push({
      level: -1,
      filterLevel: null,
      nameLevel: null,
      rule: 'shared-subscription',
      ok: true,
      message: topicMessage('topics.step.shared', { filter: pair.filter, group: clipLevel(shared.group), inner: clipText(matchedFilter, 80) }),
      specRule: 'MQTT-5.0 §4.8.2',
    });
  }

  const f = matchedFilter.split('/');
  const t = name.split('/');
  const finish = (matched: boolean, why: string, values: Record<string, string | number | boolean> = {}): MatchExplanation => {
    const result: MatchExplanation = { matched, steps, summary: topicMessage(`topics.summary.${why}`, { ...pair, ...values }) };
    if (shared !== undefined) result.shared = shared;
    return result;
  };

  if (name.charCodeAt(0) === 0x24 && (f[0] === '+' || f[0] === '#')) {
    steps.push({
      level: 0,
      filterLevel: f[0]!,
      nameLevel: t[0]!,
      rule: 'dollar-topic',
      ok: false,
      message: topicMessage('topics.step.dollar', { nameLevel: clipLevel(t[0]!), wildcard: f[0]! }),
      specRule: 'MQTT-4.7.2-1',
    });
    return finish(false, 'dollar');
  }

  for (let i = 0; i < f.length; i++) {
    const fl = f[i]!;
    const nl = i < t.length ? t[i]! : null;
    if (fl === '#') {
      if (nl === null) {
        const parent = clipText(f.slice(0, i).join('/'));
        steps.push({
          level: i,
          filterLevel: fl,
          nameLevel: null,
          rule: 'parent-level',
          ok: true,
          // i > 0 here: a name always has a level 0, so '#' at level 0 meets one (the branch below).
          message: topicMessage('topics.step.hashParent', { n: i, withHash: clipText(f.slice(0, i + 1).join('/')), parent }),
        });
        return finish(true, 'parent', { parent });
      }
      steps.push({
        level: i,
        filterLevel: fl,
        nameLevel: nl,
        rule: 'multi-level-wildcard',
        ok: true,
        message: topicMessage('topics.step.hashRest', { count: t.length - i, rest: clipText(remainder(t, i)) }),
      });
      return finish(true, 'rest', { n: i });
    }
    if (nl === null) {
      steps.push({
        level: i,
        filterLevel: fl,
        nameLevel: null,
        rule: 'length-mismatch',
        ok: false,
        message: fl === '+'
          ? topicMessage('topics.step.plusMissing', { nameLevels: t.length, filterPart: clipText(f.slice(0, i + 1).join('/')), name: pair.name })
          : topicMessage('topics.step.literalMissing', { filterLevel: clipLevel(fl), n: i, nameLevels: t.length }),
      });
      return finish(false, 'filterLonger', { filterLevels: f.length, nameLevels: t.length });
    }
    if (fl === '+') {
      steps.push({
        level: i,
        filterLevel: fl,
        nameLevel: nl,
        rule: 'single-level-wildcard',
        ok: true,
        message: nl === '' ? topicMessage('topics.step.plusEmpty', { n: i }) : topicMessage('topics.step.plusOne', { nameLevel: clipLevel(nl) }),
      });
      continue;
    }
    const levels = { filterLevel: clipLevel(fl), nameLevel: clipLevel(nl) };
    if (fl === nl) {
      steps.push({
        level: i,
        filterLevel: fl,
        nameLevel: nl,
        rule: 'literal',
        ok: true,
        message: nl === '' ? topicMessage('topics.step.bothEmpty', { n: i }) : topicMessage('topics.step.equal', levels),
      });
      continue;
    }
    let key = 'topics.step.differ';
    let specRule: string | undefined;
    if (sameIgnoringCase(fl, nl)) {
      key = 'topics.step.differCase';
      specRule = 'MQTT-4.7.3-4';
    } else if (sameAfterNormalising(fl, nl)) {
      key = 'topics.step.differUnicode';
      specRule = 'MQTT-4.7.3-4';
    } else if (fl.trim() === nl.trim()) {
      key = 'topics.step.differSpace';
    }
    const step: MatchStep = { level: i, filterLevel: fl, nameLevel: nl, rule: 'literal', ok: false, message: topicMessage(key, levels) };
    if (specRule !== undefined) step.specRule = specRule;
    steps.push(step);
    return finish(false, 'differ', { n: i, ...levels });
  }

  if (t.length > f.length) {
    steps.push({
      level: f.length,
      filterLevel: null,
      nameLevel: t[f.length]!,
      rule: 'length-mismatch',
      ok: false,
      message: topicMessage('topics.step.nameLonger', { filterLevels: f.length, rest: clipText(remainder(t, f.length)), extra: t.length - f.length }),
    });
    return finish(false, 'nameLonger', { filterLevels: f.length, nameLevels: t.length });
  }
  return finish(true, 'every');
}
