/**
 * Every sentence a reader sees in a widget, per language: one keyed catalogue per language
 * (en.ts, zh-cn.ts), a key per sentence, namespaced by the widget or shared module that uses it
 * ('decoder.…', 'builder.…', 'packet.…', 'codec.…', 'topics.…', 'animator.…', 'lab.…', 'common.…').
 * The core (src/mqtt/**) never returns sentences: it returns a Message (key + values), and a view
 * turns it into text here. Islands get only a Lang string as a prop and call `translator(lang)`.
 */
import { EN, type CatalogueKey } from './en.ts';
import { ZH_CN } from './zh-cn.ts';
import { format, formatParts, type FormattedPart, type PartValues, type Values } from './format.ts';
import type { Lang } from './lang.ts';

export type { CatalogueKey } from './en.ts';
export type { Lang } from './lang.ts';
export type { FormattedPart } from './format.ts';

const CATALOGUES: Readonly<Record<Lang, Readonly<Record<CatalogueKey, string>>>> = { en: EN, 'zh-cn': ZH_CN };

/** A structured message: what the core returns instead of a sentence. */
export interface Message {
  readonly key: string;
  readonly values?: Values;
}

export type Translate = (key: CatalogueKey, values?: Values) => string;

/** Whether a key exists (for keys built at run time, e.g. from a rule id or an enum value). */
export function hasKey(key: string): key is CatalogueKey {
  return Object.prototype.hasOwnProperty.call(EN, key);
}

/** The text of `key` in `lang`; an unknown key shows itself (visible in tests, never silent). */
export function translate(lang: Lang, key: string, values?: Values): string {
  const template = hasKey(key) ? CATALOGUES[lang][key] : undefined;
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
  const template = hasKey(key) ? CATALOGUES[lang][key] : undefined;
  const parts = template === undefined ? [{ text: key, data: false }] : formatParts(template, values, lang);
  return { text: parts.map((part) => part.text).join(''), parts };
}

/** Like `say`, with the inserted values kept apart from the catalogue's words. */
export function sayMarked(lang: Lang, message: Message): MarkedText {
  return translateMarked(lang, message.key, message.values);
}
