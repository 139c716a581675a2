/**
 * The pure model of the topic-filter playground: state (filters, topic names, protocol version,
 * the chosen cell) in, a view model out (each entry's validity, problems pointing at characters,
 * hints; the filter × name match matrix; the level-by-level explanation of the chosen cell), in
 * any language of the catalogue (src/components/i18n: the 'topics' section). Plus the URL state, encoded and validated: anything in a link
 * may have been tampered with, so parse() checks every field and says what is wrong. No DOM, no
 * React: the widget renders the view model and the tests drive it headless.
 */
import {
  explainMatch,
  matches,
  topicHints,
  validateTopicFilter,
  validateTopicName,
  type MatchRule,
  type MatchStep,
  type TopicKind,
  type TopicProblem,
  type TopicProtocolVersion,
} from '../../mqtt/topics/index.ts';
import { sayMarked, translate, translateMarked, type MarkedText } from '../i18n/catalogue.ts';
import type { Lang } from '../i18n/lang.ts';

export type { Lang } from '../i18n/lang.ts';
export type Version = TopicProtocolVersion;

export interface Cell { filter: number; name: number }

export interface PlaygroundState {
  version: Version;
  filters: string[];
  names: string[];
  /** The matrix cell whose explanation is shown, or null. */
  selected: Cell | null;
}

export const MAX_FILTERS = 20;
export const MAX_NAMES = 20;
/** Per entry, in UTF-16 code units (what an input's maxLength counts). */
export const MAX_CHARS = 1000;
/** A link longer than this is refused before it is even split: 40 entries of 1,000 CJK characters percent-encoded fit. */
export const MAX_LINK_CHARS = 400_000;

export const DEFAULT_FILTERS: readonly string[] = ['sensor/+/temperature', 'building-b/#', '+/floor-5', 'home/#', 'building-b/*'];
export const DEFAULT_NAMES: readonly string[] = ['sensor/kitchen/temperature', 'building-b/floor-5', '$SYS/broker/uptime', 'home'];

export function initialState(preset: Partial<PlaygroundState> = {}): PlaygroundState {
  const filters = (preset.filters ?? DEFAULT_FILTERS).slice(0, MAX_FILTERS).map((f) => f.slice(0, MAX_CHARS));
  const names = (preset.names ?? DEFAULT_NAMES).slice(0, MAX_NAMES).map((n) => n.slice(0, MAX_CHARS));
  if (filters.length === 0) filters.push('');
  if (names.length === 0) names.push('');
  let selected: Cell | null = preset.selected === undefined ? { filter: 0, name: 0 } : preset.selected;
  if (selected !== null && (selected.filter >= filters.length || selected.name >= names.length)) selected = null;
  return { version: preset.version ?? 5, filters, names, selected };
}

// ---------------------------------------------------------------------------------------------
// Edits

export type EntryKind = 'filters' | 'names';

const maxOf = (kind: EntryKind) => (kind === 'filters' ? MAX_FILTERS : MAX_NAMES);

export function setVersion(state: PlaygroundState, version: Version): PlaygroundState {
  return { ...state, version };
}

export function setEntry(state: PlaygroundState, kind: EntryKind, index: number, text: string): PlaygroundState {
  if (index < 0 || index >= state[kind].length) return state;
  const list = [...state[kind]];
  list[index] = text.slice(0, MAX_CHARS);
  return { ...state, [kind]: list };
}

export function addEntry(state: PlaygroundState, kind: EntryKind, text = ''): PlaygroundState {
  if (state[kind].length >= maxOf(kind)) return state;
  return { ...state, [kind]: [...state[kind], text.slice(0, MAX_CHARS)] };
}

/** Removes a row (the last one of a list stays, so the matrix always has a cell); the selection follows its cell. */
export function removeEntry(state: PlaygroundState, kind: EntryKind, index: number): PlaygroundState {
  if (state[kind].length <= 1 || index < 0 || index >= state[kind].length) return state;
  const list = state[kind].filter((_, i) => i !== index);
  let selected = state.selected;
  if (selected !== null) {
    const axis = kind === 'filters' ? 'filter' : 'name';
    if (selected[axis] === index) selected = null;
    else if (selected[axis] > index) selected = { ...selected, [axis]: selected[axis] - 1 };
  }
  return { ...state, [kind]: list, selected };
}

export function select(state: PlaygroundState, cell: Cell | null): PlaygroundState {
  if (cell !== null && (cell.filter < 0 || cell.name < 0 || cell.filter >= state.filters.length || cell.name >= state.names.length)) return state;
  return { ...state, selected: cell };
}

// ---------------------------------------------------------------------------------------------
// View model

export interface TextSegment {
  /** Display text: control characters and lone surrogates shown as their code point ("U+0000"). */
  text: string;
  /** True for a character a problem points at. */
  mark: boolean;
}

export interface ProblemView {
  rule: string;
  message: MarkedText;
  hint?: MarkedText;
  /** UTF-16 index of the offending character, or -1. */
  index: number;
  level: number;
}

export interface EntryView {
  kind: TopicKind;
  index: number;
  text: string;
  valid: boolean;
  problems: ProblemView[];
  /** Common-mistake hints that are not already a problem's hint. */
  hints: MarkedText[];
  /** The text split around the offending characters; null when no problem points at a character. */
  segments: TextSegment[] | null;
  /** A valid 5.0 shared subscription. */
  shared: { group: string; filter: string } | null;
}

export type CellStatus = 'match' | 'no-match' | 'invalid';

export interface CellView {
  filter: number;
  name: number;
  status: CellStatus;
  /** What a screen reader says, e.g. "filter a/+, topic a/b: matches". */
  /** The cell's accessible name; its filter and topic are marked as data (rendered translate="no"). */
  label: MarkedText;
}

export interface StepView {
  level: number;
  filterLevel: string | null;
  nameLevel: string | null;
  rule: MatchRule;
  ruleLabel: string;
  ok: boolean;
  text: MarkedText;
  specRule?: string;
}

export interface ExplanationView {
  filter: number;
  name: number;
  filterText: string;
  nameText: string;
  matched: boolean;
  summary: MarkedText;
  steps: StepView[];
}

export interface PlaygroundView {
  version: Version;
  filters: EntryView[];
  names: EntryView[];
  /** matrix[filter][name]. */
  matrix: CellView[][];
  matchCount: number;
  explanation: ExplanationView | null;
}

/** A match step in `lang`; an 'invalid' step names the validation problem inside its sentence. */
export function sayStep(lang: Lang, step: MatchStep): MarkedText {
  if (step.problem === undefined) return sayMarked(lang, step.message);
  return translateMarked(lang, step.message.key, { ...step.message.values, problem: sayMarked(lang, step.problem.message).parts });
}

/** Shortens a string for a label or a message; never cuts a surrogate pair in two. */
export function clip(text: string, max = 80): string {
  if (text.length <= max) return text;
  let end = max - 1;
  if (/[\ud800-\udbff]/.test(text[end - 1] ?? '')) end--;
  return `${text.slice(0, end)}…`;
}

function isHighSurrogate(c: number): boolean { return c >= 0xd800 && c <= 0xdbff; }
function isLowSurrogate(c: number): boolean { return c >= 0xdc00 && c <= 0xdfff; }

/**
 * Makes characters that would be invisible or unrenderable visible, code unit by code unit: C0
 * controls, DEL and lone surrogates become their code point, "U+0000" (plain text that every
 * font can draw, and that says exactly which character it is).
 */
export function visibleText(text: string): string {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (isHighSurrogate(c) && i + 1 < text.length && isLowSurrogate(text.charCodeAt(i + 1))) { out += text[i]! + text[i + 1]!; i++; }
    else if (c < 0x20 || c === 0x7f || isHighSurrogate(c) || isLowSurrogate(c)) out += `U+${c.toString(16).toUpperCase().padStart(4, '0')}`;
    else out += text[i]!;
  }
  return out;
}

/** The text cut into runs around the marked UTF-16 indices (each marked run is one character). */
export function segmentText(text: string, marks: readonly number[]): TextSegment[] {
  const at = [...new Set(marks.filter((i) => i >= 0 && i < text.length))].sort((a, b) => a - b);
  const segments: TextSegment[] = [];
  let from = 0;
  for (const i of at) {
    if (i > from) segments.push({ text: visibleText(text.slice(from, i)), mark: false });
    // Problems point at single code units ('+', '#', U+0000, a lone surrogate).
    segments.push({ text: visibleText(text.slice(i, i + 1)), mark: true });
    from = i + 1;
  }
  if (from < text.length || segments.length === 0) segments.push({ text: visibleText(text.slice(from)), mark: false });
  return segments;
}

function entryView(text: string, kind: TopicKind, index: number, version: Version, lang: Lang): EntryView {
  const check = kind === 'filter' ? validateTopicFilter(text, { protocolVersion: version }) : validateTopicName(text, { protocolVersion: version });
  const problems: ProblemView[] = check.valid ? [] : check.problems.map((p: TopicProblem) => {
    const view: ProblemView = { rule: p.rule, message: sayMarked(lang, p.message), index: p.index, level: p.level };
    if (p.hint !== undefined) view.hint = sayMarked(lang, p.hint);
    return view;
  });
  // A hint already given with a problem is not repeated below it.
  const problemHints = new Set(problems.map((p) => p.hint?.text).filter((h): h is string => h !== undefined));
  const hints = topicHints(text, kind, { protocolVersion: version }).map((h) => sayMarked(lang, h)).filter((h) => !problemHints.has(h.text));
  const marks = problems.map((p) => p.index).filter((i) => i >= 0);
  return {
    kind,
    index,
    text,
    valid: check.valid,
    problems,
    hints,
    segments: marks.length > 0 ? segmentText(text, marks) : null,
    shared: check.valid && check.shared !== undefined ? { group: check.shared.group, filter: check.shared.filter } : null,
  };
}

function explanationView(state: PlaygroundState, cell: Cell, lang: Lang): ExplanationView {
  const filter = state.filters[cell.filter]!;
  const name = state.names[cell.name]!;
  const explained = explainMatch(filter, name, { protocolVersion: state.version });
  const steps: StepView[] = explained.steps.map((s) => {
    const view: StepView = {
      level: s.level, filterLevel: s.filterLevel, nameLevel: s.nameLevel, rule: s.rule,
      ruleLabel: translate(lang, `topics.rule.${s.rule}`), ok: s.ok, text: sayStep(lang, s),
    };
    if (s.specRule !== undefined) view.specRule = s.specRule;
    return view;
  });
  return { filter: cell.filter, name: cell.name, filterText: filter, nameText: name, matched: explained.matched, summary: sayMarked(lang, explained.summary), steps };
}

export function buildView(state: PlaygroundState, lang: Lang = 'en'): PlaygroundView {
  const filters = state.filters.map((f, i) => entryView(f, 'filter', i, state.version, lang));
  const names = state.names.map((n, i) => entryView(n, 'name', i, state.version, lang));
  let matchCount = 0;
  const matrix = filters.map((f) => names.map((n): CellView => {
    let status: CellStatus;
    let verdict: string;
    if (!f.valid || !n.valid) {
      status = 'invalid';
      verdict = translate(lang, 'topics.ui.verdictInvalid', { which: !f.valid && !n.valid ? 'both' : !f.valid ? 'filter' : 'name' });
    } else if (matches(f.text, n.text, { protocolVersion: state.version })) {
      status = 'match';
      verdict = translate(lang, 'topics.ui.verdictMatch');
      matchCount++;
    } else {
      status = 'no-match';
      verdict = translate(lang, 'topics.ui.verdictNoMatch');
    }
    return { filter: f.index, name: n.index, status, label: translateMarked(lang, 'topics.ui.cellLabel', { filter: clip(visibleText(f.text)), name: clip(visibleText(n.text)), verdict }) };
  }));
  const cell = state.selected;
  const explanation = cell !== null && cell.filter < filters.length && cell.name < names.length
    ? explanationView(state, cell, lang)
    : null;
  return { version: state.version, filters, names, matrix, matchCount, explanation };
}

// ---------------------------------------------------------------------------------------------
// URL state

export type LinkError =
  | { code: 'too-long'; chars: number }
  | { code: 'encoding'; key: string }
  | { code: 'surrogate'; key: string; entry: number }
  | { code: 'version'; value: string }
  | { code: 'too-many'; kind: EntryKind; count: number }
  | { code: 'entry-too-long'; kind: EntryKind; entry: number; chars: number }
  | { code: 'selection'; value: string };

export type ParseResult = { ok: true; state: PlaygroundState } | { ok: false; error: LinkError; state: PlaygroundState };

function encode(text: string): string {
  // Readable links: '/', '+' and '$' need no escaping in a fragment, and this parser never reads '+' as a space.
  return encodeURIComponent(text).replace(/%2F/g, '/').replace(/%2B/g, '+').replace(/%24/g, '$');
}

/** The state as a URL fragment (without "#"): v=5&f=…&f=…&n=…&sel=0.1 */
export function serialize(state: PlaygroundState): string {
  const parts = [`v=${state.version === 4 ? '3.1.1' : '5'}`];
  for (const f of state.filters) parts.push(`f=${encode(f)}`);
  for (const n of state.names) parts.push(`n=${encode(n)}`);
  if (state.selected !== null) parts.push(`sel=${state.selected.filter}.${state.selected.name}`);
  return parts.join('&');
}

function hasLoneSurrogate(text: string): boolean {
  return /[\ud800-\udfff]/.test(text.replace(/[\ud800-\udbff][\udc00-\udfff]/g, ''));
}

/**
 * Reads a fragment or query (with or without "#" or "?"). Unknown keys are ignored; a list that
 * is absent keeps the examples. Every failure returns the default state and says why.
 */
export function parse(fragment: string): ParseResult {
  const fallback = initialState();
  const fail = (error: LinkError): ParseResult => ({ ok: false, error, state: fallback });
  const raw = fragment.replace(/^[#?]/, '');
  if (raw.length === 0) return { ok: true, state: fallback };
  if (raw.length > MAX_LINK_CHARS) return fail({ code: 'too-long', chars: raw.length });
  if (hasLoneSurrogate(raw)) return fail({ code: 'surrogate', key: 'link', entry: 0 });

  const lists: Record<EntryKind, string[]> = { filters: [], names: [] };
  const counts: Record<EntryKind, number> = { filters: 0, names: 0 };
  let version: string | null = null;
  let sel: string | null = null;
  const pairs = raw.split('&');
  // Count before decoding anything, so a link with a million entries costs one split.
  for (const pair of pairs) {
    if (pair.startsWith('f=') || pair === 'f') counts.filters++;
    else if (pair.startsWith('n=') || pair === 'n') counts.names++;
  }
  if (counts.filters > MAX_FILTERS) return fail({ code: 'too-many', kind: 'filters', count: counts.filters });
  if (counts.names > MAX_NAMES) return fail({ code: 'too-many', kind: 'names', count: counts.names });

  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    const key = eq === -1 ? pair : pair.slice(0, eq);
    const encoded = eq === -1 ? '' : pair.slice(eq + 1);
    if (key !== 'v' && key !== 'f' && key !== 'n' && key !== 'sel') continue;
    const kind: EntryKind | null = key === 'f' ? 'filters' : key === 'n' ? 'names' : null;
    const entry = kind === null ? 0 : lists[kind].length + 1;
    // Percent-encoding makes a character at most 12 code units ("%F0%9F%8F%A0" is 2): a cheap bound first.
    if (kind !== null && encoded.length > MAX_CHARS * 12) return fail({ code: 'entry-too-long', kind, entry, chars: encoded.length });
    let value: string;
    try {
      value = decodeURIComponent(encoded);
    } catch {
      // Malformed escapes, and UTF-8 that is not well formed (encoded lone surrogates such as %ED%A0%80).
      return fail({ code: 'encoding', key: kind === null ? key : `${key}${entry}` });
    }
    if (hasLoneSurrogate(value)) return fail({ code: 'surrogate', key, entry });
    if (kind !== null) {
      if (value.length > MAX_CHARS) return fail({ code: 'entry-too-long', kind, entry, chars: value.length });
      lists[kind].push(value);
    } else if (key === 'v') {
      if (version === null) version = value;
    } else if (sel === null) {
      sel = value;
    }
  }

  let v: Version = 5;
  if (version !== null) {
    if (version === '5' || version === '5.0') v = 5;
    else if (version === '3.1.1' || version === '4') v = 4;
    else return fail({ code: 'version', value: clip(version, 24) });
  }
  const filters = counts.filters > 0 ? lists.filters : [...DEFAULT_FILTERS];
  const names = counts.names > 0 ? lists.names : [...DEFAULT_NAMES];
  let selected: Cell | null = null;
  if (sel !== null && sel !== '') {
    const m = /^(\d{1,2})\.(\d{1,2})$/.exec(sel);
    if (m === null || Number(m[1]) >= filters.length || Number(m[2]) >= names.length) return fail({ code: 'selection', value: clip(sel, 24) });
    selected = { filter: Number(m[1]), name: Number(m[2]) };
  }
  return { ok: true, state: { version: v, filters, names, selected } };
}

/** A link error as one sentence. */
export function describeLinkError(error: LinkError, lang: Lang = 'en'): string {
  switch (error.code) {
    case 'too-long':
      return translate(lang, 'topics.link.tooLong', { chars: error.chars, max: MAX_LINK_CHARS });
    case 'encoding':
      return translate(lang, 'topics.link.encoding', { key: error.key });
    case 'surrogate':
      return translate(lang, 'topics.link.surrogate');
    case 'version':
      return translate(lang, 'topics.link.version', { value: error.value });
    case 'too-many':
      return translate(lang, 'topics.link.tooMany', { kind: error.kind, count: error.count, max: error.kind === 'filters' ? MAX_FILTERS : MAX_NAMES });
    case 'entry-too-long':
      return translate(lang, 'topics.link.entryTooLong', { kind: error.kind, entry: error.entry, chars: error.chars, max: MAX_CHARS });
    case 'selection':
      return translate(lang, 'topics.link.selection', { value: error.value });
  }
}
