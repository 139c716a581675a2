import { useCallback, useEffect, useId, useMemo, useRef, useState } from 'react';
import type { QoS } from '../../mqtt/codec/index.ts';
import { replay, type FlowFrame, type QosFlowAction, type QosFlowConfig } from '../../mqtt/simulator/qos-flow.ts';
import { createFlowBroker } from './flow-broker.ts';
import { initialState, moveCursor, parse, perform, serialize, type AnimatorState } from './qos-animator-state.ts';
import { EN, ZH, type AnimatorLabels } from './labels.ts';
import type { Lang } from '../i18n/lang.ts';

export interface QosAnimatorProps {
  /** The page's language. Islands get only serialisable props: the text is chosen in here. */
  lang?: Lang;
  /** Settings to start from when the URL says nothing (a tutorial section sets its own). */
  preset?: Partial<QosFlowConfig>;
  /** Read and write the state in the page URL (the tool page and embeds); off for inline tutorial copies. */
  syncUrl?: boolean;
  /** Where "open in decoder" links point. */
  decoderPath?: string;
}

const SPEEDS = [2000, 1200, 700, 350];

function usePrefersReducedMotion(): boolean {
  const [reduced, setReduced] = useState(false);
  useEffect(() => {
    const query = window.matchMedia('(prefers-reduced-motion: reduce)');
    setReduced(query.matches);
    const listener = () => setReduced(query.matches);
    query.addEventListener('change', listener);
    return () => query.removeEventListener('change', listener);
  }, []);
  return reduced;
}

/** The QoS 0/1/2 handshake animator: every arrow is a real packet between the real broker core and two simulated clients. */
export default function QosAnimator({ lang = 'en', preset, syncUrl = true, decoderPath = '/tools/hex-decoder/' }: QosAnimatorProps) {
  const t: AnimatorLabels = lang === 'zh-cn' ? ZH : EN;
  const narration = lang === 'zh-cn' ? 'zh' : 'en';
  const id = useId();
  const [state, setState] = useState<AnimatorState>(() => initialState(preset));
  const [urlError, setUrlError] = useState<string | null>(null);
  const [playing, setPlaying] = useState(false);
  const [speed, setSpeed] = useState(1);
  const reducedMotion = usePrefersReducedMotion();
  const historyRef = useRef<HTMLOListElement>(null);

  // Read the URL once on mount (the island renders the default first, then the link's state).
  useEffect(() => {
    if (!syncUrl) return;
    const query = window.location.hash.length > 1 ? window.location.hash : window.location.search;
    if (query.length <= 1) return;
    const parsed = parse(query);
    if (parsed.ok) setState(parsed.state);
    else setUrlError(parsed.error);
  }, [syncUrl]);

  useEffect(() => {
    if (!syncUrl) return;
    const hash = `#${serialize(state)}`;
    if (window.location.hash !== hash) window.history.replaceState(null, '', hash);
  }, [state, syncUrl]);

  const flow = useMemo(() => replay(state.config, state.actions.slice(0, state.cursor), createFlowBroker, narration), [state.config, state.actions, state.cursor, narration]);
  const frame: FlowFrame = flow.frames[flow.frames.length - 1]!;
  const history = flow.frames.filter((f) => f.arrow !== null);

  const act = useCallback((action: QosFlowAction) => setState((s) => perform(s, action)), []);
  const forward = useCallback(() => setState((s) => (s.cursor < s.actions.length ? moveCursor(s, s.cursor + 1) : perform(s, { kind: 'step' }))), []);
  const back = useCallback(() => setState((s) => moveCursor(s, s.cursor - 1)), []);
  const restart = useCallback(() => { setPlaying(false); setState((s) => ({ ...s, actions: [], cursor: 0 })); }, []);
  const configure = (change: Partial<QosFlowConfig>) => {
    setPlaying(false);
    setUrlError(null);
    setState((s) => {
      const config = { ...s.config, ...change };
      if (config.version !== 5) delete config.brokerAckCode;
      return { config, actions: [], cursor: 0 };
    });
  };

  // Play: one step per tick until the flow settles.
  useEffect(() => {
    if (!playing) return;
    if (frame.inFlight.length === 0 && state.cursor === state.actions.length) { setPlaying(false); return; }
    const timer = window.setTimeout(forward, SPEEDS[speed]);
    return () => window.clearTimeout(timer);
  }, [playing, frame, speed, forward, state.cursor, state.actions.length]);

  useEffect(() => {
    historyRef.current?.lastElementChild?.scrollIntoView?.({ block: 'nearest', behavior: reducedMotion ? 'auto' : 'smooth' });
  }, [history.length, reducedMotion]);

  const onKeyDown = (event: React.KeyboardEvent) => {
    const target = event.target as HTMLElement;
    if (target.tagName === 'SELECT' || target.tagName === 'INPUT') return;
    const keys: Record<string, () => void> = {
      ArrowRight: forward, ArrowLeft: back, ' ': () => setPlaying((p) => !p), Home: restart,
      d: () => act({ kind: 'fault', fault: 'drop' }), u: () => act({ kind: 'fault', fault: 'duplicate' }), l: () => act({ kind: 'fault', fault: 'delay' }),
    };
    const handler = keys[event.key];
    if (handler !== undefined && !event.altKey && !event.ctrlKey && !event.metaKey) {
      event.preventDefault();
      handler();
    }
  };

  const c = state.config;
  const lanes = [
    { key: 'publisher', label: t.publisher },
    { key: 'broker', label: t.broker },
    { key: 'subscriber', label: t.subscriber },
  ];
  const column = (party: string) => lanes.findIndex((l) => l.key === party);

  return (
    <div className={`mqtt-qos not-content${reducedMotion ? ' mqtt-qos--still' : ''}`} onKeyDown={onKeyDown} data-testid="qos-animator">
      {urlError && <p role="alert" className="mqtt-qos__error">{t.badLink}: {urlError}</p>}
      <fieldset className="mqtt-qos__settings">
        <legend>{t.settings}</legend>
        <label>{t.version}
          <select value={c.version} onChange={(e) => configure({ version: Number(e.target.value) as 4 | 5 })}>
            <option value={4}>3.1.1</option>
            <option value={5}>5.0</option>
          </select>
        </label>
        <label>{t.publishQos}
          <select value={c.publishQos} onChange={(e) => configure({ publishQos: Number(e.target.value) as QoS })} data-testid="publish-qos">
            {[0, 1, 2].map((q) => <option key={q} value={q}>QoS {q}</option>)}
          </select>
        </label>
        <label>{t.subscribeQos}
          <select value={c.subscribeQos} onChange={(e) => configure({ subscribeQos: Number(e.target.value) as QoS })} data-testid="subscribe-qos">
            {[0, 1, 2].map((q) => <option key={q} value={q}>QoS {q}</option>)}
          </select>
        </label>
        <label>{t.session}
          <select value={c.persistent ? 'persistent' : 'clean'} onChange={(e) => configure({ persistent: e.target.value === 'persistent' })}>
            <option value="persistent">{t.persistent}</option>
            <option value="clean">{t.clean}</option>
          </select>
        </label>
        {c.version === 5 && (
          <label>{t.brokerAnswer}
            <select value={c.brokerAckCode ?? 0} onChange={(e) => configure({ brokerAckCode: Number(e.target.value) || undefined })}>
              <option value={0}>{t.ackSuccess}</option>
              <option value={0x10}>0x10 No matching subscribers</option>
              <option value={0x87}>0x87 Not authorized</option>
            </select>
          </label>
        )}
      </fieldset>

      <div className="mqtt-qos__controls" role="toolbar" aria-label={t.controls}>
        <button type="button" onClick={restart} aria-keyshortcuts="Home">{t.restart}</button>
        <button type="button" onClick={back} disabled={state.cursor === 0} aria-keyshortcuts="ArrowLeft">{t.back}</button>
        <button type="button" onClick={forward} aria-keyshortcuts="ArrowRight" data-testid="step">{t.step}</button>
        <button type="button" onClick={() => setPlaying((p) => !p)} aria-pressed={playing} aria-keyshortcuts="Space">{playing ? t.pause : t.play}</button>
        <label>{t.speed}
          <select value={speed} onChange={(e) => setSpeed(Number(e.target.value))}>
            {SPEEDS.map((ms, i) => <option key={ms} value={i}>{t.speeds[i]}</option>)}
          </select>
        </label>
      </div>
      <div className="mqtt-qos__controls" role="toolbar" aria-label={t.faults}>
        <span className="mqtt-qos__group-label">{t.nextPacket}</span>
        <button type="button" onClick={() => act({ kind: 'fault', fault: 'drop' })} aria-pressed={frame.armedFault === 'drop'} aria-keyshortcuts="D" data-testid="fault-drop">{t.drop}</button>
        <button type="button" onClick={() => act({ kind: 'fault', fault: 'duplicate' })} aria-pressed={frame.armedFault === 'duplicate'} aria-keyshortcuts="U">{t.duplicate}</button>
        <button type="button" onClick={() => act({ kind: 'fault', fault: 'delay' })} aria-pressed={frame.armedFault === 'delay'} aria-keyshortcuts="L">{t.delay}</button>
        {(['publisher', 'subscriber'] as const).map((who) => (
          <span key={who} className="mqtt-qos__pair">
            <button type="button" onClick={() => act({ kind: 'cut', client: who })} data-testid={`cut-${who}`}>{who === 'publisher' ? t.cutPublisher : t.cutSubscriber}</button>
            <button type="button" onClick={() => act({ kind: 'reconnect', client: who })} data-testid={`reconnect-${who}`}>{who === 'publisher' ? t.reconnectPublisher : t.reconnectSubscriber}</button>
          </span>
        ))}
      </div>
      <p className="mqtt-qos__hint">{t.keys}</p>

      <div className="mqtt-qos__diagram" role="group" aria-labelledby={`${id}-diagram`}>
        <h3 id={`${id}-diagram`} className="mqtt-qos__sr">{t.diagram}</h3>
        <div className="mqtt-qos__lanes" aria-hidden="true">
          {lanes.map((lane) => <div key={lane.key} className="mqtt-qos__lane-head">{lane.label}</div>)}
        </div>
        <ol className="mqtt-qos__history" ref={historyRef} data-testid="history">
          {history.map((f) => {
            const a = f.arrow!;
            const from = column(a.from);
            const to = column(a.to);
            const current = f.index === frame.index;
            return (
              <li key={f.index} className={`mqtt-qos__row mqtt-qos__row--${a.fate}${current ? ' mqtt-qos__row--current' : ''}`} data-fate={a.fate} data-type={a.type}>
                <a
                  className={`mqtt-qos__arrow ${from < to ? 'mqtt-qos__arrow--right' : 'mqtt-qos__arrow--left'}`}
                  style={{ gridColumn: `${Math.min(from, to) + 1} / ${Math.max(from, to) + 2}` }}
                  href={`${decoderPath}#hex=${a.hex}&v=${c.version === 5 ? '5' : '3.1.1'}`}
                  aria-label={`${t.stepLabel} ${f.index}: ${a.summary}, ${lanes[from]!.label} → ${lanes[to]!.label}, ${t.fates[a.fate]}. ${t.openDecoder}`}
                >
                  <span className="mqtt-qos__label">{a.summary}</span>
                  {a.fate !== 'delivered' && <span className="mqtt-qos__fate">{t.fates[a.fate]}</span>}
                </a>
              </li>
            );
          })}
        </ol>
        {frame.inFlight.length > 0 && (
          <p className="mqtt-qos__wire">{t.onTheWire}: {frame.inFlight.map((p) => `${p.type} ${lanes[column(p.from)]?.label ?? p.from} → ${lanes[column(p.to)]?.label ?? p.to}${p.held ? ` (${t.held})` : ''}`).join(', ')}</p>
        )}
      </div>

      <div className="mqtt-qos__narration" aria-live="polite" data-testid="narration">
        <p className="mqtt-qos__step-count">{t.stepLabel} {state.cursor} / {state.actions.length}</p>
        {frame.notes.map((note, i) => <p key={i}>{note}</p>)}
      </div>

      <div className="mqtt-qos__states">
        <section aria-label={t.publisher} data-testid="state-publisher">
          <h4>{t.publisher} <small>({t.connection[frame.publisher.connection]})</small></h4>
          <p>{t.holding}:</p>
          <ul>{frame.publisher.outgoing.length === 0 ? <li>{t.nothing}</li> : frame.publisher.outgoing.map((m) => <li key={m.packetId}>id {m.packetId} QoS {m.qos}: {t.awaiting} {m.awaiting} ({t.sent} {m.sends}×)</li>)}</ul>
        </section>
        <section aria-label={t.broker} data-testid="state-broker">
          <h4>{t.broker}</h4>
          <p>{t.brokerAwaitingRelease}: {frame.broker.awaitingRelease.length === 0 ? t.none : frame.broker.awaitingRelease.map((n) => `id ${n}`).join(', ')}</p>
          <p>{t.brokerInflight}: {frame.broker.inflightToSubscriber.length === 0 ? t.none : frame.broker.inflightToSubscriber.map((m) => `id ${m.packetId} QoS ${m.qos} (${t.awaiting} ${m.awaiting})`).join(', ')}</p>
          <p>{t.brokerQueued}: {frame.broker.queuedForSubscriber}</p>
          <p>{t.sessions}: {frame.broker.sessions.map((s) => `${s.clientId} (${s.online ? t.online : t.offline})`).join(', ') || t.none}</p>
        </section>
        <section aria-label={t.subscriber} data-testid="state-subscriber">
          <h4>{t.subscriber} <small>({t.connection[frame.subscriber.connection]})</small></h4>
          <p>{t.subscriberAwaitingRelease}: {frame.subscriber.awaitingRelease.length === 0 ? t.none : frame.subscriber.awaitingRelease.map((n) => `id ${n}`).join(', ')}</p>
          <p>{t.delivered}: <strong data-testid="delivery-count">{frame.subscriber.delivered.length}</strong></p>
          <ul>{frame.subscriber.delivered.map((d, i) => <li key={i} className={d.copy > 1 ? 'mqtt-qos__dup' : undefined}>"{new TextDecoder().decode(d.payload)}" QoS {d.qos}{d.dup ? ' DUP' : ''}{d.copy > 1 ? ` — ${t.duplicateDelivery}` : ''}</li>)}</ul>
        </section>
      </div>
    </div>
  );
}
