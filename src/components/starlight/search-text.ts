/**
 * The words of Pagefind's search UI, from the site's catalogue, in the page's language.
 *
 * Pagefind's UI is meant to pick its own translation from <html lang>, but the npm build of
 * @pagefind/default-ui (1.5) carries Svelte's server-side onMount, a no-op, so that choice never
 * runs and a Chinese page said "34 results for 保留". Starlight hands the UI only its placeholder.
 * So Search.astro writes every string the UI shows into the `data-translations` attribute that
 * site-search.ts passes to PagefindUI.
 */
import { translate, type CatalogueKey, type Lang } from '../i18n/catalogue.ts';

/** Every string Pagefind's UI (1.5) looks up, by its own names. */
export const PAGEFIND_STRINGS = [
  'placeholder', 'clear_search', 'load_more', 'search_label', 'filters_label', 'zero_results', 'many_results', 'one_result',
  'total_zero_results', 'total_one_result', 'total_many_results', 'alt_search', 'search_suggestion', 'searching', 'results_label',
  'keyboard_navigate', 'keyboard_select', 'keyboard_clear', 'keyboard_close', 'keyboard_search', 'error_search',
  'filter_selected_one', 'filter_selected_many', 'input_hint', 'loading',
] as const;

export function pagefindTranslations(lang: Lang): Record<string, string> {
  return Object.fromEntries(PAGEFIND_STRINGS.map((name) => [name, translate(lang, `search.${name}` satisfies CatalogueKey)]));
}

const escapeAttribute = (text: string): string => text.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');

/**
 * Replaces the `data-translations` attribute of Starlight's `site-search` element. Throws when it
 * is not there exactly once, so a Starlight upgrade that moves it cannot silently bring the English
 * strings back.
 */
export function withPagefindTranslations(html: string, translations: Record<string, string>): string {
  const attribute = /(<site-search\b[^>]*?\sdata-translations=)"[^"]*"/g;
  const found = html.match(attribute) ?? [];
  if (found.length !== 1) throw new Error(`Search override: expected one data-translations attribute on <site-search>, found ${found.length}`);
  return html.replace(attribute, (_, start: string) => `${start}"${escapeAttribute(JSON.stringify(translations))}"`);
}
