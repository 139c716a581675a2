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
  const start = html.indexOf('<button data-open-modal');
  const end = html.indexOf('</button>', start);
  if (start < 0 || end < 0) throw new Error('Search override: no <button data-open-modal> in Starlight\'s Search output');
  let button = html.slice(start, end);
  const label = /\saria-label="([^"]*)"/.exec(button.slice(0, button.indexOf('>')));
  if (label === null) throw new Error('Search override: the search button has no aria-label to replace');
  button = button.replace(label[0], '');
  const span = /<span class="sl-hidden md:sl-block([^"]*)" aria-hidden="true">([^<]*)<\/span>/.exec(button);
  if (span === null) throw new Error('Search override: the search button\'s visible label changed shape');
  const [whole, scope, text] = span;
  button = button.replace(whole, `<span class="sl-hidden md:sl-block${scope}">${text}</span><span class="sr-only md:sl-hidden${scope}">${text}</span>`);
  if (!button.includes('<kbd class="')) throw new Error('Search override: the search button has no key caps');
  button = button.replace('<kbd class="', '<kbd aria-hidden="true" class="');
  return html.slice(0, start) + button + html.slice(end);
}
