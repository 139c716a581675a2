/**
 * The hex decoder island: paste bytes (or pick an example), get every packet of the stream on a
 * client/broker sequence diagram with its verdict, and the selected packet as a synced hex grid,
 * field tree and field details. Large pastes decode in a Web Worker; only visible rows render.
 */
import { useCallback, useEffect, useId, useMemo, useRef, useState, type KeyboardEvent } from 'react';
import '../../styles/packet-widgets.css';
import {
  analyseInput, builderLinkFor, DEFAULT_LIMITS, entryDetail, parseDecoderHash, shareHashFor, statusMessage,
  SYNC_DECODE_CHARACTERS, VERSION_CHOICES, type AnalysisResult, type StreamEntry, type VersionChoice,
  type Msg,
} from './hex-decoder-model.ts';
import { DecodeCancelled, DecodeClient } from './decode-client.ts';
import { EXAMPLE_IDS, EXAMPLES, exampleById } from './examples.ts';
import CaptureView from './capture-view.tsx';
import PacketView from '../shared/annotated-packet/annotated-packet.tsx';
import { HydrationPart, HydrationParts, useHydrationParts } from '../shared/hydrate-in-slices.tsx';
import { textTypedBeforeHydration } from '../shared/typed-before-hydration.ts';
import { fieldMeanings, moveInList, scrollToRow, visibleRows } from '../shared/annotated-packet/annotated-packet-model.ts';
import { toHex } from '../../input/index.ts';
import { decodedDetail, emitEmbedEvent } from '../shared/embed/events.ts';
import { hasKey, say, translator, type CatalogueKey, type Translate } from '../i18n/catalogue.ts';
import { codecText } from '../i18n/codec-text.ts';
import { translate } from '../i18n/catalogue.ts';
import type { Lang } from '../i18n/lang.ts';

export interface HexDecoderProps {
  lang?: Lang;
  /** Where "Open in builder" points (the page of the same language). */
  builderPath?: string;
  /** Example loaded when the URL names none. */
  initialExample?: string;
}

const AUTO_URL_BYTES = 4096;
const SEQ_ROW = 56;

export default function HexDecoder({ lang = 'en', builderPath = '/tools/packet-builder/', initialExample = 'qos2' }: HexDecoderProps) {
  const t = useMemo(() => translator(lang), [lang]);
  const tr = useCallback((m: Msg) => say(lang, m), [lang]);
  const id = useId().replace(/:/g, '');

  const textarea = useRef<HTMLTextAreaElement>(null);
  const initialText = useMemo(() => exampleById(initialExample)?.text() ?? '', [initialExample]);
  // A paste made while the island was loading: kept (React would reset the textarea) and decoded once hydrated.
  const [typedBeforeHydration] = useState(() => textTypedBeforeHydration(`${id}-input`, initialText));
  const [choice, setChoice] = useState<VersionChoice>(exampleById(initialExample)?.choice ?? 'auto');
  const [example, setExample] = useState<string | undefined>(initialExample);
  const [result, setResult] = useState<AnalysisResult>(() => analyseInput(initialText, exampleById(initialExample)?.choice ?? 'auto'));
  const [busy, setBusy] = useState<number | null>(null);
  const [selected, setSelected] = useState(0);
  const [linkProblems, setLinkProblems] = useState<Msg[]>([]);
  const [share, setShare] = useState<{ text: string; url?: string } | null>(null);
  const [workerNote, setWorkerNote] = useState<string | null>(null);
  /** True once the root and its parts have hydrated: the server-rendered HTML is inert until then (tests wait for it). */
  const { ready, registry } = useHydrationParts();
  const client = useRef<DecodeClient | null>(null);
  const debounce = useRef<ReturnType<typeof setTimeout> | null>(null);
  const generation = useRef(0);
  const pendingSelect = useRef<number | null>(null);
  const lastHash = useRef('');
  /** The URL is only written once the reader has done something (or arrived with a link). */
  const interacted = useRef(false);
  const choiceRef = useRef(choice);
  choiceRef.current = choice;
  const exampleRef = useRef(example);
  exampleRef.current = example;

  const finish = useCallback((r: AnalysisResult) => {
    setResult(r);
    // In an embed, tell the framing page (counts and type names only: shared/embed/events.ts).
    if (r.status === 'decoded') emitEmbedEvent('packet-decoded', decodedDetail(r));
    setBusy(null);
    const want = pendingSelect.current;
    pendingSelect.current = null;
    if (want !== null && want >= r.entries.length && r.entries.length > 0) {
      setLinkProblems((p) => [...p, { key: 'decoder.linkBadPacket', values: { value: String(want + 1) } }]);
      setSelected(0);
    } else setSelected(want ?? 0);
  }, []);

  const decode = useCallback((text: string, versionChoice: VersionChoice) => {
    // Whatever asked for this decode supersedes a keystroke still waiting for its debounce.
    if (debounce.current) clearTimeout(debounce.current);
    debounce.current = null;
    choiceRef.current = versionChoice;
    const gen = ++generation.current;
    setShare(null);
    if (text.length <= SYNC_DECODE_CHARACTERS || !DecodeClient.supported()) {
      client.current?.dispose();
      finish(analyseInput(text, versionChoice));
      return;
    }
    setBusy(text.length);
    client.current ??= new DecodeClient();
    client.current.decode(text, versionChoice, DEFAULT_LIMITS).then(
      (r) => { if (gen === generation.current) finish(r); },
      (error: unknown) => {
        if (error instanceof DecodeCancelled || gen !== generation.current) return;
        setWorkerNote(t('decoder.workerFailed', { error: error instanceof Error ? error.message : String(error) }));
        finish(analyseInput(text, versionChoice));
      },
    );
  }, [finish, t]);

  const loadExample = useCallback((exampleId: string, versionChoice?: VersionChoice) => {
    const ex = exampleById(exampleId);
    if (!ex || !textarea.current) return;
    const text = ex.text();
    textarea.current.value = text;
    const v = versionChoice ?? ex.choice ?? 'auto';
    setChoice(v);
    setExample(exampleId);
    decode(text, v);
  }, [decode]);

  // A packet chosen in an opened capture: its bytes go through the same decode as a paste.
  const openCapturedPacket = useCallback((hex: string, versionChoice: VersionChoice) => {
    if (!textarea.current) return;
    interacted.current = true;
    textarea.current.value = hex;
    setExample(undefined);
    setChoice(versionChoice);
    decode(hex, versionChoice);
  }, [decode]);

  // The URL's state, on load and whenever someone edits the hash.
  useEffect(() => {
    const apply = () => {
      interacted.current = true;
      const { state, problems } = parseDecoderHash(window.location.hash, EXAMPLE_IDS);
      setLinkProblems(problems);
      if (state.example !== undefined) {
        pendingSelect.current = state.selected;
        loadExample(state.example, state.choice !== 'auto' ? state.choice : undefined);
      } else if (state.hex !== undefined && textarea.current) {
        const text = state.hex.replace(/(..)(?=.)/g, '$1 ');
        textarea.current.value = text;
        setExample(undefined);
        setChoice(state.choice);
        pendingSelect.current = state.selected;
        decode(text, state.choice);
      } else if (state.choice !== 'auto') {
        setChoice(state.choice);
        decode(textarea.current?.value ?? '', state.choice);
      }
    };
    if (typedBeforeHydration !== null) onInput();
    if (window.location.hash !== '') apply();
    const onHash = () => { if (window.location.hash !== lastHash.current) apply(); };
    window.addEventListener('hashchange', onHash);
    return () => {
      window.removeEventListener('hashchange', onHash);
      client.current?.dispose();
      if (debounce.current) clearTimeout(debounce.current);
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  // Keep the URL describing what is on screen (small inputs only; Share handles the rest).
  useEffect(() => {
    if (typeof window === 'undefined' || busy !== null || !interacted.current) return;
    let hash = '';
    const made = example !== undefined ? shareHashFor(result.bytes, choice, selected, example)
      : result.bytes.length > 0 && result.bytes.length <= AUTO_URL_BYTES ? shareHashFor(result.bytes, choice, selected) : null;
    if (made !== null && 'hash' in made) hash = made.hash;
    if (hash === '' && window.location.hash === '') return;
    if (hash === '' && linkProblems.length > 0) return;
    if (hash !== window.location.hash) {
      lastHash.current = hash;
      history.replaceState(history.state, '', hash === '' ? window.location.pathname + window.location.search : hash);
    }
  }, [result, choice, selected, example, busy, linkProblems]);

  const onInput = () => {
    interacted.current = true;
    setExample(undefined);
    if (debounce.current) clearTimeout(debounce.current);
    const length = textarea.current?.value.length ?? 0;
    debounce.current = setTimeout(() => decode(textarea.current?.value ?? '', choiceRef.current), length > SYNC_DECODE_CHARACTERS ? 400 : 200);
  };

  const onShare = async () => {
    const s = shareHashFor(result.bytes, choice, selected, example);
    if ('reason' in s) {
      setShare({ text: tr(s.reason) });
      return;
    }
    const url = `${window.location.origin}${window.location.pathname}${s.hash}`;
    try {
      await navigator.clipboard.writeText(url);
      setShare({ text: t('decoder.shareCopied'), url });
    } catch {
      setShare({ text: t('decoder.shareShown'), url });
    }
  };

  const entry = result.entries[selected] ?? result.entries[0];
  const status = busy !== null ? t('decoder.decoding', { bytes: busy }) : tr(statusMessage(result));

  return (
    <div className="mqtt-pw mqtt-hd not-content" data-testid="hex-decoder" data-widget="hex-decoder" data-pagefind-ignore="" data-ready={ready} aria-label={t('decoder.widgetLabel')} role="region">
      <HydrationParts registry={registry}>
      <div className="mqtt-pw__field">
        <label htmlFor={`${id}-input`}>{t('decoder.input')}</label>
        <textarea
          ref={textarea} id={`${id}-input`} rows={5} spellCheck={false} autoCapitalize="off" autoComplete="off"
          defaultValue={typedBeforeHydration ?? initialText} onInput={onInput} data-testid="hd-input" aria-describedby={`${id}-input-help`}
        />
        <p id={`${id}-input-help`} className="mqtt-pw__help">{t('decoder.inputHelp')}</p>
      </div>
      <HydrationPart><CaptureView lang={lang} onOpenPacket={openCapturedPacket} /></HydrationPart>
      <div className="mqtt-pw__controls">
        <label htmlFor={`${id}-version`}>{t('decoder.version')}</label>
        <select id={`${id}-version`} value={choice} data-testid="hd-version" onChange={(e) => {
          interacted.current = true;
          const v = e.target.value as VersionChoice;
          setChoice(v);
          decode(textarea.current?.value ?? '', v);
        }}>
          {VERSION_CHOICES.map((v) => <option key={v} value={v}>{v === 'auto' ? t('decoder.auto') : v}</option>)}
        </select>
        <label htmlFor={`${id}-example`}>{t('decoder.examples')}</label>
        <select id={`${id}-example`} value={example ?? ''} data-testid="hd-example" onChange={(e) => { interacted.current = true; if (e.target.value !== '') loadExample(e.target.value); }}>
          <option value="">{t('decoder.examplePick')}</option>
          {EXAMPLES.map((ex) => <option key={ex.id} value={ex.id}>{t(`decoder.${ex.labelKey}` as CatalogueKey)}</option>)}
        </select>
        <button type="button" onClick={() => { interacted.current = true; if (textarea.current) textarea.current.value = ''; setExample(undefined); decode('', choice); textarea.current?.focus(); }}>{t('decoder.clear')}</button>
        <button type="button" onClick={onShare} data-testid="hd-share">{t('decoder.share')}</button>
      </div>
      {share && (
        <p className="mqtt-pw__note" role="status">
          {share.text}{share.url && <> <input className="mqtt-pw__share-url" readOnly value={share.url} aria-label={t('decoder.share')} onFocus={(e) => e.currentTarget.select()} /></>}
        </p>
      )}
      {linkProblems.length > 0 && (
        <div className="mqtt-pw__problem" role="alert" data-testid="hd-link-problem">
          {linkProblems.map((p, i) => <p key={i}>{tr(p)}</p>)}
        </div>
      )}

      <div className="mqtt-hd__status" aria-live="polite" aria-busy={busy !== null} data-testid="hd-status">
        <p className="mqtt-hd__status-main">{status}</p>
        {busy === null && result.status === 'decoded' && (
          <>
            <p className="mqtt-pw__note">{tr(result.versionReason)}{result.versionDetail && ` ${codecText(lang, result.versionDetail)}.`}</p>
            <p className="mqtt-pw__note">{t('decoder.readAs', { description: translate(lang, `decoder.inputFormat.${result.format}`) })}</p>
            {result.warnings.map((w) => <p key={w} className="mqtt-pw__note">{w}</p>)}
          </>
        )}
        {workerNote && <p className="mqtt-pw__note">{workerNote}</p>}
      </div>
      {busy === null && result.status === 'input-error' && result.inputError && (
        <div className="mqtt-pw__problem" role="alert" data-testid="hd-input-error">
          <p><strong>{t('decoder.inputProblem')}</strong> ({t('decoder.lineColumn', { line: result.inputError.line, column: result.inputError.column })})</p>
          <p>{result.inputError.message}</p>
        </div>
      )}
      {busy === null && result.truncated && (
        <p className="mqtt-pw__warning" data-testid="hd-truncated">{t('decoder.truncated', { shown: result.entries.length, total: result.totalEntries })}</p>
      )}

      {result.entries.length > 0 && (
        <HydrationPart><SequenceDiagram
          entries={result.entries} selected={entry?.index ?? 0} onSelect={(i) => { interacted.current = true; setSelected(i); }} t={t} idPrefix={id}
          stale={busy !== null} exchanges={result.exchanges}
        /></HydrationPart>
      )}
      {entry && <EntryPanel key={`${result.bytes.length}:${entry.index}:${entry.offset}`} result={result} entry={entry} t={t} lang={lang} builderPath={builderPath} idPrefix={`${id}-pv`} tr={tr} />}
      </HydrationParts>
    </div>
  );
}

// ---------------------------------------------------------------------------------------------

export function summarize(entry: StreamEntry, t: Translate): string {
  const f = entry.facts;
  const type = entry.type ?? t('decoder.unknownType');
  if (entry.status === 'malformed') return `${type} — ${t('decoder.malformedTitle', { rule: entry.error?.rule ?? '' })}`;
  if (entry.status === 'incomplete') {
    const title = t('decoder.incompleteTitle', { have: entry.length, needed: entry.needed ?? 0 });
    return `${type} — ${entry.tooLarge !== undefined ? `${title}, ${t('decoder.orTooLargeShort', { n: entry.tooLarge })}` : title}`;
  }
  const parts: string[] = [type];
  switch (entry.type) {
    case 'CONNECT':
      parts.push(JSON.stringify(f.clientId ?? ''), `MQTT ${f.protocolLevel === 5 ? '5.0' : f.protocolLevel === 3 ? '3.1' : '3.1.1'}`);
      if (f.cleanSession) parts.push(t('decoder.clean'));
      if (f.hasWill) parts.push(t('decoder.will'));
      break;
    case 'PUBLISH':
      parts.push(`${t('decoder.qos')} ${f.qos}`);
      if (f.packetId !== undefined) parts.push(`${t('decoder.id')} ${f.packetId}`);
      if (f.topic) parts.push(JSON.stringify(f.topic));
      if (f.topicAlias !== undefined) parts.push(f.aliasTopic ? t('decoder.aliasFor', { n: f.topicAlias, topic: JSON.stringify(f.aliasTopic) }) : t('decoder.alias', { n: f.topicAlias }));
      parts.push(t('decoder.payloadBytes', { n: f.payloadLength ?? 0 }));
      if (f.dup) parts.push(t('decoder.dup'));
      if (f.retain) parts.push(t('decoder.retain'));
      break;
    case 'SUBSCRIBE': case 'UNSUBSCRIBE':
      parts.push(`${t('decoder.id')} ${f.packetId}`, ...(f.filters ?? []).map((x) => JSON.stringify(x)));
      if ((f.filterCount ?? 0) > (f.filters?.length ?? 0)) parts.push(t('decoder.filtersMore', { n: f.filterCount! - f.filters!.length }));
      break;
    case 'SUBACK': case 'UNSUBACK':
      parts.push(`${t('decoder.id')} ${f.packetId}`);
      if (f.reasonCodes) parts.push(f.reasonCodes.map((c) => `0x${c.toString(16).padStart(2, '0')}`).join(' '));
      break;
    default:
      if (f.packetId !== undefined) parts.push(`${t('decoder.id')} ${f.packetId}`);
      if (f.sessionPresent) parts.push(t('decoder.sessionPresent'));
      if (f.reasonCode !== undefined) parts.push(`0x${f.reasonCode.toString(16).padStart(2, '0')} ${f.reasonName ?? ''}`.trim());
  }
  return parts.join(' · ');
}

function relationText(entry: StreamEntry, entries: StreamEntry[], t: Translate, exchanges: AnalysisResult['exchanges']): string[] {
  const out: string[] = [];
  const ex = entry.exchange >= 0 ? exchanges[entry.exchange] : undefined;
  if (ex) {
    const at = ex.members.indexOf(entry.index);
    if (at === 0 && ex.members.length > 1) out.push(t('decoder.answeredBy', { n: String(ex.members[1]! + 1) }));
    else if (at > 0) out.push(t('decoder.answers', { n: String(ex.members[at - 1]! + 1) }));
  }
  for (const note of entry.notes) {
    if (note.kind === 'unanswered') out.push(`⚠ ${t('decoder.noteUnanswered', { expected: note.expected })}`);
    else if (note.kind === 'unmatched') out.push(`⚠ ${t('decoder.noteUnmatched')}`);
    else out.push(`⚠ ${t('decoder.noteCountMismatch', { expected: note.expected, actual: note.actual })}`);
  }
  void entries;
  return out;
}

function directionText(entry: StreamEntry, t: Translate): string {
  const d = entry.direction === 'toBroker' ? t('decoder.toBroker') : entry.direction === 'toClient' ? t('decoder.toClient') : t('decoder.either');
  return entry.confidence === 'likely' ? `${t('decoder.likely')} ${d}` : d;
}

function whyText(entry: StreamEntry, t: Translate): string {
  const params = { type: entry.type ?? '', other: String(entry.whyEntry + 1), detail: entry.whyDetail };
  const key = `decoder.why${entry.why[0]!.toUpperCase()}${entry.why.slice(1)}`;
  return hasKey(key) ? t(key, params) : t('decoder.whyUnknown', params);
}

interface SequenceProps {
  entries: StreamEntry[];
  selected: number;
  onSelect: (index: number) => void;
  t: Translate;
  idPrefix: string;
  stale: boolean;
  exchanges: AnalysisResult['exchanges'];
}

function SequenceDiagram({ entries, selected, onSelect, t, idPrefix, stale, exchanges }: SequenceProps) {
  const list = useRef<HTMLDivElement>(null);
  const [scrollTop, setScrollTop] = useState(0);
  const [viewport, setViewport] = useState(SEQ_ROW * 8);
  const shown = visibleRows(scrollTop, viewport, SEQ_ROW, entries.length, 6);
  const optionId = (i: number) => `${idPrefix}-seq${i}`;

  useEffect(() => {
    const el = list.current;
    if (!el) return;
    setViewport(el.clientHeight || SEQ_ROW * 8);
    const target = scrollToRow(selected, el.scrollTop, el.clientHeight, SEQ_ROW);
    if (target !== null) el.scrollTop = target;
  }, [selected, entries]);

  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    const next = moveInList(selected, event.key, entries.length, Math.max(1, Math.floor(viewport / SEQ_ROW) - 1));
    if (next === null) return;
    event.preventDefault();
    onSelect(next);
  };

  const rows = [];
  for (let i = shown.first; i < shown.last; i++) {
    const e = entries[i]!;
    const relation = relationText(e, entries, t, exchanges);
    const arrowClass = `mqtt-hd__arrow mqtt-hd__arrow--${e.direction}${e.confidence === 'likely' ? ' mqtt-hd__arrow--likely' : ''} mqtt-hd__arrow--${e.status}`;
    rows.push(
      <div
        key={i} id={optionId(i)} role="option" aria-selected={i === selected}
        className={`mqtt-hd__seq-row${i === selected ? ' mqtt-hd__seq-row--selected' : ''} mqtt-hd__seq-row--${e.status}`}
        style={{ top: i * SEQ_ROW, height: SEQ_ROW }}
        data-index={i} data-direction={e.direction} data-status={e.status}
        onMouseDown={(ev) => { ev.preventDefault(); list.current?.focus({ preventScroll: true }); }}
        onClick={() => onSelect(i)}
      >
        <span className="mqtt-hd__seq-num">#{i + 1}</span>
        <span className="mqtt-hd__seq-body">
          <span className={arrowClass} aria-hidden="true" />
          <span className="mqtt-hd__seq-label">
            {e.status === 'valid'
              ? <><span className="mqtt-hd__ok" aria-hidden="true">✓ </span><span className="mqtt-pw-sr">{t('decoder.verdictValid')}: </span></>
              : <><span className={`mqtt-pw__badge mqtt-pw__badge--${e.status}`}>{e.status === 'malformed' ? t('decoder.verdictMalformed') : t('decoder.verdictIncomplete')}</span>{' '}</>}
            {summarize(e, t)}
          </span>
          <span className="mqtt-hd__seq-meta">
            <span className="mqtt-pw-sr">{directionText(e, t)}. </span>
            <span aria-hidden="true">{directionText(e, t)}</span>
            {relation.length > 0 && <> · {relation.join(' · ')}</>}
          </span>
        </span>
      </div>,
    );
  }

  return (
    <section className={`mqtt-hd__seq${stale ? ' mqtt-hd__seq--stale' : ''}`} aria-labelledby={`${idPrefix}-seq-title`}>
      <div className="mqtt-hd__lanes" aria-hidden="true">
        <span className="mqtt-hd__lane-name">{t('decoder.client')}</span>
        <span className="mqtt-hd__lane-name">{t('decoder.broker')}</span>
      </div>
      <h3 id={`${idPrefix}-seq-title`} className="mqtt-pw-sr">{t('decoder.sequenceLabel')}</h3>
      <div
        ref={list} role="listbox" tabIndex={0} aria-labelledby={`${idPrefix}-seq-title`}
        aria-activedescendant={optionId(selected)} aria-describedby={`${idPrefix}-seq-help`}
        className="mqtt-hd__seq-list" onKeyDown={onKeyDown} data-testid="hd-sequence"
        onScroll={(e) => setScrollTop(e.currentTarget.scrollTop)}
      >
        <div className="mqtt-hd__seq-rows" style={{ height: entries.length * SEQ_ROW }} role="presentation">{rows}</div>
      </div>
      <p id={`${idPrefix}-seq-help`} className="mqtt-pw__help">{t('decoder.sequenceHelp')} {t('decoder.legend')}</p>
    </section>
  );
}

// ---------------------------------------------------------------------------------------------

interface EntryPanelProps {
  result: AnalysisResult;
  entry: StreamEntry;
  t: Translate;
  lang: Lang;
  builderPath: string;
  idPrefix: string;
  tr: (m: Msg) => string;
}

function EntryPanel({ result, entry, t, lang, builderPath, idPrefix, tr }: EntryPanelProps) {
  const detail = useMemo(() => entryDetail(result.bytes, entry, lang), [result.bytes, entry, lang]);
  const meanings = useMemo(() => (detail.packet ? fieldMeanings(detail.packet, entry.version) : {}), [detail.packet, entry.version]);
  const link = builderLinkFor(result.bytes, entry, builderPath);
  const [copied, setCopied] = useState(false);
  const title = t('decoder.packetTitle', { n: String(entry.index + 1), type: entry.type ?? t('decoder.unknownType'), length: entry.length, offset: entry.offset });
  const canFollow = entry.status === 'malformed' && result.entries.some((e) => e.offset > entry.offset);

  return (
    <section className="mqtt-hd__detail" aria-label={title} data-testid="hd-detail">
      <h3 className="mqtt-hd__detail-title">
        {title} <span className={`mqtt-pw__badge mqtt-pw__badge--${entry.status}`}>{entry.status === 'valid' ? t('decoder.verdictValid') : entry.status === 'malformed' ? t('decoder.verdictMalformed') : t('decoder.verdictIncomplete')}</span>
      </h3>
      <p className="mqtt-pw__note"><strong>{directionText(entry, t)}</strong> — {whyText(entry, t)}</p>
      {entry.status === 'malformed' && entry.error && (
        <div className="mqtt-pw__problem" data-testid="hd-problem">
          <p><strong>{t('decoder.breaksRule')}</strong> <code className="mqtt-pw__rule">{entry.error.rule}</code></p>
          <p>{codecText(lang, entry.error.explanation)}</p>
          <p className="mqtt-pw__note">{t('decoder.malformedAt', { offset: entry.error.offset, field: entry.error.field })}. {canFollow ? t('decoder.keepGoing') : entry.length === result.bytes.length - entry.offset ? t('decoder.stopped') : t('decoder.keepGoing')}</p>
        </div>
      )}
      {entry.status === 'incomplete' && (
        <div className="mqtt-pw__problem" data-testid="hd-incomplete">
          <p><strong>{t('decoder.incompleteTitle', { have: entry.length, needed: entry.needed ?? 0 })}</strong></p>
          {entry.tooLarge !== undefined
            ? <p data-testid="hd-too-large">{t('decoder.orTooLarge', { n: entry.tooLarge, type: entry.type ?? '' })}</p>
            : <p>{t('decoder.incompleteExplain')}</p>}
        </div>
      )}
      <div className="mqtt-pw__controls">
        {'href' in link
          ? <a className="mqtt-pw__button" href={link.href} data-testid="hd-open-builder">{t('decoder.openInBuilder')}</a>
          : <span className="mqtt-pw__note">{tr(link.reason)}</span>}
        <button type="button" onClick={async () => {
          try {
            await navigator.clipboard.writeText(toHex(result.bytes.subarray(entry.offset, entry.offset + entry.length), ' '));
            setCopied(true);
          } catch { setCopied(false); }
        }}>{copied ? t('decoder.copiedHex') : t('decoder.copyHex')}</button>
      </div>
      <PacketView
        bytes={result.bytes} layout={detail.layout} errorByte={detail.errorByte} payloads={detail.payloads}
        lang={lang} meanings={meanings} idPrefix={idPrefix}
        initialPath={entry.status === 'malformed' ? 'body.error' : entry.type === 'PUBLISH' ? 'payload' : undefined}
      />
    </section>
  );
}
