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

export function format(template: string, values: Values = {}, lang: Lang = 'en'): string {
  let out = '';
  let i = 0;
  while (i < template.length) {
    const open = template.indexOf('{', i);
    if (open < 0) {
      out += template.slice(i);
      break;
    }
    out += template.slice(i, open);
    const end = closing(template, open);
    if (end < 0) {
      out += template.slice(open);
      break;
    }
    const inner = template.slice(open + 1, end);
    const match = /^\s*(\w+)\s*,\s*(plural|select)\s*,([\s\S]*)$/.exec(inner);
    if (match === null) {
      out += show(values[inner.trim()], lang, template.slice(open, end + 1));
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
      out += chosen === undefined ? '' : format(chosen, values, lang);
    }
    i = end + 1;
  }
  return out;
}
