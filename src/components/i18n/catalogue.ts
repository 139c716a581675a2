/**
 * Every sentence a reader sees in a widget, per language: one keyed catalogue per language
 * (en.ts, zh-cn.ts), a key per sentence, namespaced by the widget or shared module that uses it
 * ('decoder.…', 'builder.…', 'packet.…', 'codec.…', 'topics.…', 'animator.…', 'lab.…', 'common.…').
 * The core (src/mqtt/**) never returns sentences: it returns a Message (key + values), and a view
 * turns it into text here. Islands get only a Lang string as a prop and call `translator(lang)`.
 */
import type { CatalogueKey } from './en.ts';
import { format, formatParts, type FormattedPart, type PartValues, type Values } from './format.ts';
import { toLang, type Lang } from './lang.ts';

export type { CatalogueKey } from './en.ts';
export type { Lang } from './lang.ts';
export type { FormattedPart } from './format.ts';

type Catalogue = Readonly<Record<CatalogueKey, string>>;

async function loadCatalogue(lang: Lang): Promise<Catalogue> {
  return lang === 'zh-cn' ? (await import('./zh-cn.ts')).ZH_CN : (await import('./en.ts')).EN;
}

/**
 * The catalogues this process holds. On the server, in tests and on the command line: every one.
 * In a browser: only the page's language (<html lang>), since a page's widgets speak its language;
 * each catalogue is ~60 kB of JavaScript (gzip ~30 kB), and a widget page used to download and
 * parse both (issue #14). Module evaluation waits for it, so every island hydrates with its text.
 */
const CATALOGUES: Partial<Record<Lang, Catalogue>> = {};
const wanted: readonly Lang[] = typeof document === 'undefined' ? ['en', 'zh-cn'] : [toLang(document.documentElement.lang)];
await Promise.all(wanted.map(async (lang) => { CATALOGUES[lang] = await loadCatalogue(lang); }));
/** A page's widgets speak its language; were one to ask for another, it gets the page's rather than keys. */
const fallback: Catalogue = (CATALOGUES.en ?? CATALOGUES['zh-cn'])!;
const catalogueOf = (lang: Lang): Catalogue => CATALOGUES[lang] ?? fallback;

/** A structured message: what the core returns instead of a sentence. */
export interface Message {
  readonly key: string;
  readonly values?: Values;
}

export type Translate = (key: CatalogueKey, values?: Values) => string;

/** Whether a key exists (for keys built at run time, e.g. from a rule id or an enum value). */
export function hasKey(key: string): key is CatalogueKey {
  return Object.prototype.hasOwnProperty.call(fallback, key);
}

/** The text of `key` in `lang`; an unknown key shows itself (visible in tests, never silent). */
export function translate(lang: Lang, key: string, values?: Values): string {
  const template = hasKey(key) ? catalogueOf(lang)[key] : undefined;
  return template === undefined ? key : format(template, values, lang);
}

export function translator(lang: Lang): Translate {
  return (key, values) => translate(lang, key, values);
}

/** Renders a core Message in `lang`. */
export function say(lang: Lang, message: Message): string {
  return translate(lang, message.key, message.values);
}

/** A sentence with its inserted values marked: `text` to compare and label with, `parts` to render (values as data). */
export interface MarkedText {
  readonly text: string;
  readonly parts: readonly FormattedPart[];
}

/** Like `translate`, with the inserted values kept apart from the catalogue's words. */
export function translateMarked(lang: Lang, key: string, values?: PartValues): MarkedText {
  const template = hasKey(key) ? catalogueOf(lang)[key] : undefined;
  const parts = template === undefined ? [{ text: key, data: false }] : formatParts(template, values, lang);
  return { text: parts.map((part) => part.text).join(''), parts };
}

/** Like `say`, with the inserted values kept apart from the catalogue's words. */
export function sayMarked(lang: Lang, message: Message): MarkedText {
  return translateMarked(lang, message.key, message.values);
}
