/** The lab's words in the page's language: core messages, times and durations. */
import { hasKey, translate, translateMarked, type FormattedPart } from '../i18n/catalogue.ts';
import type { Lang } from '../i18n/lang.ts';
import type { LabMessage, LabText } from '../../mqtt/lab/types.ts';

/**
 * Renders what the lab's core returns: a message (key + values), or outside text (an MQTT.js
 * error) as it is. A value that is itself a `lab.` key (a link problem inside "the link's broker
 * URL cannot be used: …") is rendered first, with the same values.
 */
export function labSay(lang: Lang, text: LabText): string {
  if (typeof text === 'string') return text;
  if (Array.isArray(text)) return (text as readonly LabMessage[]).map((part) => labSay(lang, part)).join('');
  const message = text as LabMessage;
  const values: Record<string, string | number | boolean> = { ...message.values };
  for (const [name, value] of Object.entries(values)) {
    if (typeof value === 'string' && value.startsWith('lab.') && hasKey(value)) values[name] = translate(lang, value, message.values);
  }
  return translate(lang, message.key, values);
}

/** A run of lab text: catalogue words, or a value from outside the catalogue (`data`). */
export type LabPart = FormattedPart;

/**
 * Like `labSay`, with the values kept apart from the catalogue's words (the catalogue's own
 * `translateMarked`): client ids, topics, payloads, reason-code names and library messages are
 * data, which the view renders in translate="no" spans (said.tsx); outside text (an MQTT.js
 * error) is data as a whole; a nested `lab.` key is catalogue text with its own values marked.
 */
export function labMarked(lang: Lang, text: LabText): LabPart[] {
  if (typeof text === 'string') return [{ text, data: true }];
  if (Array.isArray(text)) return (text as readonly LabMessage[]).flatMap((part) => labMarked(lang, part));
  const message = text as LabMessage;
  const values: Record<string, string | number | boolean | readonly FormattedPart[]> = { ...message.values };
  for (const [name, value] of Object.entries(values)) {
    if (typeof value === 'string' && value.startsWith('lab.') && hasKey(value)) values[name] = translateMarked(lang, value, message.values).parts;
  }
  return [...translateMarked(lang, message.key, values).parts];
}

/** Lab time: "12.000 s" (12.000 秒), or "2:05.000" past a minute. */
export function formatTime(ms: number, lang: Lang): string {
  const seconds = ms / 1000;
  if (seconds < 60) return translate(lang, 'lab.time', { t: seconds.toFixed(3) });
  const minutes = Math.floor(seconds / 60);
  const rest = seconds - minutes * 60;
  return `${minutes}:${rest.toFixed(3).padStart(6, '0')}`;
}

/** A duration for countdowns: "42 s", "3 min 20 s", "1 h 0 min" (42 秒, 3 分 20 秒, 1 小时 0 分). */
export function formatDuration(ms: number, lang: Lang): string {
  const total = Math.max(0, Math.ceil(ms / 1000));
  if (total < 60) return translate(lang, 'lab.duration.short.s', { s: String(total) });
  if (total < 3600) return translate(lang, 'lab.duration.short.ms', { m: String(Math.floor(total / 60)), s: String(total % 60) });
  return translate(lang, 'lab.duration.short.hm', { h: String(Math.floor(total / 3600)), m: String(Math.floor((total % 3600) / 60)) });
}

/** The error a lab action threw: a LabError's message, or the error's own words. */
export function errorText(error: unknown): LabText {
  const text = (error as { text?: LabText } | null)?.text;
  if (text !== undefined) return text;
  return error instanceof Error ? error.message : String(error);
}
