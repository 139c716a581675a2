/**
 * A lab message rendered for reading: the catalogue's words as text, the values it carries (client
 * ids, topics, payloads, reason-code names, a library's own message) in translate="no" spans, the
 * HTML way to mark data, so a page translator leaves them alone and the Chinese page's check
 * (test/support/widget-checks.ts) reads them as data, not as untranslated UI. Text only, never HTML.
 */
import type { Lang } from '../i18n/lang.ts';
import type { LabText } from '../../mqtt/lab/types.ts';
import { labMarked } from './text.ts';

export function Said({ lang, text }: { lang: Lang; text: LabText }) {
  return <>{labMarked(lang, text).map((part, i) => (part.data ? <span key={i} translate="no">{part.text}</span> : part.text))}</>;
}

/** Data shown as it is (a payload, a client id): kept out of page translation. */
export function Data({ children }: { children: string | number }) {
  return <span translate="no">{children}</span>;
}
