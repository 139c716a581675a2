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

function pluralRules(lang: Lang): Intl.PluralRules {
  let rules = pluralRulesCache.get(lang);
  if (rules === undefined) pluralRulesCache.set(lang, (rules = new Intl.PluralRules(HTML_LANG[lang])));
  return rules;
}

/**
 * A number as both our languages write it: digits grouped in threes with ',', '.' before at most
 * three fraction digits ('1,234.5'), the same text Intl.NumberFormat gives for 'en' and 'zh-CN'
 * with maximumFractionDigits 3 (a test holds the two equal). Written here rather than through
 * Intl because the first Intl.NumberFormat a page builds loads locale data on the main thread:
 * about 35 ms while every widget hydrates, more than the rest of the formatting together.
 * A language that writes numbers differently gets its own branch here.
 */
export function formatNumber(value: number, _lang: Lang): string {
  if (!Number.isFinite(value)) return Number.isNaN(value) ? 'NaN' : value > 0 ? '∞' : '-∞';
  const sign = value < 0 || Object.is(value, -0) ? '-' : '';
  // The shortest decimal that reads back as this double, as Intl rounds it (1.2345 → 1.235).
  const magnitude = Math.abs(value);
  const decimal = magnitude < 1e-6 ? '0' : String(magnitude).replace(/^(\d)(?:\.(\d+))?e\+(\d+)$/, (_, first: string, rest = '', exponent: string) => (first + rest).padEnd(Number(exponent) + 1, '0'));
  let [whole, fraction = ''] = decimal.split('.') as [string, string?];
  if (fraction.length > 3) {
    const roundUp = fraction.charCodeAt(3) >= 0x35; // '5': half away from zero
    fraction = fraction.slice(0, 3);
    if (roundUp) {
      const digits = (BigInt(whole + fraction) + 1n).toString().padStart(whole.length + 3, '0');
      whole = digits.slice(0, -3);
      fraction = digits.slice(-3);
    }
  }
  fraction = fraction.replace(/0+$/, '');
  const groups: string[] = [];
  for (let end = whole.length; end > 0; end -= 3) groups.unshift(whole.slice(Math.max(0, end - 3), end));
  return `${sign}${groups.join(',')}${fraction === '' ? '' : `.${fraction}`}`;
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
