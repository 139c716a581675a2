/**
 * The site's languages, spelled one way. A page's locale segment ('' or 'zh-cn') is the Lang;
 * `htmlLang` is what <html lang> and Intl use. Adding a language: one entry here, one catalogue
 * file beside this one, one line in catalogue.ts.
 */
export const LANGS = ['en', 'zh-cn'] as const;
export type Lang = (typeof LANGS)[number];

export const HTML_LANG: Readonly<Record<Lang, string>> = { en: 'en', 'zh-cn': 'zh-CN' };

/** Any spelling a caller may hold ('zh', 'zh-CN', 'zh_cn', undefined) to a Lang; unknown is English. */
export function toLang(value: string | null | undefined): Lang {
  const v = (value ?? '').toLowerCase().replace('_', '-');
  if (v === 'zh' || v.startsWith('zh-')) return 'zh-cn';
  return 'en';
}

/** The Lang of a site path: '/zh-cn/…' is Chinese, everything else English. */
export function langOfPath(pathname: string): Lang {
  return /^\/zh-cn(\/|$)/.test(pathname) ? 'zh-cn' : 'en';
}

/** The path prefix of a language's pages: '' for English (the root locale), '/zh-cn' for Chinese. */
export function pathPrefix(lang: Lang): string {
  return lang === 'en' ? '' : `/${lang}`;
}
