/**
 * Renders a catalogue sentence whose inserted values are marked (see `translateMarked`): the
 * catalogue's words as text, each value (a topic, a level, a group name the reader typed) in a
 * `translate="no"` span, so page translators keep it and the site gate reads it as data.
 * Everything is rendered as text, never as HTML.
 */
import type { MarkedText as Marked } from '../i18n/catalogue.ts';

interface Props {
  readonly said: Marked;
  /** Applied to values only (e.g. making control characters visible); catalogue words are shown as written. */
  readonly showValue?: (value: string) => string;
}

export default function MarkedText({ said, showValue }: Props) {
  return (
    <>
      {said.parts.map((part, i) => (part.data
        ? <span key={i} translate="no">{showValue === undefined ? part.text : showValue(part.text)}</span>
        : part.text))}
    </>
  );
}
