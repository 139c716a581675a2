/**
 * Validation of Topic Names and Topic Filters for people: every problem names the rule, the level
 * and the exact character, so a widget can underline it, and common mistakes get a hint.
 *
 * Rule ids differ between the two specifications for the same idea; both are kept here so the
 * id shown always exists in the version the reader picked:
 *   wildcard in a Topic Name      3.1.1 MQTT-4.7.1-1   5.0 MQTT-4.7.0-1   (and MQTT-3.3.2-2 in both)
 *   '#' placement                 3.1.1 MQTT-4.7.1-2   5.0 MQTT-4.7.1-1
 *   '+' placement                 3.1.1 MQTT-4.7.1-3   5.0 MQTT-4.7.1-2
 *   well-formed UTF-8             3.1.1 MQTT-1.5.3-1   5.0 MQTT-1.5.4-1
 * The §4.7.3 ids (empty, U+0000, 65,535 bytes) are the same in both.
 */

export type TopicProtocolVersion = 4 | 5;

export interface TopicOptions {
  /** 4 = MQTT 3.1.1, 5 = MQTT 5.0 (the default). Shared subscriptions exist only in 5.0. */
  protocolVersion?: TopicProtocolVersion;
}

/**
 * A sentence as data: a catalogue key ('topics.problem.…', 'topics.hint.…', 'topics.step.…',
 * 'topics.summary.…') and the values it names (rule id, level, index, character, the levels
 * involved). The site's catalogues (src/components/i18n) word it per language; this module never
 * returns sentences. Strings among the values are clipped, so a 60 kB level stays a short message.
 */
export interface TopicMessage {
  readonly key: string;
  readonly values: Readonly<Record<string, string | number | boolean>>;
}

export interface TopicProblem {
  /** Spec rule id, e.g. 'MQTT-4.7.1-2', or a section like 'MQTT-5.0 §4.8.2' where no id exists. */
  rule: string;
  /** What is wrong: names the character and the level. */
  message: TopicMessage;
  /** 0-based level of the whole input string (split on '/'), or -1 for whole-string problems. */
  level: number;
  /** UTF-16 index of the offending character in the input string, or -1. */
  index: number;
  /** How to fix it. */
  hint?: TopicMessage;
}

export interface SharedSubscription {
  /** The ShareName. */
  group: string;
  /** The Topic Filter after `$share/{ShareName}/`, the part that is matched against topics. */
  filter: string;
}

export type TopicValidation =
  | { valid: true; levels: string[]; shared?: SharedSubscription }
  | { valid: false; problems: TopicProblem[] };

export type TopicKind = 'name' | 'filter';

/** A string of millions of '+' must not produce millions of problem objects. */
export const MAX_PROBLEMS = 50;

export const MAX_TOPIC_BYTES = 65535;

const SHARE_PREFIX = '$share/';

const SLASH = 0x2f;
const PLUS = 0x2b;
const HASH = 0x23;

interface RuleIds {
  wildcardInName: string;
  multiLevel: string;
  singleLevel: string;
  utf8: string;
}

const RULES_311: RuleIds = { wildcardInName: 'MQTT-4.7.1-1', multiLevel: 'MQTT-4.7.1-2', singleLevel: 'MQTT-4.7.1-3', utf8: 'MQTT-1.5.3-1' };
const RULES_50: RuleIds = { wildcardInName: 'MQTT-4.7.0-1', multiLevel: 'MQTT-4.7.1-1', singleLevel: 'MQTT-4.7.1-2', utf8: 'MQTT-1.5.4-1' };

export function ruleIds(protocolVersion: TopicProtocolVersion = 5): Readonly<RuleIds> {
  return protocolVersion === 4 ? RULES_311 : RULES_50;
}

/** Shortens text for a message (never cutting a surrogate pair), so a 60 kB level does not make a 60 kB message. */
export function clipText(text: string, max = 60): string {
  if (text.length <= max) return text;
  let end = max - 3;
  const c = text.charCodeAt(end - 1);
  if (c >= 0xd800 && c <= 0xdbff) end--;
  return `${text.slice(0, end)}…`;
}

/** A level as a message value: at most 40 characters. */
export function clipLevel(level: string): string {
  return clipText(level, 40);
}

export function topicMessage(key: string, values: Record<string, string | number | boolean> = {}): TopicMessage {
  return { key, values };
}

/** A problem in a few language-neutral words (rule id and position), for logs and a broker's Reason String. */
export function problemCode(problem: TopicProblem): string {
  return problem.index >= 0 ? `${problem.rule} at index ${problem.index}` : problem.rule;
}

function hex4(code: number): string {
  return `U+${code.toString(16).toUpperCase().padStart(4, '0')}`;
}

/**
 * Splits `$share/{ShareName}/{filter}` (MQTT 5.0 §4.8.2). Returns null unless the string is a
 * well-formed shared subscription prefix: a non-empty ShareName without '+' or '#'
 * (MQTT-4.8.2-1, MQTT-4.8.2-2) followed by '/' and a non-empty filter. The inner filter itself is
 * not validated here; validateTopicFilter does that.
 */
export function parseSharedSubscription(filter: string): SharedSubscription | null {
  if (!filter.startsWith(SHARE_PREFIX)) return null;
  const slash = filter.indexOf('/', SHARE_PREFIX.length);
  if (slash <= SHARE_PREFIX.length || slash === filter.length - 1) return null;
  const group = filter.slice(SHARE_PREFIX.length, slash);
  if (group.includes('+') || group.includes('#')) return null;
  return { group, filter: filter.slice(slash + 1) };
}

/** The level text of the whole input that contains UTF-16 index `at`. */
function levelAround(text: string, at: number): string {
  const start = text.lastIndexOf('/', at - 1) + 1;
  let end = text.indexOf('/', at);
  if (end === -1) end = text.length;
  return text.slice(start, end);
}

/** Where a '#' or '+' sits inside its level, to choose between messages. */
function wildcardFix(level: string, wildcard: string): string | null {
  // "sport+" -> "sport/+", "a/b#" -> "a/b/#", "+sport" -> "+/sport": a missing separator is the
  // usual cause, so show the filter with it added.
  if (level.length > 1 && level.endsWith(wildcard) && !level.slice(0, -1).includes(wildcard)) {
    return `${level.slice(0, -1)}/${wildcard}`;
  }
  if (wildcard === '+' && level.length > 1 && level.startsWith('+') && !level.slice(1).includes('+')) {
    return `+/${level.slice(1)}`;
  }
  return null;
}

function embeddedWildcardHint(level: string, wildcard: string): TopicMessage {
  const fix = wildcardFix(level, wildcard);
  return topicMessage('topics.hint.embeddedWildcard', { multi: wildcard === '#', hasFix: fix !== null, fix: clipText(fix ?? ''), level: clipText(level) });
}

function validate(text: string, kind: TopicKind, options: TopicOptions): TopicValidation {
  const version = options.protocolVersion ?? 5;
  const rules = ruleIds(version);
  const problems: TopicProblem[] = [];
  const add = (problem: TopicProblem) => {
    if (problems.length < MAX_PROBLEMS) problems.push(problem);
  };

  if (text.length === 0) {
    return {
      valid: false,
      problems: [{
        rule: 'MQTT-4.7.3-1',
        message: topicMessage('topics.problem.empty', { kind }),
        level: -1,
        index: -1,
        hint: topicMessage(kind === 'filter' ? 'topics.hint.emptyFilter' : 'topics.hint.emptyName'),
      }],
    };
  }

  // Shared subscription prefix (5.0 only; in 3.1.1 "$share/..." is an ordinary filter).
  let shared: SharedSubscription | undefined;
  // Wildcard rules apply from here on; the "$share/{ShareName}/" part has its own rules.
  let bodyStart = 0;
  if (kind === 'filter' && version === 5 && text.startsWith(SHARE_PREFIX)) {
    const groupStart = SHARE_PREFIX.length;
    const slash = text.indexOf('/', groupStart);
    const groupEnd = slash === -1 ? text.length : slash;
    const group = text.slice(groupStart, groupEnd);
    bodyStart = slash === -1 ? text.length : slash + 1;
    let sharedOk = true;
    if (group.length === 0) {
      sharedOk = false;
      add({
        rule: 'MQTT-4.8.2-1',
        message: topicMessage('topics.problem.shareNameEmpty'),
        level: 1,
        index: groupStart < text.length ? groupStart : -1,
        hint: topicMessage('topics.hint.shareForm'),
      });
    }
    for (let i = groupStart; i < groupEnd; i++) {
      const c = text.charCodeAt(i);
      if (c === PLUS || c === HASH) {
        sharedOk = false;
        add({
          rule: 'MQTT-4.8.2-2',
          message: topicMessage('topics.problem.shareNameWildcard', { group: clipLevel(group), char: text[i]!, index: i }),
          level: 1,
          index: i,
          hint: topicMessage('topics.hint.shareNameWildcard'),
        });
      }
    }
    if (group.length > 0 && slash === -1) {
      sharedOk = false;
      add({
        rule: 'MQTT-4.8.2-2',
        message: topicMessage('topics.problem.shareNoSlash', { group: clipLevel(group) }),
        level: 2,
        index: -1,
        hint: topicMessage('topics.hint.shareAddFilter', { example: clipText(`$share/${group}/#`) }),
      });
    } else if (group.length > 0 && slash === text.length - 1) {
      sharedOk = false;
      add({
        rule: 'MQTT-4.8.2-2',
        message: topicMessage('topics.problem.shareNoFilter', { group: clipLevel(group) }),
        level: 2,
        index: -1,
        hint: topicMessage('topics.hint.shareAddFilter', { example: clipText(`$share/${group}/#`) }),
      });
    }
    if (sharedOk) shared = { group, filter: text.slice(bodyStart) };
  }

  let level = 0;
  let bytes = 0;
  const n = text.length;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) {
      bytes += 1;
      if (c === SLASH) {
        level++;
        continue;
      }
      // Once the list is full, only the byte count still matters: building a message costs a
      // scan of the level, which would make a long run of bad characters quadratic.
      if (problems.length >= MAX_PROBLEMS) continue;
      if (c === 0) {
        add({
          rule: 'MQTT-4.7.3-2',
          message: topicMessage('topics.problem.nul', { level: clipLevel(levelAround(text, i)), index: i }),
          level,
          index: i,
          hint: topicMessage('topics.hint.nul'),
        });
        continue;
      }
      if ((c === PLUS || c === HASH) && i >= bodyStart) {
        const levelText = levelAround(text, i);
        if (kind === 'name') {
          add({
            rule: rules.wildcardInName,
            message: topicMessage('topics.problem.wildcardInName', { char: text[i]!, level: clipLevel(levelText), index: i }),
            level,
            index: i,
            hint: topicMessage('topics.hint.wildcardInName'),
          });
          continue;
        }
        const startsLevel = i === 0 || text.charCodeAt(i - 1) === SLASH;
        const endsLevel = i === n - 1 || text.charCodeAt(i + 1) === SLASH;
        if (c === PLUS && !(startsLevel && endsLevel)) {
          add({
            rule: rules.singleLevel,
            message: topicMessage('topics.problem.plusEmbedded', { index: i, level: clipLevel(levelText) }),
            level,
            index: i,
            hint: embeddedWildcardHint(levelText, '+'),
          });
        } else if (c === HASH && !(startsLevel && endsLevel)) {
          add({
            rule: rules.multiLevel,
            message: topicMessage('topics.problem.hashEmbedded', { index: i, level: clipLevel(levelText) }),
            level,
            index: i,
            hint: embeddedWildcardHint(levelText, '#'),
          });
        } else if (c === HASH && i !== n - 1) {
          add({
            rule: rules.multiLevel,
            message: topicMessage('topics.problem.hashNotLast', { index: i, n: level }),
            level,
            index: i,
            hint: topicMessage('topics.hint.hashMiddle'),
          });
        }
      }
      continue;
    }
    if (c < 0x800) {
      bytes += 2;
    } else if (c >= 0xd800 && c <= 0xdbff && i + 1 < n && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      // A surrogate pair is one code point, four bytes of UTF-8.
      bytes += 4;
      i++;
    } else if (c >= 0xd800 && c <= 0xdfff) {
      // A lone surrogate cannot be encoded as well-formed UTF-8 (TextEncoder would silently turn
      // it into U+FFFD, which would change the topic).
      bytes += 3;
      if (problems.length < MAX_PROBLEMS) {
        add({
          rule: rules.utf8,
          message: topicMessage('topics.problem.loneSurrogate', { level: clipLevel(levelAround(text, i)), code: hex4(c), index: i }),
          level,
          index: i,
          hint: topicMessage('topics.hint.loneSurrogate'),
        });
      }
    } else {
      bytes += 3;
    }
  }

  if (bytes > MAX_TOPIC_BYTES) {
    // Whole-string problem: listed first, because it makes the string unsendable whatever else.
    problems.unshift({
      rule: 'MQTT-4.7.3-3',
      message: topicMessage('topics.problem.tooLong', { kind, bytes, max: MAX_TOPIC_BYTES }),
      level: -1,
      index: -1,
      hint: topicMessage('topics.hint.tooLong'),
    });
    if (problems.length > MAX_PROBLEMS) problems.length = MAX_PROBLEMS;
  }

  if (problems.length > 0) return { valid: false, problems };
  const result: TopicValidation = { valid: true, levels: text.split('/') };
  if (shared !== undefined) result.shared = shared;
  return result;
}

/** Validates a Topic Name (PUBLISH, Will Topic, Response Topic): no wildcards at all. */
export function validateTopicName(name: string, options: TopicOptions = {}): TopicValidation {
  return validate(name, 'name', options);
}

/** Validates a Topic Filter (SUBSCRIBE, UNSUBSCRIBE), including `$share/...` in 5.0. */
export function validateTopicFilter(filter: string, options: TopicOptions = {}): TopicValidation {
  return validate(filter, 'filter', options);
}

/** A likely mistake as data; `topicHints` turns each into a message for the catalogue. */
export type TopicHintFact =
  | { id: 'shared-in-3.1.1' }
  | { id: 'star-in-filter'; body: string; level: string; one: string; many: string | null }
  | { id: 'star-in-name'; level: string }
  | { id: 'embedded-wildcard'; kind: TopicKind; level: string; wildcard: '+' | '#' }
  | { id: 'wildcard-level-in-name' }
  | { id: 'hash-not-last'; fixed: string }
  | { id: 'spaced-level'; level: string }
  | { id: 'leading-slash'; body: string }
  | { id: 'trailing-slash'; body: string }
  | { id: 'double-slash'; body: string }
  | { id: 'dots'; body: string }
  | { id: 'nats-wildcard' }
  | { id: 'dollar-name' }
  | { id: 'wildcard-first-level'; wildcard: string };

/**
 * Likely mistakes, for valid and invalid input alike ("building-b/*" is a valid filter but is
 * almost never what was meant), in the order they should be shown.
 */
export function topicHintFacts(text: string, kind: TopicKind, options: TopicOptions = {}): TopicHintFact[] {
  const version = options.protocolVersion ?? 5;
  const facts: TopicHintFact[] = [];
  if (text.length === 0) return facts;
  const isFilter = kind === 'filter';
  const shared = isFilter && version === 5 ? parseSharedSubscription(text) : null;
  // Hints about levels concern the part that is matched, not "$share/{group}/".
  const body = shared === null ? text : shared.filter;
  const levels = body.split('/');

  if (isFilter && version === 4 && text.startsWith(SHARE_PREFIX)) facts.push({ id: 'shared-in-3.1.1' });

  const level = levels.find((l) => l.includes('*'));
  if (level !== undefined) {
    if (isFilter) {
      const one = levels.map((l) => (l === '*' ? '+' : l)).join('/');
      const many = levels[levels.length - 1] === '*' ? [...levels.slice(0, -1), '#'].join('/') : null;
      facts.push({ id: 'star-in-filter', body, level, one, many });
    } else {
      facts.push({ id: 'star-in-name', level });
    }
  }

  for (const wildcard of ['+', '#'] as const) {
    const embedded = levels.find((l) => l.length > 1 && l.includes(wildcard));
    if (embedded !== undefined) facts.push({ id: 'embedded-wildcard', kind, level: embedded, wildcard });
  }
  if (!isFilter && levels.some((l) => l === '+' || l === '#')) facts.push({ id: 'wildcard-level-in-name' });
  if (isFilter) {
    const hashAt = levels.indexOf('#');
    if (hashAt !== -1 && hashAt !== levels.length - 1) facts.push({ id: 'hash-not-last', fixed: levels.slice(0, hashAt + 1).join('/') });
  }

  const spaced = levels.find((l) => l.length > 0 && (l[0] === ' ' || l[l.length - 1] === ' ' || l[0] === '\t' || l[l.length - 1] === '\t'));
  if (spaced !== undefined) facts.push({ id: 'spaced-level', level: spaced });

  if (body.length > 1 && body[0] === '/') facts.push({ id: 'leading-slash', body });
  if (body.length > 1 && body[body.length - 1] === '/') facts.push({ id: 'trailing-slash', body });
  if (body.includes('//')) facts.push({ id: 'double-slash', body });

  if (!body.includes('/') && (body.match(/\./g)?.length ?? 0) >= 2) facts.push({ id: 'dots', body });
  if (isFilter && levels.some((l) => l === '>')) facts.push({ id: 'nats-wildcard' });

  if (!isFilter && text[0] === '$') facts.push({ id: 'dollar-name' });
  if (isFilter && (levels[0] === '#' || levels[0] === '+')) facts.push({ id: 'wildcard-first-level', wildcard: levels[0] });
  return facts;
}

/** The hints of `topicHintFacts` as messages ('topics.hint.…'), in the order they should be shown. */
export function topicHints(text: string, kind: TopicKind, options: TopicOptions = {}): TopicMessage[] {
  return topicHintFacts(text, kind, options).map(hintMessage);
}

function hintMessage(fact: TopicHintFact): TopicMessage {
  switch (fact.id) {
    case 'shared-in-3.1.1':
      return topicMessage('topics.hint.sharedIn311');
    case 'star-in-filter':
      return topicMessage('topics.hint.starInFilter', {
        body: clipText(fact.body), level: clipLevel(fact.level), exact: fact.level === '*', one: clipText(fact.one), hasMany: fact.many !== null, many: clipText(fact.many ?? ''),
      });
    case 'star-in-name':
      return topicMessage('topics.hint.starInName', { level: clipLevel(fact.level) });
    case 'embedded-wildcard':
      return fact.kind === 'filter'
        ? embeddedWildcardHint(fact.level, fact.wildcard)
        : topicMessage('topics.hint.wildcardInNameLevel', { wildcard: fact.wildcard, level: clipLevel(fact.level) });
    case 'wildcard-level-in-name':
      return topicMessage('topics.hint.wildcardLevelInName');
    case 'hash-not-last':
      return topicMessage('topics.hint.hashLast', { fixed: clipText(fact.fixed) });
    case 'spaced-level':
      return topicMessage('topics.hint.spacedLevel', { level: clipLevel(fact.level), trimmed: clipLevel(fact.level.trim()) });
    case 'leading-slash':
      return topicMessage('topics.hint.leadingSlash', { body: clipText(fact.body), other: clipText(fact.body.slice(1)) });
    case 'trailing-slash':
      return topicMessage('topics.hint.trailingSlash', { body: clipText(fact.body), other: clipText(fact.body.slice(0, -1)) });
    case 'double-slash':
      return topicMessage('topics.hint.doubleSlash', { body: clipText(fact.body), other: clipText(fact.body.replace(/\/\/+/g, '/')) });
    case 'dots':
      return topicMessage('topics.hint.dots', { body: clipText(fact.body) });
    case 'nats-wildcard':
      return topicMessage('topics.hint.natsWildcard');
    case 'dollar-name':
      return topicMessage('topics.hint.dollarName');
    case 'wildcard-first-level':
      return topicMessage('topics.hint.wildcardFirstLevel', { wildcard: fact.wildcard });
  }
}
