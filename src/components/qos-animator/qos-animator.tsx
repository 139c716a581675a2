import { useCallback, useEffect, useId, useMemo, useRef, useState } from 'react';
import type { QoS } from '../../mqtt/codec/index.ts';
import { replay, type FlowFrame, type QosFlowAction, type QosFlowConfig } from '../../mqtt/simulator/qos-flow.ts';
import { createFlowBroker } from './flow-broker.ts';
import { canStepForward, initialState, moveCursor, parse, perform, serialize, type AnimatorState } from './qos-animator-state.ts';
import { say, translator, type Message } from '../i18n/catalogue.ts';
import type { Lang } from '../i18n/lang.ts';
import { renderFlow } from './text.ts';
import { useUrlHash } from '../shared/use-url-hash.ts';
import './qos-animator.css';
import { emitEmbedEvent } from '../shared/embed/events.ts';
import { isReplayHash, parseReplay, serializeReplay, type ReplayState } from './capture-replay.ts';
import ReplayView from './capture-replay-view.tsx';
import { PlaybackControls, usePlayTimer } from './playback.tsx';
import { HydrationPart, HydrationParts, useHydrationParts } from '../shared/hydrate-in-slices.tsx';

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
  const t = useMemo(() => translator(lang), [lang]);
  const render = useCallback((m: Parameters<typeof renderFlow>[1]) => renderFlow(lang, m), [lang]);
  const id = useId();
  const [state, setState] = useState<AnimatorState>(() => initialState(preset));
  const [urlError, setUrlError] = useState<Message | null>(null);
  // A QoS exchange from a capture (#replay=…), replayed read-only instead of the simulator.
  const [replayState, setReplayState] = useState<ReplayState | null>(null);
  const [playing, setPlaying] = useState(false);
  const [speed, setSpeed] = useState(1);
  const reducedMotion = usePrefersReducedMotion();
  const historyRef = useRef<HTMLOListElement>(null);
  /** True once the root and its parts have hydrated: tests wait for data-ready before they click. */
  const { ready, registry } = useHydrationParts();

  // The state in the URL hash (shared/use-url-hash): the link's state after hydration and when the
  // reader edits the hash; a plain anchor (#how-to-read, no '=') is a heading link, not a state.
  const writeHash = useUrlHash((hash) => {
    if (!syncUrl || !hash.includes('=')) return;
    if (isReplayHash(hash)) {
      const replayed = parseReplay(hash);
      if (replayed.ok) { setUrlError(null); setReplayState(replayed.state); } else { setReplayState(null); setUrlError(replayed.error); }
      return;
    }
    setReplayState(null);
    const parsed = parse(hash);
    if (parsed.ok) { setUrlError(null); setState(parsed.state); } else setUrlError(parsed.error);
  });

  useEffect(() => {
    if (syncUrl) writeHash(`#${replayState === null ? serialize(state) : serializeReplay(replayState.exchange, replayState.cursor)}`);
  }, [state, replayState, syncUrl, writeHash]);

  const flow = useMemo(() => replay(state.config, state.actions.slice(0, state.cursor), createFlowBroker), [state.config, state.actions, state.cursor]);
  const frame: FlowFrame = flow.frames[flow.frames.length - 1]!;
  const history = flow.frames.filter((f) => f.arrow !== null);
  // Nothing left to deliver (the exchange is complete, or waits for a reconnect): Step and Play stop.
  const canStep = canStepForward(state, frame);
  // In an embed, tell the framing page where the reader is (not on first render: nothing moved yet).
  const stepSeen = useRef(false);
  useEffect(() => { if (stepSeen.current || state.cursor > 0) emitEmbedEvent('step-changed', { step: state.cursor, total: state.actions.length, done: frame.settled }); stepSeen.current = true; }, [state.cursor, state.actions.length, frame.settled]);

  const act = useCallback((action: QosFlowAction) => setState((s) => perform(s, action)), []);
  const forward = useCallback(() => { if (canStep) setState((s) => (s.cursor < s.actions.length ? moveCursor(s, s.cursor + 1) : perform(s, { kind: 'step' }))); }, [canStep]);
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
  usePlayTimer(playing, canStep, speed, forward, setPlaying, `${state.cursor}.${state.actions.length}`);

  useEffect(() => {
    historyRef.current?.lastElementChild?.scrollIntoView?.({ block: 'nearest', behavior: reducedMotion ? 'auto' : 'smooth' });
  }, [history.length, reducedMotion]);

  // A fault hits the packet the next step delivers; with nothing on the wire there is nothing to hit.
  const fault = (kind: 'drop' | 'duplicate' | 'delay') => { if (frame.next !== null) act({ kind: 'fault', fault: kind }); };

  const onKeyDown = (event: React.KeyboardEvent) => {
    const target = event.target as HTMLElement;
    if (target.tagName === 'SELECT' || target.tagName === 'INPUT') return;
    const keys: Record<string, () => void> = {
      ArrowRight: forward, ArrowLeft: back, ' ': () => setPlaying((p) => !p), Home: restart,
      d: () => fault('drop'), u: () => fault('duplicate'), l: () => fault('delay'),
    };
    const handler = keys[event.key];
    if (handler !== undefined && !event.altKey && !event.ctrlKey && !event.metaKey) {
      event.preventDefault();
      handler();
    }
  };

  if (replayState !== null) {
    return <ReplayView lang={lang} state={replayState} onChange={setReplayState} onLeave={() => setReplayState(null)} />;
  }

  const c = state.config;
  const lanes = [
    { key: 'publisher', label: t('animator.publisher') },
    { key: 'broker', label: t('animator.broker') },
    { key: 'subscriber', label: t('animator.subscriber') },
  ];
  const column = (party: string) => lanes.findIndex((l) => l.key === party);
  const laneLabel = (party: string) => lanes[column(party)]?.label ?? party;
  const next = frame.next;
  const faultLabel = (kind: 'drop' | 'duplicate' | 'delay') => (next === null
    ? t(`animator.fault.${kind}Idle`)
    : t(`animator.fault.${kind}`, { type: next.type, from: laneLabel(next.from), to: laneLabel(next.to) }));

  return (
    <div className={`mqtt-qos not-content${reducedMotion ? ' mqtt-qos--still' : ''}`} onKeyDown={onKeyDown} data-testid="qos-animator" data-widget="qos-animator" data-pagefind-ignore="" data-settled={frame.settled ? 'true' : 'false'} data-ready={ready}>
      <HydrationParts registry={registry}>
      {urlError && <p role="alert" className="mqtt-qos__error">{t('animator.badLink')}: {say(lang, urlError)}</p>}
      <HydrationPart>
      <fieldset className="mqtt-qos__settings">
        <legend>{t('animator.settings')}</legend>
        <label>{t('animator.version')}
          <select value={c.version} onChange={(e) => configure({ version: Number(e.target.value) as 4 | 5 })}>
            <option value={4}>3.1.1</option>
            <option value={5}>5.0</option>
          </select>
        </label>
        <label>{t('animator.publishQos')}
          <select value={c.publishQos} onChange={(e) => configure({ publishQos: Number(e.target.value) as QoS })} data-testid="publish-qos">
            {[0, 1, 2].map((q) => <option key={q} value={q}>QoS {q}</option>)}
          </select>
        </label>
        <label>{t('animator.subscribeQos')}
          <select value={c.subscribeQos} onChange={(e) => configure({ subscribeQos: Number(e.target.value) as QoS })} data-testid="subscribe-qos">
            {[0, 1, 2].map((q) => <option key={q} value={q}>QoS {q}</option>)}
          </select>
        </label>
        <label>{t('animator.session')}
          <select value={c.persistent ? 'persistent' : 'clean'} onChange={(e) => configure({ persistent: e.target.value === 'persistent' })} data-testid="session">
            <option value="persistent">{t('animator.persistent')}</option>
            <option value="clean">{t('animator.clean')}</option>
          </select>
        </label>
        {c.version === 5 && (
          <label>{t('animator.brokerAnswer')}
            <select value={c.brokerAckCode ?? 0} onChange={(e) => configure({ brokerAckCode: Number(e.target.value) || undefined })} data-testid="broker-ack">
              <option value={0}>{t('animator.ack.0x00')}</option>
              <option value={0x10}>{t('animator.ack.0x10')}</option>
              <option value={0x87}>{t('animator.ack.0x87')}</option>
            </select>
          </label>
        )}
      </fieldset>
      </HydrationPart>

      <HydrationPart>
      <PlaybackControls
        t={t} atStart={state.cursor === 0} canStep={canStep} playing={playing} speed={speed}
        onRestart={restart} onBack={back} onForward={forward} onTogglePlay={() => setPlaying((p) => !p)} onSpeed={setSpeed}
      />
      <div className="mqtt-qos__controls" role="toolbar" aria-label={t('animator.faults')}>
        <span className="mqtt-qos__group-label" data-testid="next-packet">{next === null ? t('animator.nextPacketNone') : t('animator.nextPacket', { packet: render(next.summary), from: laneLabel(next.from), to: laneLabel(next.to) })}</span>
        <span className="mqtt-qos__pair">
          <button type="button" onClick={() => fault('drop')} disabled={next === null} aria-pressed={frame.armedFault === 'drop'} aria-keyshortcuts="D" data-testid="fault-drop">{faultLabel('drop')}</button>
          <button type="button" onClick={() => fault('duplicate')} disabled={next === null} aria-pressed={frame.armedFault === 'duplicate'} aria-keyshortcuts="U" data-testid="fault-duplicate">{faultLabel('duplicate')}</button>
          <button type="button" onClick={() => fault('delay')} disabled={next === null} aria-pressed={frame.armedFault === 'delay'} aria-keyshortcuts="L" data-testid="fault-delay">{faultLabel('delay')}</button>
        </span>
        {(['publisher', 'subscriber'] as const).map((who) => (
          <span key={who} className="mqtt-qos__pair">
            <button type="button" onClick={() => act({ kind: 'cut', client: who })} data-testid={`cut-${who}`}>{who === 'publisher' ? t('animator.cutPublisher') : t('animator.cutSubscriber')}</button>
            <button type="button" onClick={() => act({ kind: 'reconnect', client: who })} data-testid={`reconnect-${who}`}>{who === 'publisher' ? t('animator.reconnectPublisher') : t('animator.reconnectSubscriber')}</button>
          </span>
        ))}
      </div>
      <p className="mqtt-qos__hint">{t('animator.keys')}</p>
      </HydrationPart>

      <HydrationPart>
      <div className="mqtt-qos__diagram" role="group" aria-labelledby={`${id}-diagram`}>
        <h3 id={`${id}-diagram`} className="mqtt-qos__sr">{t('animator.diagram')}</h3>
        <div className="mqtt-qos__lanes" aria-hidden="true">
          {lanes.map((lane) => <div key={lane.key} className="mqtt-qos__lane-head">{lane.label}</div>)}
        </div>
        <ol className="mqtt-qos__history" ref={historyRef} data-testid="history">
          {history.map((f) => {
            const a = f.arrow!;
            const from = column(a.from);
            const to = column(a.to);
            const current = f.index === frame.index;
            const summary = render(a.summary);
            const fate = t(`animator.fate.${a.fate}` as 'animator.fate.delivered');
            return (
              <li key={f.index} className={`mqtt-qos__row mqtt-qos__row--${a.fate}${current ? ' mqtt-qos__row--current' : ''}`} data-fate={a.fate} data-type={a.type}>
                <a
                  className={`mqtt-qos__arrow ${from < to ? 'mqtt-qos__arrow--right' : 'mqtt-qos__arrow--left'}`}
                  style={{ gridColumn: `${Math.min(from, to) + 1} / ${Math.max(from, to) + 2}` }}
                  href={`${decoderPath}#hex=${a.hex}&v=${c.version === 5 ? '5' : '3.1.1'}`}
                  aria-label={t('animator.arrowLabel', { index: f.index, summary, from: lanes[from]!.label, to: lanes[to]!.label, fate })}
                >
                  <span className="mqtt-qos__label">{summary}</span>
                  {a.fate !== 'delivered' && <span className="mqtt-qos__fate">{fate}</span>}
                </a>
              </li>
            );
          })}
        </ol>
        {frame.inFlight.length > 0 && (
          <p className="mqtt-qos__wire" data-testid="wire">{t('animator.onTheWire')}: {frame.inFlight.map((p) => `${p.type} ${laneLabel(p.from)} → ${laneLabel(p.to)}${p.held ? ` (${t('animator.held')})` : ''}`).join(', ')}</p>
        )}
      </div>
      </HydrationPart>

      <div className="mqtt-qos__narration" aria-live="polite" data-testid="narration">
        <p className="mqtt-qos__step-count">{t('animator.stepCount', { cursor: state.cursor, total: state.actions.length })}{frame.settled && <> — <strong data-testid="complete">{t('animator.complete')}</strong></>}</p>
        {frame.notes.map((note, i) => <p key={i}>{render(note)}</p>)}
      </div>

      <HydrationPart>
      <div className="mqtt-qos__states">
        <section aria-label={t('animator.publisher')} data-testid="state-publisher">
          <h4>{t('animator.publisher')} <small>({t(`animator.connection.${frame.publisher.connection}` as 'animator.connection.online')})</small></h4>
          <p>{t('animator.holding')}:</p>
          <ul>{frame.publisher.outgoing.length === 0 ? <li>{t('animator.nothing')}</li> : frame.publisher.outgoing.map((m) => <li key={m.packetId}>{t('animator.outgoing', { id: String(m.packetId), qos: m.qos, awaiting: m.awaiting, sends: m.sends })}</li>)}</ul>
        </section>
        <section aria-label={t('animator.broker')} data-testid="state-broker">
          <h4>{t('animator.broker')}</h4>
          <p>{t('animator.brokerAwaitingRelease')}: {frame.broker.awaitingRelease.length === 0 ? t('animator.none') : frame.broker.awaitingRelease.map((n) => t('animator.idItem', { id: String(n) })).join(', ')}</p>
          <p>{t('animator.brokerInflight')}: {frame.broker.inflightToSubscriber.length === 0 ? t('animator.none') : frame.broker.inflightToSubscriber.map((m) => t('animator.brokerInflightItem', { id: String(m.packetId), qos: m.qos, awaiting: m.awaiting })).join(', ')}</p>
          <p>{t('animator.brokerQueued')}: {frame.broker.queuedForSubscriber}</p>
          <p>{t('animator.sessions')}: {frame.broker.sessions.map((s) => t('animator.sessionItem', { clientId: s.clientId, online: s.online })).join(', ') || t('animator.none')}</p>
        </section>
        <section aria-label={t('animator.subscriber')} data-testid="state-subscriber">
          <h4>{t('animator.subscriber')} <small>({t(`animator.connection.${frame.subscriber.connection}` as 'animator.connection.online')})</small></h4>
          <p>{t('animator.subscriberAwaitingRelease')}: {frame.subscriber.awaitingRelease.length === 0 ? t('animator.none') : frame.subscriber.awaitingRelease.map((n) => t('animator.idItem', { id: String(n) })).join(', ')}</p>
          <p>{t('animator.delivered')}: <strong data-testid="delivery-count">{frame.subscriber.delivered.length}</strong></p>
          <ul>{frame.subscriber.delivered.map((d, i) => <li key={i} className={d.copy > 1 ? 'mqtt-qos__dup' : undefined}>"{new TextDecoder().decode(d.payload)}" QoS {d.qos}{d.dup ? ' DUP' : ''}{d.copy > 1 ? ` — ${t('animator.duplicateDelivery')}` : ''}</li>)}</ul>
        </section>
      </div>
      </HydrationPart>
      </HydrationParts>
    </div>
  );
}
