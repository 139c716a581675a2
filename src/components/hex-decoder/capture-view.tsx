/**
 * "Open a capture" in the hex decoder: pick or drop a .pcap / .pcapng file, read it in a Web
 * Worker (progress shown, the page keeps answering, nothing leaves the browser), list its MQTT
 * connections, and show the chosen one as a client/broker sequence diagram with real timestamps.
 * Choosing a packet hands its bytes to the decoder below, whose byte/field view shows it.
 */
import { useCallback, useEffect, useMemo, useRef, useState, type DragEvent } from 'react';
import './capture-view.css';
import { toHex } from '../../input/index.ts';
import { translator } from '../i18n/catalogue.ts';
import type { Lang } from '../i18n/lang.ts';
import { CHOICE_BY_VERSION, type VersionChoice } from '../shared/version.ts';
import { CaptureCancelled, CaptureClient, NotACapture } from './capture-client.ts';
import { findQosExchanges, isComplete, serializeReplay } from '../qos-animator/capture-replay.ts';
import { diagramRows, packetBytes, type CaptureView as View, type DiagramRow, type ViewConnection, type ViewEvent, type ViewPacket } from './capture-model.ts';

export interface CaptureViewProps {
  lang: Lang;
  /** Shows one packet's bytes in the decoder's byte/field view. */
  onOpenPacket: (hex: string, choice: VersionChoice) => void;
}

const ROW = 34;
const VIEWPORT_ROWS = 12;

type Status = { kind: 'idle' } | { kind: 'reading'; name: string; progress: number } | { kind: 'problem'; text: string };

const seconds = (s: number) => s.toFixed(6);

export default function CaptureView({ lang, onOpenPacket }: CaptureViewProps) {
  const t = useMemo(() => translator(lang), [lang]);
  const client = useRef<CaptureClient | null>(null);
  const input = useRef<HTMLInputElement>(null);
  const [status, setStatus] = useState<Status>({ kind: 'idle' });
  const [view, setView] = useState<View | null>(null);
  const [stream, setStream] = useState<number | null>(null);
  const [packet, setPacket] = useState<number | null>(null);
  const [dragging, setDragging] = useState(false);

  useEffect(() => () => client.current?.cancel(), []);

  const open = useCallback((file: File) => {
    client.current ??= new CaptureClient();
    setStatus({ kind: 'reading', name: file.name, progress: 0 });
    setView(null);
    setStream(null);
    setPacket(null);
    client.current.read(file, file.name, (progress) => setStatus({ kind: 'reading', name: file.name, progress })).then((v) => {
      setView(v);
      setStatus({ kind: 'idle' });
      const first = v.connections.find((c) => c.protocol !== 'tls');
      if (first !== undefined) setStream(first.stream);
    }, (error: Error) => {
      if (error instanceof CaptureCancelled) return;
      setStatus({ kind: 'problem', text: error instanceof NotACapture ? t('capture.notCapture', { name: file.name }) : t('capture.failed', { message: error.message }) });
    });
  }, [t]);

  const onDrop = (event: DragEvent<HTMLDivElement>) => {
    event.preventDefault();
    setDragging(false);
    const file = event.dataTransfer.files[0];
    if (file !== undefined) open(file);
  };

  const chosen = view?.connections.find((c) => c.stream === stream) ?? null;

  const showPacket = (c: ViewConnection, p: ViewPacket) => {
    if (view === null) return;
    setPacket(p.index);
    onOpenPacket(toHex(packetBytes(view, p), ' '), CHOICE_BY_VERSION[p.version]);
    void c;
  };

  return (
    <section className="mqtt-cap" aria-labelledby="mqtt-cap-title" data-testid="capture">
      <h3 id="mqtt-cap-title">{t('capture.title')}</h3>
      <p className="mqtt-pw__help">{t('capture.intro')}</p>
      <div
        className={`mqtt-cap__drop${dragging ? ' mqtt-cap__drop--over' : ''}`}
        data-testid="capture-drop"
        onDragOver={(e) => { e.preventDefault(); setDragging(true); }}
        onDragLeave={() => setDragging(false)}
        onDrop={onDrop}
      >
        <button type="button" onClick={() => input.current?.click()}>{t('capture.pick')}</button>
        <input
          ref={input} type="file" accept=".pcap,.pcapng,.cap,application/vnd.tcpdump.pcap" hidden data-testid="capture-file"
          aria-label={t('capture.pick')}
          onChange={(e) => { const f = e.target.files?.[0]; if (f !== undefined) open(f); e.target.value = ''; }}
        />
        <span>{t('capture.drop')} <code>.pcap</code> <code>.pcapng</code></span>
        <span className="mqtt-pw__note">{t('capture.privacy')}</span>
      </div>

      {status.kind === 'reading' && (
        <div className="mqtt-cap__progress" role="status" data-testid="capture-progress">
          <progress max={1} value={status.progress} aria-label={t('capture.reading', { name: status.name, percent: Math.round(status.progress * 100) })} />
          <span>{t('capture.reading', { name: status.name, percent: Math.round(status.progress * 100) })}</span>
          <button type="button" onClick={() => { client.current?.cancel(); setStatus({ kind: 'idle' }); }}>{t('capture.cancel')}</button>
        </div>
      )}
      {status.kind === 'problem' && <p className="mqtt-pw__problem" role="alert" data-testid="capture-problem">{status.text}</p>}

      {view !== null && (
        <div className="mqtt-cap__result">
          <p role="status" data-testid="capture-summary">
            {t('capture.summary', { name: view.name, format: view.format, frames: view.frames, connections: view.connections.length })}
            {view.otherConnections > 0 && <> {t('capture.others', { n: view.otherConnections })}</>}
            {' '}<button type="button" onClick={() => { setView(null); setStream(null); }}>{t('capture.close')}</button>
          </p>
          {view.error !== null && (
            <p className="mqtt-pw__warning" role="alert" data-testid="capture-damaged">
              {t('capture.damaged', { kind: view.error.kind, offset: view.error.offset, unit: view.error.unit, index: view.error.index })}
            </p>
          )}
          {view.connections.length === 0
            ? <p data-testid="capture-none">{t('capture.none')}</p>
            : <ConnectionList view={view} t={t} stream={stream} onChoose={(s) => { setStream(s); setPacket(null); }} />}
          {chosen !== null && (chosen.protocol === 'tls'
            ? <p className="mqtt-pw__note" data-testid="capture-tls">{t('capture.tlsOnly')}</p>
            : <Diagram connection={chosen} t={t} selected={packet} onChoose={(p) => showPacket(chosen, p)} />)}
          {chosen !== null && chosen.protocol !== 'tls' && <ReplayLinks connection={chosen} t={t} lang={lang} />}
          {chosen !== null && packet !== null && <p className="mqtt-pw__note" role="status">{t('capture.opened', { n: packet + 1, stream: chosen.stream })}</p>}
        </div>
      )}
    </section>
  );
}

type T = ReturnType<typeof translator>;

function useWindow(count: number) {
  const [top, setTop] = useState(0);
  const first = Math.max(0, Math.floor(top / ROW) - 4);
  const last = Math.min(count, first + VIEWPORT_ROWS + 8);
  return { first, last, onScroll: (e: { currentTarget: HTMLElement }) => setTop(e.currentTarget.scrollTop) };
}

function ConnectionList({ view, t, stream, onChoose }: { view: View; t: T; stream: number | null; onChoose: (stream: number) => void }) {
  const rows = view.connections;
  const w = useWindow(rows.length);
  return (
    <div className="mqtt-cap__list" role="table" aria-label={t('capture.listLabel')} aria-rowcount={rows.length + 1} data-testid="capture-connections">
      <div role="rowgroup">
        <div role="row" className="mqtt-cap__row mqtt-cap__row--head">
          {(['colStream', 'colClient', 'colBroker', 'colClientId', 'colPackets', 'colBytes', 'colDuration', 'colNotes'] as const).map((k) => (
            <span role="columnheader" key={k}>{t(`capture.${k}`)}</span>
          ))}
        </div>
      </div>
      <div role="rowgroup" className="mqtt-cap__scroll" style={{ maxHeight: ROW * VIEWPORT_ROWS }} onScroll={w.onScroll}>
        <div role="presentation" style={{ height: rows.length * ROW, position: 'relative' }}>
          {rows.slice(w.first, w.last).map((c, k) => {
            const gaps = c.events.filter((e) => e.kind === 'gap').length;
            const notes = [
              c.protocol === 'mqtt-websocket' ? t('capture.websocket', { path: c.websocketPath ?? '' }) : null,
              c.protocol === 'tls' ? t('capture.tls') : null,
              c.malformed > 0 ? t('capture.malformed', { n: c.malformed }) : null,
              gaps > 0 ? t('capture.gaps', { n: gaps }) : null,
              c.fromStart ? null : t('capture.joined'),
            ].filter((n) => n !== null);
            return (
              <div
                role="row" key={c.stream} aria-rowindex={w.first + k + 2} aria-selected={c.stream === stream}
                className={`mqtt-cap__row${c.stream === stream ? ' mqtt-cap__row--chosen' : ''}${c.malformed > 0 ? ' mqtt-cap__row--bad' : ''}`}
                style={{ position: 'absolute', top: (w.first + k) * ROW, height: ROW }}
                data-testid="capture-connection" data-stream={c.stream}
              >
                <span role="cell"><button type="button" onClick={() => onChoose(c.stream)} aria-label={t('capture.choose', { stream: c.stream })}>{c.stream}</button></span>
                <span role="cell" className="mqtt-cap__mono">{c.client}</span>
                <span role="cell" className="mqtt-cap__mono">{c.broker}</span>
                <span role="cell">{c.protocol === 'tls' ? '' : c.clientId ?? t('capture.noConnect')}</span>
                <span role="cell">{c.packetCount}</span>
                <span role="cell">{c.bytes}</span>
                <span role="cell">{t('capture.seconds', { s: seconds(c.duration) })}</span>
                <span role="cell">{notes.join(' · ')}</span>
              </div>
            );
          })}
        </div>
      </div>
    </div>
  );
}

function packetLabel(p: ViewPacket, t: T): string {
  const parts = [p.type];
  if (p.clientId !== undefined) parts.push(JSON.stringify(p.clientId));
  if (p.topic !== undefined) parts.push(t('capture.topic', { topic: p.topic }));
  if (p.qos !== undefined) parts.push(`QoS ${p.qos}`);
  if (p.packetId !== undefined) parts.push(t('capture.packetId', { id: String(p.packetId) }));
  if (p.reasonCode !== undefined) parts.push(`0x${p.reasonCode.toString(16).padStart(2, '0')}`);
  if (p.payloadLength !== undefined) parts.push(t('capture.payload', { n: p.payloadLength }));
  if (p.malformed !== null) parts.push(t('capture.isMalformed', { rule: p.malformed.rule }));
  return parts.join(' · ');
}

function eventText(e: ViewEvent, t: T): string {
  switch (e.kind) {
    case 'gap': return t('capture.eventGap', { bytes: e.bytes, side: e.side });
    case 'skipped': return t('capture.eventSkipped', { bytes: e.bytes, side: e.side });
    case 'truncated': return t('capture.eventTruncated', { bytes: e.bytes, side: e.side });
    case 'lost-sync': return t('capture.eventLostSync', { side: e.side });
    default: return t('capture.eventClose');
  }
}

function Diagram({ connection: c, t, selected, onChoose }: { connection: ViewConnection; t: T; selected: number | null; onChoose: (p: ViewPacket) => void }) {
  const rows: DiagramRow[] = useMemo(() => diagramRows(c), [c]);
  const w = useWindow(rows.length);
  return (
    <div className="mqtt-cap__diagram" data-testid="capture-diagram">
      <h4>{t('capture.diagramTitle', { stream: c.stream, client: c.client, broker: c.broker })}</h4>
      <div className="mqtt-cap__lanes" aria-hidden="true">
        <span>{t('capture.client')} {c.client}</span><span>{t('capture.broker')} {c.broker}</span>
      </div>
      <div className="mqtt-cap__scroll mqtt-cap__seq" style={{ maxHeight: ROW * VIEWPORT_ROWS }} onScroll={w.onScroll} role="list" aria-label={t('capture.diagramLabel', { stream: c.stream })}>
        <div role="presentation" className="mqtt-cap__seq-inner" style={{ height: rows.length * ROW, position: 'relative' }}>
            {rows.slice(w.first, w.last).map((r, k) => {
              const top = (w.first + k) * ROW;
              if (r.kind === 'event') {
                return <div role="listitem" key={`e${w.first + k}`} className="mqtt-cap__event" style={{ top, height: ROW }} data-testid="capture-event">{eventText(r.event, t)}</div>;
              }
              const p = r.packet;
              return (
                <div role="listitem" key={`p${p.index}`} style={{ top, height: ROW }} className={`mqtt-cap__msg mqtt-cap__msg--${p.side}${p.malformed ? ' mqtt-cap__msg--bad' : ''}${selected === p.index ? ' mqtt-cap__msg--chosen' : ''}`}>
                  <span className="mqtt-cap__time" title={t('capture.clock', { clock: p.clock, n: String(p.frame) })}>{t('capture.time', { s: seconds(p.time) })}</span>
                  <button type="button" className="mqtt-cap__arrow" onClick={() => onChoose(p)} aria-pressed={selected === p.index} data-testid="capture-packet" data-type={p.type}>
                    <span aria-hidden="true">{p.side === 'c2b' ? '→' : '←'}</span> {packetLabel(p, t)}
                  </button>
                </div>
              );
            })}
        </div>
      </div>
    </div>
  );
}

/** A connection can hold thousands of exchanges; the list stops here. */
const MAX_REPLAY_LINKS = 200;

/** The animator's page in this language; inside an embed, the animator's embed (an iframe stays an embed). */
function animatorPath(lang: Lang): string {
  const embed = typeof window !== 'undefined' && /\/embed\//.test(window.location.pathname);
  return `${lang === 'zh-cn' ? '/zh-cn' : ''}/${embed ? 'embed' : 'tools'}/qos-animator/`;
}

/** A link per QoS 1/2 exchange of the connection, opening it read-only in the QoS animator (the exchange rides in the hash). */
function ReplayLinks({ connection: c, t, lang }: { connection: ViewConnection; t: T; lang: Lang }) {
  const exchanges = useMemo(() => findQosExchanges(c.packets, c.stream), [c]);
  return (
    <div className="mqtt-cap__replay" data-testid="capture-replays">
      <h4>{t('capture.replayTitle', { stream: c.stream })}</h4>
      {exchanges.length === 0
        ? <p className="mqtt-pw__note">{t('capture.replayNone')}</p>
        : (
          <ul>
            {exchanges.slice(0, MAX_REPLAY_LINKS).map((e) => (
              <li key={`${e.publisher}-${e.packetId}-${e.steps[0]!.frame}`}>
                <a href={`${animatorPath(lang)}#${serializeReplay(e)}`} data-testid="capture-replay" data-qos={e.qos} data-packet-id={e.packetId}>
                  {t('capture.replayLink', { qos: e.qos, id: String(e.packetId), by: e.publisher, steps: e.steps.length, complete: isComplete(e) })}
                </a>
              </li>
            ))}
          </ul>
        )}
      {exchanges.length > MAX_REPLAY_LINKS && <p className="mqtt-pw__note">{t('capture.replayMore', { n: exchanges.length - MAX_REPLAY_LINKS })}</p>}
    </div>
  );
}
