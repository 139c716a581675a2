/** The packet log: one row per packet (with a link to its bytes in the decoder) and per broker decision. */
import { useEffect, useId, useRef, useState } from 'react';
import type { LogEntry } from '../../mqtt/lab/types.ts';
import type { Lang } from '../i18n/lang.ts';
import type { CatalogueKey, Translate } from '../i18n/catalogue.ts';
import { decoderHref } from './format.ts';
import { formatTime } from './text.ts';
import { Said } from './said.tsx';

export interface PacketLogProps {
  log: LogEntry[];
  labels: string[];
  t: Translate;
  lang: Lang;
  decoderPath: string;
  remote: boolean;
}

const MAX_ROWS = 400;

export function PacketLog({ log, labels, t, lang, decoderPath, remote }: PacketLogProps) {
  const id = useId();
  const [showDecisions, setShowDecisions] = useState(true);
  const [only, setOnly] = useState('');
  const [clearedAt, setClearedAt] = useState(0);
  const scroller = useRef<HTMLDivElement>(null);
  const stick = useRef(true);

  const rows = log.filter((e) => e.seq > clearedAt && (showDecisions || e.kind === 'packet') && (only === '' || e.label === only)).slice(-MAX_ROWS);

  useEffect(() => {
    const el = scroller.current;
    if (el !== null && stick.current) el.scrollTop = el.scrollHeight;
  }, [rows.length, rows[rows.length - 1]?.seq]);

  return (
    <section className="mqtt-lab__panel" role="group" aria-labelledby={`${id}-h`}>
      <h3 id={`${id}-h`}>{t('lab.log')}</h3>
      <p className="mqtt-lab__hint">{remote ? t('lab.logHintRemote') : t('lab.logHint')}</p>
      <div className="mqtt-lab__toolbar">
        {!remote && <label className="mqtt-lab__check"><input type="checkbox" checked={showDecisions} onChange={(e) => setShowDecisions(e.target.checked)} />{t('lab.showDecisions')}</label>}
        <label className="mqtt-lab__inline">{t('lab.onlyClient')}
          <select value={only} onChange={(e) => setOnly(e.target.value)}>
            <option value="">{t('lab.allClients')}</option>
            {labels.map((l) => <option key={l} value={l}>{l}</option>)}
          </select>
        </label>
        <button type="button" className="mqtt-lab__small" onClick={() => setClearedAt(log[log.length - 1]?.seq ?? 0)}>{t('lab.clearLog')}</button>
      </div>
      <div
        className="mqtt-lab__log-scroll" ref={scroller} tabIndex={0} role="group" aria-label={t('lab.log')}
        onScroll={(e) => { const el = e.currentTarget; stick.current = el.scrollHeight - el.scrollTop - el.clientHeight < 24; }}
      >
        {rows.length === 0 ? <p className="mqtt-lab__muted">{t('lab.emptyLog')}</p> : (
          <table className="mqtt-lab__log" role="table" data-testid="packet-log">
            <thead>
              <tr role="row"><th scope="col" role="columnheader">{t('lab.colTime')}</th><th scope="col" role="columnheader">{t('lab.colClient')}</th><th scope="col" role="columnheader">{t('lab.colDir')}</th><th scope="col" role="columnheader">{t('lab.colType')}</th><th scope="col" role="columnheader">{t('lab.colSummary')}</th></tr>
            </thead>
            <tbody>
              {rows.map((e) => (
                <tr role="row" key={e.seq} className={`mqtt-lab__log-row mqtt-lab__log-row--${e.kind}${e.direction ? ` mqtt-lab__log-row--${e.direction}` : ''}`} data-kind={e.kind} data-type={e.type} data-label={e.label ?? ''} data-direction={e.direction ?? ''}>
                  <td role="cell" className="mqtt-lab__time">{formatTime(e.time, lang)}</td>
                  <td role="cell">{e.label ?? '—'}</td>
                  <td role="cell" className="mqtt-lab__dir">{e.direction === 'to-broker' ? t('lab.toBroker') : e.direction === 'to-client' ? t('lab.toClient') : e.kind === 'event' ? t('lab.decision') : t('lab.note')}</td>
                  <td role="cell">{e.hex !== null
                    ? <a href={decoderHref(decoderPath, e.hex, e.version)} target="_blank" rel="noopener" aria-label={t('lab.openInDecoder', { type: e.type, seq: String(e.seq) })} title={t('lab.bytes', { n: e.length })}>{e.type}</a>
                    : <span className="mqtt-lab__event-type">{e.kind === 'event' ? t(`lab.event.${e.type}.name` as CatalogueKey) : ''}</span>}</td>
                  <td role="cell" className="mqtt-lab__summary"><Said lang={lang} text={e.summary} /></td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </div>
    </section>
  );
}
