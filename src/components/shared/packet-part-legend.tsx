/**
 * The key to the packet-part colours (src/styles/packet-parts.css): a swatch and the part's name
 * in the page's language, so the colours are never the only way to tell the parts apart. Shown
 * wherever a coloured packet is: inside the shared annotated packet (decoder, builder) and on
 * the packet reference pages, where Astro renders it to static HTML with no script.
 */
import { translator } from '../i18n/catalogue.ts';
import type { Lang } from '../i18n/lang.ts';

/** In wire order; the names match the --mqtt-part-* custom properties. */
const PARTS = ['fixed-header', 'variable-header', 'properties', 'payload'] as const;
const KEYS = {
  'fixed-header': 'packet.part.fixedHeader',
  'variable-header': 'packet.part.variableHeader',
  properties: 'packet.part.properties',
  payload: 'packet.part.payload',
} as const;

export default function PacketPartLegend({ lang }: { lang: Lang }) {
  const t = translator(lang);
  return (
    <ul className="mqtt-part-legend" aria-label={t('packet.part.legend')} data-testid="packet-part-legend">
      {PARTS.map((part) => (
        <li key={part} className={`mqtt-part-legend__item mqtt-part-legend__item--${part}`}>
          <span className="mqtt-part-legend__swatch" aria-hidden="true" />
          {t(KEYS[part])}
        </li>
      ))}
    </ul>
  );
}
