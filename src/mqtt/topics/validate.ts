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

export interface TopicProblem {
  /** Spec rule id, e.g. 'MQTT-4.7.1-2', or a section like 'MQTT-5.0 §4.8.2' where no id exists. */
  rule: string;
  /** Plain English; names the character and the level. */
  message: string;
  /** 0-based level of the whole input string (split on '/'), or -1 for whole-string problems. */
  level: number;
  /** UTF-16 index of the offending character in the input string, or -1. */
  index: number;
  hint?: string;
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

/** Quote a level for a message, shortened so a 60 kB level does not make a 60 kB message. */
export function quoteLevel(level: string): string {
  if (level.length === 0) return 'the empty level ""';
  const shown = level.length > 40 ? `${level.slice(0, 37)}…` : level;
  return `"${shown}"`;
}

function quote(text: string): string {
  return text.length > 60 ? `"${text.slice(0, 57)}…"` : `"${text}"`;
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

function embeddedWildcardHint(level: string, wildcard: string): string {
  const name = wildcard === '#' ? "'#' (any number of levels)" : "'+' (exactly one level)";
  const fix = wildcardFix(level, wildcard);
  const example = fix === null ? '' : ` For example ${quote(fix)} instead of ${quote(level)}.`;
  return `MQTT wildcards are whole levels, never part of one: use ${name} on its own between slashes.${example}`;
}

function validate(text: string, kind: TopicKind, options: TopicOptions): TopicValidation {
  const version = options.protocolVersion ?? 5;
  const rules = ruleIds(version);
  const what = kind === 'name' ? 'topic name' : 'topic filter';
  const problems: TopicProblem[] = [];
  const add = (problem: TopicProblem) => {
    if (problems.length < MAX_PROBLEMS) problems.push(problem);
  };

  if (text.length === 0) {
    return {
      valid: false,
      problems: [{
        rule: 'MQTT-4.7.3-1',
        message: `The ${what} is empty; it must be at least one character long.`,
        level: -1,
        index: -1,
        hint: kind === 'filter' ? "To receive every message, subscribe to '#'." : 'Publish to a topic with at least one character, e.g. "sensors/temp".',
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
        message: 'The shared subscription has an empty ShareName: "$share/" must be followed by a name of at least one character.',
        level: 1,
        index: groupStart < text.length ? groupStart : -1,
        hint: 'Write it as "$share/{group}/{filter}", e.g. "$share/workers/jobs/#".',
      });
    }
    for (let i = groupStart; i < groupEnd; i++) {
      const c = text.charCodeAt(i);
      if (c === PLUS || c === HASH) {
        sharedOk = false;
        add({
          rule: 'MQTT-4.8.2-2',
          message: `The ShareName ${quoteLevel(group)} contains '${text[i]}' at index ${i}; a ShareName must not contain '/', '+' or '#'.`,
          level: 1,
          index: i,
          hint: 'The ShareName only names the group of subscribers; put wildcards in the filter after the next \'/\', e.g. "$share/workers/jobs/+".',
        });
      }
    }
    if (group.length > 0 && slash === -1) {
      sharedOk = false;
      add({
        rule: 'MQTT-4.8.2-2',
        message: `The ShareName ${quoteLevel(group)} must be followed by '/' and a topic filter, but the string ends there.`,
        level: 2,
        index: -1,
        hint: `Add the filter to share, e.g. "$share/${group}/#".`,
      });
    } else if (group.length > 0 && slash === text.length - 1) {
      sharedOk = false;
      add({
        rule: 'MQTT-4.8.2-2',
        message: `The '/' after the ShareName ${quoteLevel(group)} must be followed by a topic filter, but nothing follows it.`,
        level: 2,
        index: -1,
        hint: `Add the filter to share, e.g. "$share/${group}/#".`,
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
          message: `The level ${quoteLevel(levelAround(text, i))} contains the null character U+0000 at index ${i}; topic names and filters must not contain it.`,
          level,
          index: i,
          hint: 'U+0000 often comes from a C string terminator or a padded buffer; trim it before sending.',
        });
        continue;
      }
      if ((c === PLUS || c === HASH) && i >= bodyStart) {
        const levelText = levelAround(text, i);
        if (kind === 'name') {
          add({
            rule: rules.wildcardInName,
            message: `The topic name has the wildcard '${text[i]}' in the level ${quoteLevel(levelText)} at index ${i}; wildcards are only allowed in topic filters (also MQTT-3.3.2-2).`,
            level,
            index: i,
            hint: "A message is published to one concrete topic; '+' and '#' belong in subscriptions. Replace the wildcard with the actual level.",
          });
          continue;
        }
        const startsLevel = i === 0 || text.charCodeAt(i - 1) === SLASH;
        const endsLevel = i === n - 1 || text.charCodeAt(i + 1) === SLASH;
        if (c === PLUS && !(startsLevel && endsLevel)) {
          add({
            rule: rules.singleLevel,
            message: `The '+' at index ${i} shares the level ${quoteLevel(levelText)} with other characters; '+' must occupy a whole level.`,
            level,
            index: i,
            hint: embeddedWildcardHint(levelText, '+'),
          });
        } else if (c === HASH && !(startsLevel && endsLevel)) {
          add({
            rule: rules.multiLevel,
            message: `The '#' at index ${i} shares the level ${quoteLevel(levelText)} with other characters; '#' must be a whole level on its own, and the last one.`,
            level,
            index: i,
            hint: embeddedWildcardHint(levelText, '#'),
          });
        } else if (c === HASH && i !== n - 1) {
          add({
            rule: rules.multiLevel,
            message: `The '#' at index ${i} (level ${level}) is followed by more levels; '#' matches everything below it, so it must be the last level of the filter.`,
            level,
            index: i,
            hint: "Use '+' for a single level in the middle of a filter, e.g. \"a/+/b\", or end the filter at '#'.",
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
          message: `The level ${quoteLevel(levelAround(text, i))} contains a lone surrogate ${hex4(c)} at index ${i}; it is not a Unicode character and has no well-formed UTF-8 encoding.`,
          level,
          index: i,
          hint: 'A lone surrogate usually comes from cutting a string in the middle of an emoji or another character outside the Basic Multilingual Plane.',
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
      message: `The ${what} is ${bytes} bytes long in UTF-8; the limit is ${MAX_TOPIC_BYTES} bytes.`,
      level: -1,
      index: -1,
      hint: 'Keep topics short: they are sent with every message (or use a Topic Alias in MQTT 5.0 for long names).',
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

/** A likely mistake as data, so each language can word it; `topicHints` words them in English. */
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

/** The hints of `topicHintFacts`, each a plain-English sentence or two. */
export function topicHints(text: string, kind: TopicKind, options: TopicOptions = {}): string[] {
  return topicHintFacts(text, kind, options).map(hintInEnglish);
}

function hintInEnglish(fact: TopicHintFact): string {
  switch (fact.id) {
    case 'shared-in-3.1.1':
      return 'Shared subscriptions exist only in MQTT 5.0: in MQTT 3.1.1 "$share/..." is an ordinary filter that matches topics literally starting with "$share". (Some 3.1.1 brokers support it as an extension.)';
    case 'star-in-filter': {
      const examples = fact.level === '*'
        ? ` Use '+' for exactly one level (${quote(fact.one)})${fact.many === null ? '' : ` or '#' for any number of levels (${quote(fact.many)})`}.`
        : " Use '+' for exactly one whole level or '#' for any number of levels; MQTT has no partial-level wildcards.";
      return `'*' is not an MQTT wildcard: ${quote(fact.body)} matches only a level literally named ${quoteLevel(fact.level)}.${examples}`;
    }
    case 'star-in-name':
      return `'*' is not a wildcard in MQTT: this publishes to a level literally named ${quoteLevel(fact.level)}. Topic names have no wildcards at all; publish to the concrete topic.`;
    case 'embedded-wildcard':
      return fact.kind === 'filter'
        ? embeddedWildcardHint(fact.level, fact.wildcard)
        : `'${fact.wildcard}' is a wildcard and cannot appear in a topic name, not even inside a level like ${quoteLevel(fact.level)}; wildcards are only for subscriptions.`;
    case 'wildcard-level-in-name':
      return "A topic name is the one concrete topic a message goes to; '+' and '#' only work in subscriptions. Replace the wildcard with the actual level.";
    case 'hash-not-last':
      return `'#' already matches every level below it, so it must be last: use ${quote(fact.fixed)}, or '+' for a single level in the middle.`;
    case 'spaced-level':
      return `Spaces are significant in MQTT topics: the level ${quoteLevel(fact.level)} has a leading or trailing space, so it does not match ${quoteLevel(fact.level.trim())}.`;
    case 'leading-slash':
      return `A leading '/' creates an empty first level: ${quote(fact.body)} is a different topic from ${quote(fact.body.slice(1))}.`;
    case 'trailing-slash':
      return `A trailing '/' creates an empty last level: ${quote(fact.body)} is a different topic from ${quote(fact.body.slice(0, -1))}.`;
    case 'double-slash':
      return `"//" creates an empty level in the middle: ${quote(fact.body)} does not match ${quote(fact.body.replace(/\/\/+/g, '/'))}.`;
    case 'dots':
      return `MQTT separates levels with '/', not '.': ${quote(fact.body)} is a single level.`;
    case 'nats-wildcard':
      return "'>' is not an MQTT wildcard (it is NATS's); in MQTT use '#' for any number of levels.";
    case 'dollar-name':
      return "Topics starting with '$' are reserved for the server (like $SYS): subscriptions whose first level is a wildcard ('#', '+/…') never receive them (MQTT-4.7.2-1).";
    case 'wildcard-first-level':
      return `A filter whose first level is '${fact.wildcard}' does not receive topics that start with '$', such as "$SYS/…" (MQTT-4.7.2-1); subscribe to "$SYS/#" as well if you need them.`;
  }
}
