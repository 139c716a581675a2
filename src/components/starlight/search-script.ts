/**
 * Takes Starlight's search script out of its Search component's HTML: site-search.ts defines the
 * `site-search` element instead, building Pagefind's UI only when a reader reaches for search.
 * Throws when the script tag is not there, so a Starlight upgrade that moves it cannot leave two
 * definitions of the element (the second would throw in the browser) or none.
 */
export function dropStarlightSearchScript(html: string): string {
  // Built: /_astro/Search.astro_astro_type_script_index_0_lang.<hash>.js; in `astro dev`:
  // /node_modules/@astrojs/starlight/…/Search.astro?astro&type=script&index=0&lang.ts.
  const tag = /<script type="module" src="[^"]*\/Search\.astro(?:_astro_type_script|\?astro&(?:amp;)?type=script)[^"]*"><\/script>/g;
  const found = html.match(tag) ?? [];
  if (found.length !== 1) throw new Error(`Search override: expected one Starlight search <script> in the Search output, found ${found.length}`);
  return html.replace(tag, '');
}
