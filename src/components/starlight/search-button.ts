/**
 * Starlight's search button is named by aria-label="Search" but also shows "Ctrl K", so its
 * accessible name does not contain its visible text (WCAG 2.5.3 Label in Name; axe
 * `label-content-name-mismatch`). This names the button by its own text instead:
 * - the aria-label goes;
 * - the visible label (shown from the md breakpoint) stops being aria-hidden, and a copy that is
 *   only visually hidden names the icon-only button on narrow screens;
 * - the key caps are hidden from assistive technology, which hears the shortcut from
 *   aria-keyshortcuts.
 * It edits only the opening button (not the dialog, which keeps its aria-label) and throws when
 * Starlight's markup no longer looks as expected, so an upgrade cannot silently undo the fix.
 */
export function nameSearchButtonByItsText(html: string): string {
  // Attributes are matched wherever they sit in a tag: `astro dev` adds its own
  // (data-astro-source-file, data-astro-source-loc) to every element.
  const opening = /<button\b[^>]*\bdata-open-modal\b[^>]*>/.exec(html);
  if (opening === null) throw new Error('Search override: no <button data-open-modal> in Starlight\'s Search output');
  const start = opening.index;
  const end = html.indexOf('</button>', start);
  if (end < 0) throw new Error('Search override: the search button is not closed');
  let button = html.slice(start, end);
  const label = /\saria-label="[^"]*"/.exec(opening[0]);
  if (label === null) throw new Error('Search override: the search button has no aria-label to replace');
  button = opening[0].replace(label[0], '') + button.slice(opening[0].length);
  const span = /<span\b([^>]*?)\sclass="sl-hidden md:sl-block([^"]*)"([^>]*)>([^<]*)<\/span>/.exec(button);
  if (span === null || !/\saria-hidden="true"/.test(span[1]! + span[3]!)) throw new Error('Search override: the search button\'s visible label changed shape');
  const [whole, before, scope, after, text] = span;
  const attributes = `${before}${after}`.replace(/\saria-hidden="true"/, '');
  button = button.replace(whole, `<span class="sl-hidden md:sl-block${scope}"${attributes}>${text}</span><span class="sr-only md:sl-hidden${scope}">${text}</span>`);
  const keyCaps = /<kbd\b/.exec(button);
  if (keyCaps === null) throw new Error('Search override: the search button has no key caps');
  button = `${button.slice(0, keyCaps.index)}<kbd aria-hidden="true"${button.slice(keyCaps.index + '<kbd'.length)}`;
  return html.slice(0, start) + button + html.slice(end);
}
