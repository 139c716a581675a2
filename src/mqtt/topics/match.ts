/**
 * Topic matching (MQTT 3.1.1 and 5.0 §4.7): `matches` is the plain reference matcher the faster
 * SubscriptionIndex is tested against; `explainMatch` walks the same steps and says, level by
 * level, why a filter does or does not match a name.
 */
import {
  parseSharedSubscription,
  quoteLevel,
  validateTopicFilter,
  validateTopicName,
  type SharedSubscription,
  type TopicOptions,
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
  /** One plain-language sentence. */
  text: string;
  specRule?: string;
}

export interface MatchExplanation {
  matched: boolean;
  steps: MatchStep[];
  summary: string;
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
  const qf = JSON.stringify(filter.length > 80 ? `${filter.slice(0, 77)}…` : filter);
  const qn = JSON.stringify(name.length > 80 ? `${name.slice(0, 77)}…` : name);

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
          text: `Invalid topic filter: ${p.message}`,
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
          text: `Invalid topic name: ${p.message}`,
          specRule: p.rule,
        });
      }
    }
    const which = !filterCheck.valid && !nameCheck.valid ? 'the filter and the name are' : !filterCheck.valid ? 'the filter is' : 'the name is';
    return { matched: false, steps, summary: `${qf} cannot match ${qn}: ${which} not valid.` };
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
      text: `${qf} is a shared subscription for the group "${shared.group}": matching uses only the filter after "$share/${shared.group}/", which is ${JSON.stringify(matchedFilter)}.`,
      specRule: 'MQTT-5.0 §4.8.2',
    });
  }

  const f = matchedFilter.split('/');
  const t = name.split('/');
  const finish = (matched: boolean, why: string): MatchExplanation => {
    const result: MatchExplanation = { matched, steps, summary: `${qf} ${matched ? 'matches' : 'does not match'} ${qn}: ${why}` };
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
      text: `The topic name starts with '$' (${quoteLevel(t[0]!)}) and the filter's first level is the wildcard '${f[0]}': a wildcard at the start never matches topics beginning with '$'. Subscribe to a filter starting with ${quoteLevel(t[0]!)} to receive them.`,
      specRule: 'MQTT-4.7.2-1',
    });
    return finish(false, "topics starting with '$' are not matched by a filter that starts with a wildcard (MQTT-4.7.2-1).");
  }

  for (let i = 0; i < f.length; i++) {
    const fl = f[i]!;
    const nl = i < t.length ? t[i]! : null;
    if (fl === '#') {
      if (nl === null) {
        steps.push({
          level: i,
          filterLevel: fl,
          nameLevel: null,
          rule: 'parent-level',
          ok: true,
          text: i === 0
            ? "'#' matches any number of levels, including none."
            : `The topic name has no level ${i}, and '#' also matches zero levels: ${JSON.stringify(f.slice(0, i + 1).join('/'))} includes its parent ${JSON.stringify(f.slice(0, i).join('/'))}.`,
        });
        return finish(true, `'#' also matches the parent level ${JSON.stringify(f.slice(0, i).join('/'))}.`);
      }
      const count = t.length - i;
      steps.push({
        level: i,
        filterLevel: fl,
        nameLevel: nl,
        rule: 'multi-level-wildcard',
        ok: true,
        text: `'#' matches the remaining ${count === 1 ? 'level' : `${count} levels`}: ${JSON.stringify(remainder(t, i))}.`,
      });
      return finish(true, `'#' matches everything from level ${i} on.`);
    }
    if (nl === null) {
      steps.push({
        level: i,
        filterLevel: fl,
        nameLevel: null,
        rule: 'length-mismatch',
        ok: false,
        text: fl === '+'
          ? `'+' needs exactly one level, but the topic name has only ${t.length} level${t.length === 1 ? '' : 's'}: ${JSON.stringify(f.slice(0, i + 1).join('/'))} does not match its parent ${qn}.`
          : `The filter expects ${quoteLevel(fl)} at level ${i}, but the topic name has only ${t.length} level${t.length === 1 ? '' : 's'}.`,
      });
      return finish(false, `the filter has ${f.length} levels and the name only ${t.length}.`);
    }
    if (fl === '+') {
      steps.push({
        level: i,
        filterLevel: fl,
        nameLevel: nl,
        rule: 'single-level-wildcard',
        ok: true,
        text: nl === ''
          ? `'+' matches the empty level "" at level ${i}: an empty level is still a level.`
          : `'+' matches exactly one level: ${quoteLevel(nl)}.`,
      });
      continue;
    }
    if (fl === nl) {
      steps.push({
        level: i,
        filterLevel: fl,
        nameLevel: nl,
        rule: 'literal',
        ok: true,
        text: nl === '' ? `Both have an empty level at level ${i}.` : `${quoteLevel(fl)} equals ${quoteLevel(nl)}.`,
      });
      continue;
    }
    let text = `${quoteLevel(fl)} is not ${quoteLevel(nl)}.`;
    let specRule: string | undefined;
    if (sameIgnoringCase(fl, nl)) {
      text = `${quoteLevel(fl)} is not ${quoteLevel(nl)}: topic levels are case sensitive.`;
      specRule = 'MQTT-4.7.3-4';
    } else if (sameAfterNormalising(fl, nl)) {
      text = `${quoteLevel(fl)} and ${quoteLevel(nl)} look the same but are different Unicode sequences, and the server must not normalise them.`;
      specRule = 'MQTT-4.7.3-4';
    } else if (fl.trim() === nl.trim()) {
      text = `${quoteLevel(fl)} is not ${quoteLevel(nl)}: spaces are significant.`;
    }
    const step: MatchStep = { level: i, filterLevel: fl, nameLevel: nl, rule: 'literal', ok: false, text };
    if (specRule !== undefined) step.specRule = specRule;
    steps.push(step);
    return finish(false, `level ${i} differs (${quoteLevel(fl)} vs ${quoteLevel(nl)}).`);
  }

  if (t.length > f.length) {
    const extra = t.length - f.length;
    steps.push({
      level: f.length,
      filterLevel: null,
      nameLevel: t[f.length]!,
      rule: 'length-mismatch',
      ok: false,
      text: `The filter ends after ${f.length} level${f.length === 1 ? '' : 's'}, but the topic name continues with ${JSON.stringify(remainder(t, f.length))} (${extra} more level${extra === 1 ? '' : 's'}); end the filter with "/#" to match deeper levels.`,
    });
    return finish(false, `the name has ${t.length} levels and the filter only ${f.length}.`);
  }
  return finish(true, 'every level matches.');
}
