/**
 * One formatter for every catalogue entry. Templates use a small subset of ICU MessageFormat:
 *   {name}                                  a value; numbers are grouped for the language
 *   {count, plural, one {# packet} other {# packets}}
 *                                          chosen with Intl.PluralRules; `#` is the number
 *   {kind, select, client {…} broker {…} other {…}}
 * Values are inserted as text (React renders them as text; never use the result as HTML).
 */
import { HTML_LANG, type Lang } from './lang.ts';

export type Values = Readonly<Record<string, string | number | boolean | undefined>>;

const pluralRulesCache = new Map<string, Intl.PluralRules>();
const numberFormatCache = new Map<string, Intl.NumberFormat>();

function pluralRules(lang: Lang): Intl.PluralRules {
  let rules = pluralRulesCache.get(lang);
  if (rules === undefined) pluralRulesCache.set(lang, (rules = new Intl.PluralRules(HTML_LANG[lang])));
  return rules;
}

export function formatNumber(value: number, lang: Lang): string {
  let format = numberFormatCache.get(lang);
  if (format === undefined) numberFormatCache.set(lang, (format = new Intl.NumberFormat(HTML_LANG[lang], { maximumFractionDigits: 3 })));
  return format.format(value);
}

function show(value: string | number | boolean | undefined, lang: Lang, whole: string): string {
  if (value === undefined) return whole;
  return typeof value === 'number' ? formatNumber(value, lang) : String(value);
}

/** Finds the `}` closing the `{` at `open`, counting nested braces. */
function closing(template: string, open: number): number {
  let depth = 0;
  for (let i = open; i < template.length; i++) {
    if (template[i] === '{') depth++;
    else if (template[i] === '}' && --depth === 0) return i;
  }
  return -1;
}

/** Parses `one {…} other {…}` into a map of case → text. */
function cases(body: string): Map<string, string> {
  const found = new Map<string, string>();
  let i = 0;
  while (i < body.length) {
    const open = body.indexOf('{', i);
    if (open < 0) break;
    const name = body.slice(i, open).trim();
    const end = closing(body, open);
    if (end < 0) break;
    found.set(name, body.slice(open + 1, end));
    i = end + 1;
  }
  return found;
}

/**
 * One run of formatted text. `data` marks a value inserted from outside the catalogue (a topic, a
 * client id, a level the reader typed): views render it with translate="no", the HTML way to say
 * "data, not prose", so page translators leave it alone and the site gate can tell it from UI text.
 */
export interface FormattedPart {
  readonly text: string;
  readonly data: boolean;
}

/** Values for `formatParts`: besides plain values, already formatted parts (a sentence inside a sentence). */
export type PartValues = Readonly<Record<string, string | number | boolean | undefined | readonly FormattedPart[]>>;

function push(out: FormattedPart[], text: string, data: boolean): void {
  if (text === '') return;
  const last = out[out.length - 1];
  if (last !== undefined && last.data === data) out[out.length - 1] = { text: last.text + text, data };
  else out.push({ text, data });
}

function formatInto(out: FormattedPart[], template: string, values: PartValues, lang: Lang): void {
  let i = 0;
  while (i < template.length) {
    const open = template.indexOf('{', i);
    if (open < 0) {
      push(out, template.slice(i), false);
      break;
    }
    push(out, template.slice(i, open), false);
    const end = closing(template, open);
    if (end < 0) {
      push(out, template.slice(open), false);
      break;
    }
    const inner = template.slice(open + 1, end);
    const match = /^\s*(\w+)\s*,\s*(plural|select)\s*,([\s\S]*)$/.exec(inner);
    if (match === null) {
      const value = values[inner.trim()];
      if (Array.isArray(value)) for (const part of value as readonly FormattedPart[]) push(out, part.text, part.data);
      else push(out, show(value as string | number | boolean | undefined, lang, template.slice(open, end + 1)), typeof value === 'string');
    } else {
      const [, name, kind, body] = match;
      const value = values[name];
      const options = cases(body);
      let chosen: string | undefined;
      if (kind === 'plural' && typeof value === 'number') {
        chosen = options.get(`=${value}`) ?? options.get(pluralRules(lang).select(value)) ?? options.get('other');
        chosen = chosen?.replace(/#/g, formatNumber(value, lang));
      } else {
        chosen = options.get(String(value)) ?? options.get('other');
      }
      if (chosen !== undefined) formatInto(out, chosen, values, lang);
    }
    i = end + 1;
  }
}

/** The template filled in, as runs of catalogue text and inserted values (see FormattedPart). */
export function formatParts(template: string, values: PartValues = {}, lang: Lang = 'en'): FormattedPart[] {
  const out: FormattedPart[] = [];
  formatInto(out, template, values, lang);
  return out;
}

export function format(template: string, values: PartValues = {}, lang: Lang = 'en'): string {
  return formatParts(template, values, lang).map((part) => part.text).join('');
}
