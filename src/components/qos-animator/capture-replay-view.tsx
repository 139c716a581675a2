/**
 * The animator's read-only replay of a QoS 1/2 exchange recorded in a capture (capture-replay.ts):
 * the same lanes, timeline, stepping and narration as the simulator, with the captured times and
 * frames. Settings, faults and connection cuts would change what was recorded, so they are shown
 * disabled with the reason beside them.
 */
import { useCallback, useEffect, useId, useMemo, useState } from 'react';
import { say, translator } from '../i18n/catalogue.ts';
import type { Lang } from '../i18n/lang.ts';
import { emitEmbedEvent } from '../shared/embed/events.ts';
import { replayFrame, replayRows, type ReplayState } from './capture-replay.ts';
import { PlaybackControls, usePlayTimer } from './playback.tsx';

const VERSION_TEXT = { 3: '3.1', 4: '3.1.1', 5: '5.0' } as const;

export interface ReplayViewProps {
  lang: Lang;
  state: ReplayState;
  onChange: (state: ReplayState) => void;
  onLeave: () => void;
}

export default function ReplayView({ lang, state, onChange, onLeave }: ReplayViewProps) {
  const t = useMemo(() => translator(lang), [lang]);
  const id = useId();
  const [playing, setPlaying] = useState(false);
  const [speed, setSpeed] = useState(1);
  const e = state.exchange;
  const total = e.steps.length;
  const frame = useMemo(() => replayFrame(state), [state]);
  const canStep = state.cursor < total;
  const move = useCallback((cursor: number) => onChange({ ...state, cursor: Math.max(0, Math.min(total, cursor)) }), [onChange, state, total]);
  const forward = useCallback(() => { if (canStep) move(state.cursor + 1); }, [canStep, move, state.cursor]);
  const back = () => move(state.cursor - 1);
  const restart = () => { setPlaying(false); move(0); };

  usePlayTimer(playing, canStep, speed, forward, setPlaying, state.cursor);

  useEffect(() => { if (state.cursor > 0) emitEmbedEvent('step-changed', { step: state.cursor, total, done: frame.complete }); }, [state.cursor, total, frame.complete]);

  const onKeyDown = (event: React.KeyboardEvent) => {
    const target = event.target as HTMLElement;
    if (target.tagName === 'SELECT' || target.tagName === 'INPUT') return;
    const keys: Record<string, () => void> = { ArrowRight: forward, ArrowLeft: back, ' ': () => setPlaying((p) => !p), Home: restart };
    const handler = keys[event.key];
    if (handler !== undefined && !event.altKey && !event.ctrlKey && !event.metaKey) { event.preventDefault(); handler(); }
  };

  // The client sits on the publisher's lane when it sent the PUBLISH, on the subscriber's when the broker did.
  const lanes = [
    { key: 'publisher', label: e.publisher === 'client' ? t('animator.replay.client') : '' },
    { key: 'broker', label: t('animator.broker') },
    { key: 'subscriber', label: e.publisher === 'broker' ? t('animator.replay.client') : '' },
  ];
  const column = (lane: string) => lanes.findIndex((l) => l.key === lane);
  const sideLabel = (side: 'client' | 'broker') => (side === 'client' ? t('animator.replay.client') : t('animator.broker'));
  const receiver = e.publisher === 'client' ? 'broker' : 'client';
  const all = replayRows(e);
  const span = all[all.length - 1]!.time.toFixed(6);
  const disabledNote = `${id}-disabled`;
  const rowSummary = (r: { type: string; reasonCode?: number }) => t('animator.replay.row', { type: r.type, id: String(e.packetId), hasCode: r.reasonCode !== undefined, code: r.reasonCode === undefined ? '' : `0x${r.reasonCode.toString(16).padStart(2, '0')}` });

  return (
    <div className="mqtt-qos mqtt-qos--replay not-content" onKeyDown={onKeyDown} data-testid="qos-animator" data-widget="qos-animator" data-mode="replay" data-pagefind-ignore="" data-settled={frame.complete ? 'true' : 'false'}>
      <p className="mqtt-qos__replay-banner" role="note" data-testid="replay-banner">
        {e.stream !== undefined ? t('animator.replay.banner', { stream: e.stream }) : t('animator.replay.bannerNoStream')}
        {' '}<button type="button" onClick={onLeave} data-testid="replay-leave">{t('animator.replay.leave')}</button>
      </p>
      <p data-testid="replay-summary">{t('animator.replay.summary', { version: VERSION_TEXT[e.version], qos: e.qos, id: String(e.packetId), by: e.publisher, hasTopic: e.topic !== undefined, topic: e.topic ?? '', steps: total, span })}</p>
      <fieldset className="mqtt-qos__settings" disabled aria-describedby={disabledNote}>
        <legend>{t('animator.settings')}</legend>
        <label>{t('animator.version')}
          <select value={e.version} onChange={() => undefined}><option value={e.version}>{VERSION_TEXT[e.version]}</option></select>
        </label>
        <label>{t('animator.publishQos')}
          <select value={e.qos} onChange={() => undefined} data-testid="publish-qos"><option value={e.qos}>QoS {e.qos}</option></select>
        </label>
      </fieldset>

      <PlaybackControls
        t={t} atStart={state.cursor === 0} canStep={canStep} playing={playing} speed={speed}
        onRestart={restart} onBack={back} onForward={forward} onTogglePlay={() => setPlaying((p) => !p)} onSpeed={setSpeed}
      />
      <div className="mqtt-qos__controls" role="toolbar" aria-label={t('animator.faults')}>
        <span className="mqtt-qos__group-label" id={disabledNote} data-testid="replay-disabled-note">{t('animator.replay.disabled')}</span>
        <span className="mqtt-qos__pair">
          <button type="button" disabled aria-describedby={disabledNote} data-testid="fault-drop">{t('animator.fault.dropIdle')}</button>
          <button type="button" disabled aria-describedby={disabledNote} data-testid="fault-duplicate">{t('animator.fault.duplicateIdle')}</button>
          <button type="button" disabled aria-describedby={disabledNote} data-testid="fault-delay">{t('animator.fault.delayIdle')}</button>
        </span>
        <span className="mqtt-qos__pair">
          <button type="button" disabled aria-describedby={disabledNote} data-testid="cut-publisher">{t('animator.cutPublisher')}</button>
          <button type="button" disabled aria-describedby={disabledNote} data-testid="reconnect-publisher">{t('animator.reconnectPublisher')}</button>
        </span>
      </div>

      <div className="mqtt-qos__diagram" role="group" aria-labelledby={`${id}-diagram`}>
        <h3 id={`${id}-diagram`} className="mqtt-qos__sr">{t('animator.diagram')}</h3>
        <div className="mqtt-qos__lanes" aria-hidden="true">
          {lanes.map((lane) => <div key={lane.key} className="mqtt-qos__lane-head">{lane.label}</div>)}
        </div>
        <ol className="mqtt-qos__history" data-testid="history">
          {frame.rows.map((r) => {
            const from = column(r.from);
            const to = column(r.to);
            const summary = rowSummary(r);
            const time = t('animator.replay.time', { s: r.time.toFixed(6) });
            return (
              <li key={r.index} className={`mqtt-qos__row mqtt-qos__row--delivered${r.index === state.cursor ? ' mqtt-qos__row--current' : ''}`} data-fate="delivered" data-type={r.type} data-packet-id={e.packetId} data-time={r.time}>
                <span
                  className={`mqtt-qos__arrow ${from < to ? 'mqtt-qos__arrow--right' : 'mqtt-qos__arrow--left'}`}
                  style={{ gridColumn: `${Math.min(from, to) + 1} / ${Math.max(from, to) + 2}` }}
                  role="img"
                  aria-label={t('animator.replay.rowLabel', { index: r.index, summary, from: sideLabel(r.sender), to: sideLabel(r.sender === 'client' ? 'broker' : 'client'), time: r.time.toFixed(6), frame: String(r.frame) })}
                >
                  <span className="mqtt-qos__label">{summary}</span>
                  <span className="mqtt-qos__when">{time} · {t('animator.replay.frameNote', { frame: String(r.frame) })}</span>
                </span>
              </li>
            );
          })}
        </ol>
      </div>

      <div className="mqtt-qos__narration" aria-live="polite" data-testid="narration">
        <p className="mqtt-qos__step-count">{t('animator.stepCount', { cursor: state.cursor, total })}{frame.complete && <> — <strong data-testid="complete">{t('animator.complete')}</strong></>}</p>
        {frame.notes.map((note, i) => <p key={i}>{say(lang, note)}</p>)}
      </div>

      <div className="mqtt-qos__states">
        <section aria-label={sideLabel(e.publisher)} data-testid="state-sender">
          <h4>{sideLabel(e.publisher)}</h4>
          <p>{frame.senderHolds ? t('animator.replay.senderHolds', { who: e.publisher }) : t('animator.nothing')}</p>
        </section>
        <section aria-label={sideLabel(receiver)} data-testid="state-receiver">
          <h4>{sideLabel(receiver)}</h4>
          <p>{frame.receiverHoldsId ? t('animator.replay.receiverHoldsId', { who: receiver, id: String(e.packetId) }) : t('animator.nothing')}</p>
        </section>
      </div>
    </div>
  );
}
