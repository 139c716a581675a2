/** What the broker in the page holds: sessions (online or not, expiry), subscriptions, queues, in-flight messages, pending wills, retained messages. */
import { useId } from 'react';
import type { BrokerSnapshot } from '../../mqtt/broker/types.ts';
import { payloadText } from '../../mqtt/lab/payload-text.ts';
import { NEVER } from '../../mqtt/lab/types.ts';
import type { Lang } from '../i18n/lang.ts';
import type { Translate } from '../i18n/catalogue.ts';
import { formatDuration, formatTime } from './text.ts';
import { Data } from './said.tsx';

export interface InspectorProps {
  snapshot: BrokerSnapshot | null;
  time: number;
  t: Translate;
  lang: Lang;
}

export function Inspector({ snapshot, time, t, lang }: InspectorProps) {
  const id = useId();
  return (
    <section className="mqtt-lab__panel" role="group" aria-labelledby={`${id}-h`} data-testid="inspector">
      <h3 id={`${id}-h`}>{t('lab.inspector')}</h3>
      {snapshot === null ? <p className="mqtt-lab__muted" data-testid="inspector-unavailable">{t('lab.inspectorUnavailable')}</p> : <Contents snapshot={snapshot} time={time} t={t} lang={lang} />}
    </section>
  );
}

function Contents({ snapshot, time, t, lang }: { snapshot: BrokerSnapshot; time: number; t: Translate; lang: Lang }) {
  const text = (payload: Uint8Array) => {
    const p = payloadText(payload);
    return p.printable ? `“${p.text.length > 40 ? `${p.text.slice(0, 39)}…` : p.text}”` : p.text;
  };
  return (
    <>
      <h4>{t('lab.sessions')}</h4>
      {snapshot.sessions.length === 0 ? <p className="mqtt-lab__muted">{t('lab.noSessions')}</p> : (
        <div className="mqtt-lab__table-scroll" tabIndex={0} role="group" aria-label={t('lab.sessions')}>
          <table className="mqtt-lab__sessions" role="table" data-testid="sessions">
            <thead>
              <tr role="row">
                <th scope="col" role="columnheader">{t('lab.colClientId')}</th><th scope="col" role="columnheader">{t('lab.colState')}</th><th scope="col" role="columnheader">{t('lab.colSubscriptions')}</th>
                <th scope="col" role="columnheader">{t('lab.colQueue')}</th><th scope="col" role="columnheader">{t('lab.colInflight')}</th><th scope="col" role="columnheader">{t('lab.colWill')}</th>
              </tr>
            </thead>
            <tbody>
              {snapshot.sessions.map((s) => {
                const connection = snapshot.connections.find((c) => c.connectionId === s.connectionId);
                return (
                  <tr role="row" key={s.clientId} data-client-id={s.clientId}>
                    <th scope="row" role="rowheader"><code>{s.clientId}</code> <small>MQTT {s.protocolVersion === 5 ? '5.0' : '3.1.1'}</small></th>
                    <td role="cell" data-label={t('lab.colState')} data-testid={`session-state-${s.clientId}`}>
                      <span className={s.online ? 'mqtt-lab__on' : 'mqtt-lab__off'}>{s.online ? <>{t('lab.online')} (<Data>{s.connectionId ?? ''}</Data>)</> : t('lab.offline')}</span>
                      <br /><small>{s.online
                        ? (s.expiryInterval === 0 ? t('lab.endsWithConnection') : s.expiryInterval === NEVER ? t('lab.neverExpires') : t('lab.expiryOnline', { s: String(s.expiryInterval) }))
                        : s.expiresAt === null ? t('lab.neverExpires') : `${t('lab.expiresIn')} ${formatDuration(s.expiresAt - time, lang)}`}</small>
                      {connection?.deadline != null && connection.keepAlive > 0 && <><br /><small>{t('lab.keepaliveDeadline')} {formatTime(connection.deadline, lang)}</small></>}
                    </td>
                    <td role="cell" data-label={t('lab.colSubscriptions')}>{s.subscriptions.length === 0 ? t('lab.none') : <ul>{s.subscriptions.map((sub) => <li key={sub.filter}><code>{sub.filter}</code> QoS {sub.qos}{sub.noLocal ? ' NL' : ''}{sub.retainAsPublished ? ' RAP' : ''}{sub.retainHandling ? ` RH${sub.retainHandling}` : ''}</li>)}</ul>}</td>
                    <td role="cell" data-label={t('lab.colQueue')} data-testid={`session-queue-${s.clientId}`}>{s.queue.length === 0 ? t('lab.none') : <ul>{s.queue.map((q, i) => <li key={i}><code>{q.message.topic}</code> <Data>{text(q.message.payload)}</Data> QoS {q.qos}{q.message.expiresAt !== null ? ` (${t('lab.expiresIn')} ${formatDuration(q.message.expiresAt - time, lang)})` : ''}</li>)}</ul>}</td>
                    <td role="cell" data-label={t('lab.colInflight')}>{s.inflightOut.length + s.inflightIn.length === 0 ? t('lab.none') : (
                      <ul>
                        {s.inflightOut.map((f) => <li key={`o${f.packetId}`}>→ {t('lab.idItem', { id: String(f.packetId) })} <code>{f.message.topic}</code> QoS {f.qos}, {t('lab.awaiting')} {f.awaiting}</li>)}
                        {s.inflightIn.map((f) => <li key={`i${f.packetId}`}>← {t('lab.idItem', { id: String(f.packetId) })}, {t('lab.awaiting')} PUBREL</li>)}
                      </ul>
                    )}</td>
                    <td role="cell" data-label={t('lab.colWill')}>{s.pendingWill === null ? t('lab.none') : <><code>{s.pendingWill.topic}</code> {t('lab.at', { time: formatTime(s.pendingWill.publishAt, lang) })} ({t('lab.inTimeShort', { s: String(Math.max(0, Math.ceil((s.pendingWill.publishAt - time) / 1000))) })})</>}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
      <h4>{t('lab.retained')}</h4>
      {snapshot.retained.length === 0 ? <p className="mqtt-lab__muted" data-testid="retained">{t('lab.noRetained')}</p> : (
        <ul className="mqtt-lab__retained" data-testid="retained">
          {snapshot.retained.map((m) => (
            <li key={m.topic}><code>{m.topic}</code> <Data>{text(m.payload)}</Data> QoS {m.qos}{m.publisherClientId !== null ? <> · <Data>{m.publisherClientId}</Data></> : ''}{m.expiresAt !== null ? ` · ${t('lab.expiresIn')} ${formatDuration(m.expiresAt - time, lang)}` : ''}</li>
          ))}
        </ul>
      )}
    </>
  );
}
