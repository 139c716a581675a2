/**
 * Widget state in the URL hash (`#hex=…&v=5.0&p=2`): the hash never reaches a server, so a link
 * carries the state of a static page. Parsing is defensive: a tampered link yields a usable state
 * plus messages saying what was ignored, never an exception. Problems are catalogue messages
 * (`common.link…`), rendered in the page's language.
 */
import type { Message } from '../i18n/catalogue.ts';
import { versionChoiceOf, type VersionChoice } from './version.ts';

/** Links carry at most this many bytes; larger inputs are not put in a URL. */
export const MAX_SHARE_BYTES = 64 * 1024;

const MAX_SHOWN = 120;
/** A value quoted back to the reader, cut so a hostile link cannot flood the page. */
export const clip = (s: string, max = MAX_SHOWN): string => (s.length > max ? `${s.slice(0, max)}…` : s);

/** The parameters of a hash or query string ('#a=1&b=2', '?a=1', 'a=1'); null when unreadable. */
export function hashParams(hash: string): URLSearchParams | null {
  try {
    return new URLSearchParams(hash.replace(/^[#?]/, ''));
  } catch {
    return null;
  }
}

/** A hash from ordered key/value pairs; undefined values are left out. '' when nothing is set. */
export function buildHash(entries: ReadonlyArray<readonly [string, string | number | undefined]>): string {
  const params = new URLSearchParams();
  for (const [key, value] of entries) if (value !== undefined) params.set(key, String(value));
  const s = params.toString();
  return s === '' ? '' : `#${s}`;
}

export type Parsed<T> = { value: T } | { problem: Message };

/** A `hex=` value: digits (separators `space : . -` allowed), even, at most `maxBytes`. Lower-cased. */
export function parseHexParam(value: string, maxBytes = MAX_SHARE_BYTES): Parsed<string> {
  const clean = value.replace(/[\s:.-]/g, '');
  if (!/^[0-9a-fA-F]*$/.test(clean)) return { problem: { key: 'common.linkBadHex' } };
  if (clean.length % 2 !== 0) return { problem: { key: 'common.linkOddHex', values: { digits: clean.length } } };
  if (clean.length / 2 > maxBytes) return { problem: { key: 'common.linkTooLong', values: { bytes: clean.length / 2, max: maxBytes } } };
  return { value: clean.toLowerCase() };
}

/** A `v=` value: 3.1, 3.1.1, 5.0, auto, or the protocol level 3, 4, 5. */
export function parseVersionParam(value: string): Parsed<VersionChoice> {
  const choice = versionChoiceOf(value);
  return choice === undefined ? { problem: { key: 'common.linkBadVersion', values: { value: clip(value) } } } : { value: choice };
}

/** The first key the page does not know, as a problem (one is enough to say the link was edited). */
export function unknownKeyProblem(params: URLSearchParams, known: ReadonlyArray<string>): Message | null {
  for (const key of params.keys()) if (!known.includes(key)) return { key: 'common.linkUnknownKey', values: { key: clip(key) } };
  return null;
}

// ---------------------------------------------------------------------------------------------
// Browser side (guarded, so models importing this file still run in Node)

/** Puts `hash` in the address bar without a history entry or a hashchange event. */
export function replaceHash(hash: string): void {
  if (typeof window === 'undefined' || window.location.hash === hash) return;
  if (hash === '' && window.location.hash === '') return;
  window.history.replaceState(window.history.state, '', hash === '' ? window.location.pathname + window.location.search : hash);
}

/** The current hash ('' on the server). */
export function currentHash(): string {
  return typeof window === 'undefined' ? '' : window.location.hash;
}
