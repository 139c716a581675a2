/** One lab client: its connect options, the three ways to leave, subscribe, publish, and what its application received. */
import { useId, useState } from 'react';
import type { QoS } from '../../mqtt/codec/index.ts';
import type { LabActions } from './actions.ts';
import { NEVER, type ConnectSpec, type LabClientView, type LabText } from '../../mqtt/lab/types.ts';
import type { Lang } from '../i18n/lang.ts';
import type { CatalogueKey, Translate } from '../i18n/catalogue.ts';
import { formatTime } from './text.ts';
import { Data, Said } from './said.tsx';

export interface ClientCardProps {
  client: LabClientView;
  lab: LabActions;
  t: Translate;
  lang: Lang;
  /** An experiment is running, or another action is in progress. */
  busy: boolean;
  canRemove: boolean;
  topicRoot: string;
  /** Runs a lab action, shows its error, keeps the lab busy meanwhile. */
  act: (label: string, action: () => Promise<unknown> | unknown) => void;
  error: LabText | null;
}

const EXPIRY_CHOICES = [0, 60, 300, 3600, NEVER];

export function ClientCard({ client, lab, t, lang, busy, canRemove, topicRoot, act, error }: ClientCardProps) {
  const id = useId();
  const c = client.config;
  const v5 = c.version === 5;
  const online = client.status === 'online';
  const offline = client.status === 'offline';
  const [filter, setFilter] = useState(`${topicRoot}/#`);
  const [subQos, setSubQos] = useState<QoS>(1);
  const [noLocal, setNoLocal] = useState(false);
  const [rap, setRap] = useState(false);
  const [rh, setRh] = useState<0 | 1 | 2>(0);
  const [topic, setTopic] = useState(`${topicRoot}/news`);
  const [payload, setPayload] = useState('hello');
  const [pubQos, setPubQos] = useState<QoS>(1);
  const [retain, setRetain] = useState(false);
  const [expiry, setExpiry] = useState('');
  const [userProperty, setUserProperty] = useState('');
  const [reason, setReason] = useState(0);
  const [optionsOpen, setOptionsOpen] = useState(false);

  const configure = (change: Partial<ConnectSpec>) => lab.configure(client.label, { ...c, ...change });
  const configureWill = (change: Partial<NonNullable<ConnectSpec['will']>>) => configure({ will: { ...(c.will ?? { topic: `${topicRoot}/status/${c.clientId || client.label.toLowerCase()}`, payload: 'offline', qos: 1, retain: false }), ...change } });

  const publish = () => {
    const expirySeconds = expiry.trim() === '' ? undefined : Number(expiry);
    const property = userProperty.includes('=') ? [[userProperty.slice(0, userProperty.indexOf('=')), userProperty.slice(userProperty.indexOf('=') + 1)] as [string, string]] : undefined;
    act(client.label, () => lab.publish(client.label, { topic, payload, qos: pubQos, retain, messageExpiry: Number.isFinite(expirySeconds) ? expirySeconds : undefined, userProperties: property }));
  };

  const statusText = `${t(`lab.status.${client.status}` as CatalogueKey)}${online && !client.pinging ? `, ${t('lab.silent')}` : ''}`;
  return (
    <section className={`mqtt-lab__client mqtt-lab__client--${client.status}`} role="group" aria-labelledby={`${id}-h`} data-testid={`client-${client.label}`}>
      <header className="mqtt-lab__client-head">
        <h4 id={`${id}-h`}>
          <span className="mqtt-lab__badge" aria-hidden="true">{client.label}</span>
          <span className="mqtt-lab__sr">{t('lab.clientSr', { label: client.label })}</span>
          {c.clientId === '' ? <span className="mqtt-lab__client-id">{t('lab.emptyId')}</span> : <span className="mqtt-lab__client-id" translate="no">{c.clientId}</span>}
        </h4>
        <span className="mqtt-lab__status" data-testid={`status-${client.label}`}>
          <span className="mqtt-lab__dot" aria-hidden="true" />{statusText}
          {client.connectionId !== null && online && <small> (<Data>{client.connectionId}</Data>)</small>}
        </span>
        {canRemove && <button type="button" className="mqtt-lab__small" onClick={() => act(client.label, () => lab.removeClient(client.label))} disabled={busy}>{t('lab.removeClient')}<span className="mqtt-lab__sr"> {client.label}</span></button>}
      </header>
      {(client.sessionPresent !== null || client.assignedClientId !== null) && (
        <p className="mqtt-lab__facts">
          {client.sessionPresent !== null && <>{t('lab.sessionPresent')}: {client.sessionPresent ? 1 : 0}</>}
          {client.assignedClientId !== null && <> · {t('lab.assignedId')}: <code>{client.assignedClientId}</code></>}
        </p>
      )}
      <div aria-live="polite" className="mqtt-lab__client-error-slot">
        {(error ?? client.error) !== null && <p className="mqtt-lab__error" data-testid={`error-${client.label}`}><Said lang={lang} text={(error ?? client.error)!} /></p>}
      </div>

      {/* The options are rendered once opened: fewer nodes to build and hydrate before the reader asks (issue #14). */}
      <details className="mqtt-lab__options" onToggle={(e) => setOptionsOpen(e.currentTarget.open)}>
        <summary>{t('lab.connectOptions')}: MQTT {v5 ? '5.0' : '3.1.1'}, {v5 ? `${t('lab.cleanStart')} ${c.clean ? 1 : 0}` : `${t('lab.cleanSession')} ${c.clean ? 1 : 0}`}, {t('lab.keepaliveShort', { s: String(c.keepalive) })}{c.will !== null ? `, ${t('lab.will')}` : ''}</summary>
        {optionsOpen && (
          <>
          <div className="mqtt-lab__grid">
            <label>{t('lab.clientId')}<input value={c.clientId} maxLength={64} onChange={(e) => configure({ clientId: e.target.value })} spellCheck={false} /></label>
            <label>{t('lab.version')}
              <select value={c.version} onChange={(e) => configure({ version: Number(e.target.value) as 4 | 5 })}>
                <option value={4}>3.1.1</option>
                <option value={5}>5.0</option>
              </select>
            </label>
            <label className="mqtt-lab__check"><input type="checkbox" checked={c.clean} onChange={(e) => configure({ clean: e.target.checked })} />{v5 ? t('lab.cleanStart') : t('lab.cleanSession')}</label>
            {v5 && (
              <label>{t('lab.sessionExpiry')}
                <select value={EXPIRY_CHOICES.includes(c.sessionExpiry) ? c.sessionExpiry : 0} onChange={(e) => configure({ sessionExpiry: Number(e.target.value) })}>
                  {EXPIRY_CHOICES.map((s) => <option key={s} value={s}>{s === NEVER ? t('lab.never') : s}</option>)}
                </select>
              </label>
            )}
            <label>{t('lab.keepalive')}<input type="number" min={0} max={65535} value={c.keepalive} onChange={(e) => configure({ keepalive: clampInt(e.target.value, 0, 65535) })} /></label>
            <label>{t('lab.username')}<input value={c.username} maxLength={64} autoComplete="off" onChange={(e) => configure({ username: e.target.value })} /></label>
            <label>{t('lab.password')}<input type="password" value={c.password} maxLength={64} autoComplete="off" onChange={(e) => configure({ password: e.target.value })} /></label>
          </div>
          <fieldset className="mqtt-lab__will">
            <legend><label className="mqtt-lab__check"><input type="checkbox" checked={c.will !== null} onChange={(e) => (e.target.checked ? configureWill({}) : configure({ will: null }))} />{t('lab.will')}</label></legend>
            {c.will !== null && (
              <div className="mqtt-lab__grid">
                <label>{t('lab.willTopic')}<input value={c.will.topic} maxLength={120} onChange={(e) => configureWill({ topic: e.target.value })} spellCheck={false} /></label>
                <label>{t('lab.willPayload')}<input value={c.will.payload} maxLength={200} onChange={(e) => configureWill({ payload: e.target.value })} /></label>
                <label>{t('lab.willQos')}<QosSelect value={c.will.qos} onChange={(qos) => configureWill({ qos })} /></label>
                <label className="mqtt-lab__check"><input type="checkbox" checked={c.will.retain} onChange={(e) => configureWill({ retain: e.target.checked })} />{t('lab.willRetain')}</label>
                {v5 && <label>{t('lab.willDelay')}<input type="number" min={0} value={c.will.delay ?? 0} onChange={(e) => configureWill({ delay: clampInt(e.target.value, 0, 86_400) })} /></label>}
                {v5 && <label>{t('lab.willExpiry')}<input type="number" min={0} value={c.will.messageExpiry ?? 0} onChange={(e) => configureWill({ messageExpiry: clampInt(e.target.value, 0, 86_400) })} /></label>}
              </div>
            )}
          </fieldset>
          </>
        )}
      </details>

      <div className="mqtt-lab__actions" role="group" aria-label={`${client.label}: ${t('lab.connect')} / ${t('lab.disconnect')}`}>
        <button type="button" onClick={() => act(client.label, () => lab.connect(client.label))} disabled={busy || !offline} data-testid={`connect-${client.label}`}>{t('lab.connect')}</button>
        <button type="button" onClick={() => act(client.label, () => lab.disconnect(client.label, v5 ? { reasonCode: reason } : {}))} disabled={busy || !online} data-testid={`disconnect-${client.label}`}>{t('lab.disconnect')}</button>
        {v5 && (
          <label className="mqtt-lab__inline">{t('lab.disconnectReason')}
            <select value={reason} onChange={(e) => setReason(Number(e.target.value))}>
              <option value={0}>{t('lab.reasonNormal')}</option>
              <option value={4}>{t('lab.reasonWithWill')}</option>
            </select>
          </label>
        )}
        <button type="button" onClick={() => act(client.label, () => lab.drop(client.label))} disabled={busy || !online} data-testid={`drop-${client.label}`}>{t('lab.drop')}</button>
        <button type="button" onClick={() => act(client.label, () => lab.setPinging(client.label, !client.pinging))} disabled={busy || !online || c.keepalive === 0} aria-pressed={online && !client.pinging} data-testid={`silence-${client.label}`}>{t('lab.stopPings')}</button>
      </div>

      {/* method="dialog" outside a dialog never navigates: Enter pressed before hydration cannot reload the page. */}
      <form className="mqtt-lab__row-form" method="dialog" onSubmit={(e) => { e.preventDefault(); act(client.label, () => lab.subscribe(client.label, { filter, qos: subQos, noLocal, retainAsPublished: rap, retainHandling: rh })); }}>
        <label>{t('lab.filter')}<input value={filter} onChange={(e) => setFilter(e.target.value)} required maxLength={200} spellCheck={false} data-testid={`filter-${client.label}`} /></label>
        <label>{t('lab.qos')}<QosSelect value={subQos} onChange={setSubQos} /></label>
        {v5 && (
          <>
            <label className="mqtt-lab__check"><input type="checkbox" checked={noLocal} onChange={(e) => setNoLocal(e.target.checked)} />{t('lab.noLocal')}</label>
            <label className="mqtt-lab__check"><input type="checkbox" checked={rap} onChange={(e) => setRap(e.target.checked)} />{t('lab.retainAsPublished')}</label>
            <label>{t('lab.retainHandling')}
              <select value={rh} onChange={(e) => setRh(Number(e.target.value) as 0 | 1 | 2)}>
                {([0, 1, 2] as const).map((i) => <option key={i} value={i}>{t(`lab.retainHandling.${i}`)}</option>)}
              </select>
            </label>
          </>
        )}
        <button type="submit" disabled={busy || !online} data-testid={`subscribe-${client.label}`}>{t('lab.subscribe')}</button>
      </form>
      {client.subscriptions.length > 0 && (
        <ul className="mqtt-lab__subs">
          {client.subscriptions.map((s) => (
            <li key={s.filter}>
              <code>{s.filter}</code> QoS {s.qos} — {s.granted === null ? t('lab.waiting') : s.granted >= 0x80 ? t('lab.refused') : `${t('lab.granted')} ${s.granted}`}
              <button type="button" className="mqtt-lab__small" onClick={() => act(client.label, () => lab.unsubscribe(client.label, s.filter))} disabled={busy || !online}>{t('lab.unsubscribe')}<span className="mqtt-lab__sr"> {s.filter}</span></button>
            </li>
          ))}
        </ul>
      )}

      <form className="mqtt-lab__row-form" method="dialog" onSubmit={(e) => { e.preventDefault(); publish(); }}>
        <label>{t('lab.topic')}<input value={topic} onChange={(e) => setTopic(e.target.value)} required maxLength={200} spellCheck={false} data-testid={`topic-${client.label}`} /></label>
        <label>{t('lab.payload')}<input value={payload} onChange={(e) => setPayload(e.target.value)} maxLength={2000} data-testid={`payload-${client.label}`} /></label>
        <label>{t('lab.qos')}<QosSelect value={pubQos} onChange={setPubQos} testId={`pubqos-${client.label}`} /></label>
        <label className="mqtt-lab__check"><input type="checkbox" checked={retain} onChange={(e) => setRetain(e.target.checked)} />{t('lab.retain')}</label>
        {v5 && (
          <>
            <label>{t('lab.messageExpiry')}<input type="number" min={1} value={expiry} onChange={(e) => setExpiry(e.target.value)} className="mqtt-lab__narrow" /></label>
            <label>{t('lab.userProperty')}<input value={userProperty} onChange={(e) => setUserProperty(e.target.value)} maxLength={200} placeholder="site=lab" translate="no" /></label>
          </>
        )}
        <button type="submit" disabled={busy || !online} data-testid={`publish-${client.label}`}>{t('lab.publish')}</button>
      </form>

      <div className="mqtt-lab__received">
        <h5>{t('lab.received')} ({client.received.length})</h5>
        {client.received.length === 0 ? <p className="mqtt-lab__muted">{t('lab.nothingYet')}</p> : (
          <ol data-testid={`received-${client.label}`}>
            {client.received.slice(-20).map((m, i) => (
              <li key={`${m.time}-${i}`}>
                <span className="mqtt-lab__time">{formatTime(m.time, lang)}</span> <code>{m.topic}</code> “<Data>{m.payload}</Data>” QoS {m.qos}
                {m.retain && <span className="mqtt-lab__tag">RETAIN</span>}{m.dup && <span className="mqtt-lab__tag">DUP</span>}
                {m.connection > 1 && <small> ({t('lab.connection')} {m.connection})</small>}
                {m.messageExpiry !== undefined && <small> · {t('lab.receivedExpiry', { s: String(m.messageExpiry) })}</small>}
                {m.userProperties !== undefined && <small> · <Data>{m.userProperties.map(([k, val]) => `${k}=${val}`).join(', ')}</Data></small>}
              </li>
            ))}
          </ol>
        )}
      </div>
    </section>
  );
}

function QosSelect({ value, onChange, testId }: { value: QoS; onChange: (q: QoS) => void; testId?: string }) {
  return (
    <select value={value} onChange={(e) => onChange(Number(e.target.value) as QoS)} data-testid={testId}>
      <option value={0}>0</option>
      <option value={1}>1</option>
      <option value={2}>2</option>
    </select>
  );
}

function clampInt(raw: string, min: number, max: number): number {
  const n = Math.floor(Number(raw));
  if (!Number.isFinite(n)) return min;
  return Math.min(max, Math.max(min, n));
}
