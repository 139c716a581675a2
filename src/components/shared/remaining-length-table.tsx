/**
 * The walk through a variable byte integer, one row per byte: the byte, its bits with the
 * continuation bit set apart, its 7-bit group, what it is worth and the running value.
 * Shown by the remaining-length calculator and by the packet builder.
 */
import type { VariableByteIntegerStep } from '../../mqtt/codec/index.ts';
import { translator } from '../i18n/catalogue.ts';
import { formatNumber } from '../i18n/format.ts';
import type { Lang } from '../i18n/lang.ts';
import { hex0x, toBinary } from './hex.ts';
import './shared.css';

export interface RemainingLengthTableProps {
  lang: Lang;
  steps: ReadonlyArray<VariableByteIntegerStep>;
  className?: string;
}

export default function RemainingLengthTable({ lang, steps, className }: RemainingLengthTableProps) {
  const t = translator(lang);
  return (
    <div className="mqtt-rlt__scroll" tabIndex={0}>
      <table className={`mqtt-rlt${className ? ` ${className}` : ''}`} data-testid="rl-table">
        <thead>
          <tr>
            <th scope="col">{t('common.rlByte')}</th><th scope="col">{t('common.rlBinary')}</th><th scope="col">{t('common.rlMore')}</th>
            <th scope="col">{t('common.rlGroup')}</th><th scope="col">{t('common.rlWorth')}</th><th scope="col">{t('common.rlRunning')}</th>
          </tr>
        </thead>
        <tbody>
          {steps.map((s) => {
            const bin = toBinary(s.byte);
            return (
              <tr key={s.index}>
                <td><code>{hex0x(s.byte)}</code></td>
                <td><code><span className="mqtt-rlt__cbit">{bin[0]}</span>{bin.slice(1)}</code></td>
                <td>{s.continuation ? t('common.yes') : t('common.no')}</td>
                <td>{s.group}</td>
                <td>{s.group} × {formatNumber(s.multiplier, lang)}</td>
                <td>{formatNumber(s.runningValue, lang)}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
