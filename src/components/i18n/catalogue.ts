/**
 * Every sentence a reader sees in a widget, per language: one keyed catalogue per language
 * (en.ts, zh-cn.ts), a key per sentence, namespaced by the widget or shared module that uses it
 * ('decoder.…', 'builder.…', 'packet.…', 'codec.…', 'topics.…', 'animator.…', 'lab.…', 'common.…').
 * The core (src/mqtt/**) never returns sentences: it returns a Message (key + values), and a view
 * turns it into text here. Islands get only a Lang string as a prop and call `translator(lang)`.
 */
import { EN, type CatalogueKey } from './en.ts';
import { ZH_CN } from './zh-cn.ts';
import { format, type Values } from './format.ts';
import type { Lang } from './lang.ts';

export type { CatalogueKey } from './en.ts';
export type { Lang } from './lang.ts';

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
