import { useId, useState } from 'react';
import { fromBytes, fromValue, toBinary, type RemainingLengthView } from './remaining-length-model.ts';

const EN = {
  valueLabel: 'Remaining length in bytes',
  bytesLabel: 'Or the encoded bytes (hex)',
  byte: 'Byte',
  binary: 'Binary',
  group: '7-bit group',
  continuation: 'More follows?',
  worth: 'Worth',
  total: 'Running value',
  yes: 'yes',
  no: 'no',
  encodesAs: 'is encoded as',
  decodesTo: 'decodes to',
};

export default function RemainingLength({ labels }: { labels?: Partial<typeof EN> }) {
  const t = { ...EN, ...labels };
  const id = useId();
  const [mode, setMode] = useState<'value' | 'bytes'>('value');
  const [valueText, setValueText] = useState('321');
  const [bytesText, setBytesText] = useState('c1 02');
  const view: RemainingLengthView = mode === 'value' ? fromValue(valueText) : fromBytes(bytesText);

  return (
    <div className="mqtt-rl not-content" data-widget="remaining-length" data-pagefind-ignore="">
      <div className="mqtt-rl__inputs">
        <div>
          <label htmlFor={`${id}-v`}>{t.valueLabel}</label>
          <input id={`${id}-v`} inputMode="numeric" value={valueText} onFocus={() => setMode('value')} onChange={(e) => { setMode('value'); setValueText(e.target.value); }} />
        </div>
        <div>
          <label htmlFor={`${id}-b`}>{t.bytesLabel}</label>
          <input id={`${id}-b`} spellCheck={false} value={bytesText} onFocus={() => setMode('bytes')} onChange={(e) => { setMode('bytes'); setBytesText(e.target.value); }} />
        </div>
      </div>
      <p aria-live="polite" className="mqtt-rl__summary" data-testid="rl-summary">
        {view.ok
          ? mode === 'value'
            ? <><strong>{view.value}</strong> {t.encodesAs} <code>{view.bytes.map((b) => b.toString(16).padStart(2, '0')).join(' ')}</code></>
            : <><code>{view.bytes.map((b) => b.toString(16).padStart(2, '0')).join(' ')}</code> {t.decodesTo} <strong>{view.value}</strong></>
          : <span role="alert">{view.problem}{view.rule && <> (<code>{view.rule}</code>)</>}</span>}
      </p>
      {view.steps.length > 0 && (
        <div className="mqtt-rl__scroll">
          <table>
            <thead>
              <tr><th scope="col">{t.byte}</th><th scope="col">{t.binary}</th><th scope="col">{t.continuation}</th><th scope="col">{t.group}</th><th scope="col">{t.worth}</th><th scope="col">{t.total}</th></tr>
            </thead>
            <tbody>
              {view.steps.map((s) => (
                <tr key={s.index}>
                  <td><code>0x{s.byte.toString(16).padStart(2, '0')}</code></td>
                  <td><code><span className="mqtt-rl__cbit">{toBinary(s.byte)[0]}</span>{toBinary(s.byte).slice(1)}</code></td>
                  <td>{s.continuation ? t.yes : t.no}</td>
                  <td>{s.group}</td>
                  <td>{s.group} × {s.multiplier.toLocaleString('en')}</td>
                  <td>{s.runningValue.toLocaleString('en')}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}
