/**
 * A field's name in the reader's language. The codec names each annotated field in its span; the
 * catalogue's `codec.field.*` entries (keyed by the field's generalised path) say it in each
 * language. A path the catalogue does not know keeps the codec's own label.
 */
import { hasKey, translate } from '../i18n/catalogue.ts';
import type { Lang } from '../i18n/lang.ts';

export function fieldLabel(lang: Lang, path: string, fallback: string): string {
  const key = `codec.field.${path.replace(/\[\d+\]/g, '[n]')}`;
  return hasKey(key) ? translate(lang, key) : fallback;
}
