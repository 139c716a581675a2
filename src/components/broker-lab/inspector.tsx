/** What the broker in the page holds: sessions (online or not, expiry), subscriptions, queues, in-flight messages, pending wills, retained messages. */
import { useId } from 'react';
import type { BrokerSnapshot } from '../../mqtt/broker/types.ts';
import { payloadText } from '../../mqtt/lab/payload-text.ts';
import { NEVER } from '../../mqtt/lab/types.ts';
import { formatDuration, formatTime } from './format.ts';
import type { LabLabels } from './labels.ts';

export interface InspectorProps {
  snapshot: BrokerSnapshot | null;
  time: number;
  t: LabLabels;
}

export function Inspector({ snapshot, time, t }: InspectorProps) {
  const id = useId();
  return (
    <section className="mqtt-lab__panel" aria-labelledby={`${id}-h`} data-testid="inspector">
      <h3 id={`${id}-h`}>{t.inspector}</h3>
      {snapshot === null ? <p className="mqtt-lab__muted" data-testid="inspector-unavailable">{t.inspectorUnavailable}</p> : <Contents snapshot={snapshot} time={time} t={t} />}
    </section>
  );
}

function Contents({ snapshot, time, t }: { snapshot: BrokerSnapshot; time: number; t: LabLabels }) {
  const text = (payload: Uint8Array) => {
    const p = payloadText(payload);
    return p.printable ? `“${p.text.length > 40 ? `${p.text.slice(0, 39)}…` : p.text}”` : p.text;
  };
  return (
    <>
      <h4>{t.sessions}</h4>
      {snapshot.sessions.length === 0 ? <p className="mqtt-lab__muted">{t.noSessions}</p> : (
        <div className="mqtt-lab__table-scroll" tabIndex={0} role="region" aria-label={t.sessions}>
          <table className="mqtt-lab__sessions" role="table" data-testid="sessions">
            <thead>
              <tr role="row">
                <th scope="col" role="columnheader">{t.colClientId}</th><th scope="col" role="columnheader">{t.colState}</th><th scope="col" role="columnheader">{t.colSubscriptions}</th>
                <th scope="col" role="columnheader">{t.colQueue}</th><th scope="col" role="columnheader">{t.colInflight}</th><th scope="col" role="columnheader">{t.colWill}</th>
              </tr>
            </thead>
            <tbody>
              {snapshot.sessions.map((s) => {
                const connection = snapshot.connections.find((c) => c.connectionId === s.connectionId);
                return (
                  <tr role="row" key={s.clientId} data-client-id={s.clientId}>
                    <th scope="row" role="rowheader"><code>{s.clientId}</code> <small>MQTT {s.protocolVersion === 5 ? '5.0' : '3.1.1'}</small></th>
                    <td role="cell" data-label={t.colState} data-testid={`session-state-${s.clientId}`}>
                      <span className={s.online ? 'mqtt-lab__on' : 'mqtt-lab__off'}>{s.online ? `${t.online} (${s.connectionId})` : t.offline}</span>
                      <br /><small>{s.online
                        ? (s.expiryInterval === 0 ? t.endsWithConnection : s.expiryInterval === NEVER ? t.neverExpires : `expiry ${s.expiryInterval} s`)
                        : s.expiresAt === null ? t.neverExpires : `${t.expiresIn} ${formatDuration(s.expiresAt - time)}`}</small>
                      {connection?.deadline != null && connection.keepAlive > 0 && <><br /><small>{t.keepaliveDeadline} {formatTime(connection.deadline)}</small></>}
                    </td>
                    <td role="cell" data-label={t.colSubscriptions}>{s.subscriptions.length === 0 ? t.none : <ul>{s.subscriptions.map((sub) => <li key={sub.filter}><code>{sub.filter}</code> QoS {sub.qos}{sub.noLocal ? ' NL' : ''}{sub.retainAsPublished ? ' RAP' : ''}{sub.retainHandling ? ` RH${sub.retainHandling}` : ''}</li>)}</ul>}</td>
                    <td role="cell" data-label={t.colQueue} data-testid={`session-queue-${s.clientId}`}>{s.queue.length === 0 ? t.none : <ul>{s.queue.map((q, i) => <li key={i}><code>{q.message.topic}</code> {text(q.message.payload)} QoS {q.qos}{q.message.expiresAt !== null ? ` (${t.expiresIn} ${formatDuration(q.message.expiresAt - time)})` : ''}</li>)}</ul>}</td>
                    <td role="cell" data-label={t.colInflight}>{s.inflightOut.length + s.inflightIn.length === 0 ? t.none : (
                      <ul>
                        {s.inflightOut.map((f) => <li key={`o${f.packetId}`}>→ id {f.packetId} <code>{f.message.topic}</code> QoS {f.qos}, {t.awaiting} {f.awaiting}</li>)}
                        {s.inflightIn.map((f) => <li key={`i${f.packetId}`}>← id {f.packetId}, {t.awaiting} PUBREL</li>)}
                      </ul>
                    )}</td>
                    <td role="cell" data-label={t.colWill}>{s.pendingWill === null ? t.none : <><code>{s.pendingWill.topic}</code> at {formatTime(s.pendingWill.publishAt)} ({t.inTimeShort(s.pendingWill.publishAt - time)})</>}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
      <h4>{t.retained}</h4>
      {snapshot.retained.length === 0 ? <p className="mqtt-lab__muted" data-testid="retained">{t.noRetained}</p> : (
        <ul className="mqtt-lab__retained" data-testid="retained">
          {snapshot.retained.map((m) => (
            <li key={m.topic}><code>{m.topic}</code> {text(m.payload)} QoS {m.qos}{m.publisherClientId !== null ? ` · ${m.publisherClientId}` : ''}{m.expiresAt !== null ? ` · ${t.expiresIn} ${formatDuration(m.expiresAt - time)}` : ''}</li>
          ))}
        </ul>
      )}
    </>
  );
}
