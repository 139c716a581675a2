/**
 * The remaining-length calculator: a length in, its variable byte integer out (or bytes in, the
 * length out), with the walk through each byte in the shared table. Text from the catalogue
 * ('builder.rl.…'); the island takes only the page's language.
 */
import { useId, useState } from 'react';
import { say, translator } from '../i18n/catalogue.ts';
import type { Lang } from '../i18n/lang.ts';
import RemainingLengthTable from '../shared/remaining-length-table.tsx';
import { hexSpaced } from '../shared/hex.ts';
import { fromBytes, fromValue, type RemainingLengthView } from './remaining-length-model.ts';

export interface RemainingLengthProps {
  lang?: Lang;
}

export default function RemainingLength({ lang = 'en' }: RemainingLengthProps) {
  const t = translator(lang);
  const id = useId();
  const [mode, setMode] = useState<'value' | 'bytes'>('value');
  const [valueText, setValueText] = useState('321');
  const [bytesText, setBytesText] = useState('c1 02');
  const view: RemainingLengthView = mode === 'value' ? fromValue(valueText) : fromBytes(bytesText);
  const bytes = hexSpaced(view.bytes);

  return (
    <div className="mqtt-rl not-content" data-widget="remaining-length" data-pagefind-ignore="" role="group" aria-label={t('builder.rl.widgetLabel')} data-testid="remaining-length">
      <div className="mqtt-rl__inputs">
        <div>
          <label htmlFor={`${id}-v`}>{t('builder.rl.valueLabel')}</label>
          <input id={`${id}-v`} inputMode="numeric" value={valueText} onFocus={() => setMode('value')} onChange={(e) => { setMode('value'); setValueText(e.target.value); }} />
        </div>
        <div>
          <label htmlFor={`${id}-b`}>{t('builder.rl.bytesLabel')}</label>
          <input id={`${id}-b`} spellCheck={false} value={bytesText} onFocus={() => setMode('bytes')} onChange={(e) => { setMode('bytes'); setBytesText(e.target.value); }} />
        </div>
      </div>
      <p aria-live="polite" className="mqtt-rl__summary" data-testid="rl-summary">
        {view.ok
          ? t(mode === 'value' ? 'builder.rl.encodesAs' : 'builder.rl.decodesTo', { value: view.value ?? 0, bytes })
          : <span role="alert">{view.problem !== null && say(lang, view.problem)}{view.rule && <> (<code>{view.rule}</code>)</>}</span>}
      </p>
      {view.steps.length > 0 && <RemainingLengthTable lang={lang} steps={view.steps} />}
    </div>
  );
}
