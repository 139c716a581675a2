/**
 * Starlight gives the page's <h1> the id `_top` (its "Overview" and skip-link target). Pagefind
 * turns every heading with an id into a sub-result, so a search listed each page twice: once as
 * the page (`/`) and once as `/#_top` with the same title. Marking the <h1> as not indexed (it
 * stays the result's title through data-pagefind-meta) makes the text under it belong to the page
 * itself. Throws if Starlight's markup changes, so an upgrade cannot silently undo the fix.
 */
export function keepTitleOutOfSearchSections(html: string): string {
  const heading = /<h1 id="_top"/;
  if (!heading.test(html)) throw new Error('PageTitle/Hero override: no <h1 id="_top"> in Starlight\'s output');
  return html.replace(heading, '<h1 id="_top" data-pagefind-ignore="" data-pagefind-meta="title"');
}
