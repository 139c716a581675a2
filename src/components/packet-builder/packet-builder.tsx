/**
 * The packet builder island: a form for every field of every packet type (3.1.1 and 5.0), the
 * live bytes beside their field tree, the fixed header drawn bit by bit, the remaining length
 * step by step, "copy as" code (highlighted only once that panel opens) and the 3.1.1/5.0 diff.
 */
import { useCallback, useEffect, useId, useMemo, useRef, useState, type ReactNode } from 'react';
import '../../styles/packet-widgets.css';
import {
  addableProperties, BOUNDARY_TARGETS, build, defaultPropertyRow, defaultState, encodeBuilderHash, FILL_BYTE, headerBits,
  MAX_FILL, parseBuilderHash, payloadSizeFor, reasonCodeChoices, setType, setVersion, toggleFlagBit, typesFor,
  sayBuilder, type BuilderMessage, type Explanation, type BuilderState, type BuildResult, type FieldError, type PropertyRow, type SubscriptionRow,
} from './packet-builder-model.ts';
import { CODE_TARGETS, generate, mosquittoAvailable, SHIKI_LANG, type CodeTarget } from './codegen.ts';
import { compare, SCENARIOS } from './compare.ts';
import { translate, translator, type Translate } from '../i18n/catalogue.ts';
import type { Lang } from '../i18n/lang.ts';
import RemainingLengthTable from '../shared/remaining-length-table.tsx';
import VersionSelect from '../shared/version-select.tsx';
import { useUrlHash } from '../shared/use-url-hash.ts';
import type { VersionChoice } from '../shared/version.ts';
import { HydrationPart, HydrationParts, useHydrationParts } from '../shared/hydrate-in-slices.tsx';

/** The builder makes 3.1.1 and 5.0 packets (a 3.1 CONNECT is only decoded). */
const BUILDER_VERSIONS: ReadonlyArray<VersionChoice> = ['3.1.1', '5.0'];
import { hex0x, hexSpaced } from '../shared/hex.ts';
import PacketView from '../shared/annotated-packet/annotated-packet.tsx';
import { codecText } from '../i18n/codec-text.ts';
import { fieldMeanings, layoutPacket } from '../shared/annotated-packet/annotated-packet-model.ts';
import { formatNumber } from '../i18n/format.ts';
import { PROPERTY_BY_KEY, type PacketType, type PropertyContext, type QoS } from '../../mqtt/codec/index.ts';

export interface PacketBuilderProps {
  /** The page's language: every word of the builder comes from that language's catalogue. */
  lang?: Lang;
}

export default function PacketBuilder({ lang = 'en' }: PacketBuilderProps) {
  const t = translator(lang);
  const tr = useCallback((m: BuilderMessage) => sayBuilder(lang, m), [lang]);
  const id = useId().replace(/:/g, '');
  const [state, setState] = useState<BuilderState>(defaultState);
  const [linkProblems, setLinkProblems] = useState<BuilderMessage[]>([]);
  const [share, setShare] = useState<{ text: string; url?: string } | null>(null);
  const interacted = useRef(false);
  const result = useMemo(() => build(state), [state]);
  /** Set once hydrated: the server-rendered HTML is inert until then (tests wait for it). */
  const showBytes = result.bytes !== null && result.packet != null;
  const { ready, registry } = useHydrationParts();

  const update = useCallback((next: BuilderState | ((s: BuilderState) => BuilderState)) => {
    interacted.current = true;
    setShare(null);
    setState(next);
  }, []);

  const writeHash = useUrlHash((hash) => {
    const { state: fromLink, problems } = parseBuilderHash(hash);
    setLinkProblems(problems);
    if (fromLink) setState(fromLink);
  });

  // The URL follows the form once the reader has changed something.
  useEffect(() => {
    if (!interacted.current) return;
    const h = encodeBuilderHash(state);
    if ('hash' in h) writeHash(h.hash);
  }, [state, writeHash]);

  const errorsByField = useMemo(() => {
    const map = new Map<string, FieldError[]>();
    for (const e of result.errors) map.set(e.field, [...(map.get(e.field) ?? []), e]);
    return map;
  }, [result.errors]);

  const status = result.tampered
    ? t('builder.statusTampered', { rule: result.tampered.rule })
    : result.bytes
      ? t('builder.statusValid', { type: state.type, bytes: result.bytes.length })
      : t('builder.statusInvalid', { count: result.errors.length });

  const onShare = async () => {
    const h = encodeBuilderHash(state);
    if ('reason' in h) { setShare({ text: tr(h.reason) }); return; }
    const url = `${window.location.origin}${window.location.pathname}${h.hash}`;
    try {
      await navigator.clipboard.writeText(url);
      setShare({ text: t('builder.shareCopied'), url });
    } catch {
      setShare({ text: t('builder.shareShown'), url });
    }
  };

  const ctx: FormContext = { state, update, lang, t, tr, id, errors: errorsByField };

  return (
    <div className="mqtt-pw mqtt-pb not-content" role="region" aria-label={t('builder.widgetLabel')} data-testid="packet-builder" data-widget="packet-builder" data-pagefind-ignore="" data-ready={ready}>
      <HydrationParts registry={registry}>
        {linkProblems.length > 0 && (
          <div className="mqtt-pw__problem" role="alert" data-testid="pb-link-problem">{linkProblems.map((p, i) => <p key={i}>{tr(p)}</p>)}</div>
        )}
        <div className="mqtt-pw__controls">
          <VersionSelect id={`${id}-version`} lang={lang} value={state.version === 5 ? '5.0' : '3.1.1'} choices={BUILDER_VERSIONS} testId="pb-version"
            onChange={(choice) => update((s) => setVersion(s, choice === '5.0' ? 5 : 4))} />
          <label htmlFor={`${id}-type`}>{t('builder.type')}</label>
          <select id={`${id}-type`} value={state.type} onChange={(e) => update((s) => setType(s, e.target.value as PacketType))} data-testid="pb-type">
            {typesFor(state.version).map((type) => <option key={type} value={type}>{type}</option>)}
          </select>
          <button type="button" onClick={onShare} data-testid="pb-share">{t('common.share')}</button>
        </div>
        <p className="mqtt-pw__note">{translate(lang, `builder.help_${state.type}`)}</p>
        {share && (
          <p className="mqtt-pw__note" role="status">
            {share.text}{share.url && <> <input className="mqtt-pw__share-url" readOnly value={share.url} aria-label={t('common.share')} onFocus={(e) => e.currentTarget.select()} /></>}
          </p>
        )}

        <div className="mqtt-pb__layout">
          <form className="mqtt-pb__form" aria-label={t('builder.fields')} onSubmit={(e) => e.preventDefault()} data-testid="pb-form">
            <HydrationPart>
              <FormFields ctx={ctx} />
              <FieldErrors ctx={ctx} field="packet" />
            </HydrationPart>
          </form>
          <div className="mqtt-pb__output">
            <p className={result.bytes ? 'mqtt-pb__total' : 'mqtt-pw__problem'} aria-live="polite" data-testid="pb-status">{status}</p>
            {/* Hydrated part by part, in short tasks (see hydrate-in-slices.tsx). */}
            <HydrationPart><HeaderBitsPanel ctx={ctx} result={result} /></HydrationPart>
            <HydrationPart>{result.remainingLength && <RemainingLengthPanel ctx={ctx} result={result} />}</HydrationPart>
            {showBytes && (
              <section className="mqtt-pb__section" aria-labelledby={`${id}-bytes-title`}>
                <h3 id={`${id}-bytes-title`}>{t('builder.bytesTitle')}</h3>
                <p className="mqtt-pb__hex" data-testid="pb-hex"><code>{result.bytes!.length <= 256 ? hexSpaced(result.bytes!) : `${hexSpaced(result.bytes!.subarray(0, 256))} …`}</code></p>
                <HydrationPart><BytesView result={result} state={state} lang={lang} idPrefix={`${id}-pv`} /></HydrationPart>
                <HydrationPart><CopyPanel ctx={ctx} result={result} /></HydrationPart>
              </section>
            )}
          </div>
        </div>
        <HydrationPart><ComparePanel lang={lang} id={id} /></HydrationPart>
      </HydrationParts>
    </div>
  );
}

function BytesView({ result, state, lang, idPrefix }: { result: BuildResult; state: BuilderState; lang: Lang; idPrefix: string }) {
  const bytes = result.bytes!;
  const layout = useMemo(() => layoutPacket(result.spans, 0, bytes.length, { lang }), [result.spans, bytes.length, lang]);
  const meanings = useMemo(() => fieldMeanings(result.packet!, state.version), [result.packet, state.version]);
  return <PacketView bytes={bytes} layout={layout} lang={lang} meanings={meanings} idPrefix={idPrefix} />;
}

// ---------------------------------------------------------------------------------------------
// Form

interface FormContext {
  state: BuilderState;
  update: (next: BuilderState | ((s: BuilderState) => BuilderState)) => void;
  lang: Lang;
  t: Translate;
  tr: (m: BuilderMessage) => string;
  id: string;
  errors: Map<string, FieldError[]>;
}

const fieldId = (ctx: FormContext, field: string) => `${ctx.id}-f-${field.replace(/[^a-zA-Z0-9]/g, '-')}`;

function FieldErrors({ ctx, field }: { ctx: FormContext; field: string }) {
  const errors = ctx.errors.get(field);
  if (!errors) return null;
  return (
    <div id={`${fieldId(ctx, field)}-error`} data-error-for={field}>
      {errors.map((e, i) => (
        <p key={i} className="mqtt-pb__field-error" role="alert">
          {ctx.tr(e.message)}{e.rule && <> ({ctx.t('builder.rule')} <code className="mqtt-pw__rule">{e.rule}</code>)</>}
        </p>
      ))}
    </div>
  );
}

function errorProps(ctx: FormContext, field: string) {
  const has = ctx.errors.has(field);
  return { 'aria-invalid': has, ...(has ? { 'aria-describedby': `${fieldId(ctx, field)}-error` } : {}) };
}

function TextField({ ctx, field, label, value, onChange, mono = false, multiline = false, inputMode }: {
  ctx: FormContext; field: string; label: string; value: string; onChange: (v: string) => void; mono?: boolean; multiline?: boolean; inputMode?: 'numeric';
}) {
  const fid = fieldId(ctx, field);
  return (
    <div className="mqtt-pb__row">
      <label htmlFor={fid}>{label}</label>
      {multiline
        ? <textarea id={fid} rows={3} value={value} spellCheck={false} onChange={(e) => onChange(e.target.value)} className={mono ? 'mqtt-pb__mono' : undefined} data-field={field} {...errorProps(ctx, field)} />
        : <input id={fid} type="text" value={value} spellCheck={false} autoComplete="off" inputMode={inputMode} onChange={(e) => onChange(e.target.value)} data-field={field} {...errorProps(ctx, field)} />}
      <FieldErrors ctx={ctx} field={field} />
    </div>
  );
}

function Check({ ctx, field, label, checked, onChange }: { ctx: FormContext; field: string; label: string; checked: boolean; onChange: (v: boolean) => void }) {
  return (
    <div className="mqtt-pb__row">
      <label className="mqtt-pb__check">
        <input type="checkbox" checked={checked} onChange={(e) => onChange(e.target.checked)} data-field={field} {...errorProps(ctx, field)} />
        {label}
      </label>
      <FieldErrors ctx={ctx} field={field} />
    </div>
  );
}

function Select<T extends string | number>({ ctx, field, label, value, options, onChange }: {
  ctx: FormContext; field: string; label: string; value: T; options: Array<{ value: T; label: string }>; onChange: (v: T) => void;
}) {
  const fid = fieldId(ctx, field);
  return (
    <div className="mqtt-pb__row">
      <label htmlFor={fid}>{label}</label>
      <select id={fid} value={String(value)} data-field={field} {...errorProps(ctx, field)} onChange={(e) => {
        const o = options.find((x) => String(x.value) === e.target.value);
        if (o) onChange(o.value);
      }}>
        {options.map((o) => <option key={String(o.value)} value={String(o.value)}>{o.label}</option>)}
      </select>
      <FieldErrors ctx={ctx} field={field} />
    </div>
  );
}

/** A field label from the codec: a message, or (from code that has none yet) a name. */
function spanLabel(lang: Lang, label: Explanation): string {
  // codecText also renders a value that is itself a codec key (a field's name inside a label).
  return typeof label === 'string' ? label : codecText(lang, label);
}

const hex2 = hex0x;

function qosOptions(t: Translate): Array<{ value: QoS; label: string }> {
  return [{ value: 0, label: t('builder.qos0') }, { value: 1, label: t('builder.qos1') }, { value: 2, label: t('builder.qos2') }];
}

function FormFields({ ctx }: { ctx: FormContext }) {
  const { state: s, update, t } = ctx;
  const set = <K extends keyof BuilderState>(key: K) => (value: BuilderState[K]) => update((st) => ({ ...st, [key]: value }));
  const v5 = s.version === 5;
  const props = v5 && s.type !== 'PINGREQ' && s.type !== 'PINGRESP'
    ? <PropertiesEditor ctx={ctx} rows={s.properties} context={s.type} prefix="properties" legend={t('builder.properties')} onChange={(rows) => update((st) => ({ ...st, properties: rows }))} />
    : null;
  const codes = reasonCodeChoices(s.type, s.version);
  const packetId = <TextField ctx={ctx} field="packetId" label={t('builder.packetId')} value={s.packetId} onChange={set('packetId')} inputMode="numeric" />;
  const reasonSelect = (
    <Select ctx={ctx} field="reasonCode" label={t('builder.reasonCode')} value={s.reasonCode}
      options={[{ value: '', label: t('builder.reasonOmitted') }, ...codes.map((c) => ({ value: String(c.code), label: `${hex2(c.code)} ${c.name}` }))]}
      onChange={set('reasonCode')} />
  );
  switch (s.type) {
    case 'CONNECT':
      return (
        <>
          <TextField ctx={ctx} field="clientId" label={t('builder.clientId')} value={s.clientId} onChange={set('clientId')} />
          <Check ctx={ctx} field="cleanSession" label={v5 ? t('builder.cleanStart') : t('builder.cleanSession')} checked={s.cleanSession} onChange={set('cleanSession')} />
          <TextField ctx={ctx} field="keepAlive" label={t('builder.keepAlive')} value={s.keepAlive} onChange={set('keepAlive')} inputMode="numeric" />
          <fieldset>
            <legend>{t('builder.username')}</legend>
            <Check ctx={ctx} field="usernameOn" label={t('builder.include')} checked={s.usernameOn} onChange={set('usernameOn')} />
            {s.usernameOn && <TextField ctx={ctx} field="username" label={t('builder.username')} value={s.username} onChange={set('username')} />}
          </fieldset>
          <fieldset>
            <legend>{t('builder.password')}</legend>
            <Check ctx={ctx} field="passwordOn" label={t('builder.include')} checked={s.passwordOn} onChange={set('passwordOn')} />
            {s.passwordOn && <TextField ctx={ctx} field="password" label={t('builder.password')} value={s.password} onChange={set('password')} />}
            {!s.passwordOn && <FieldErrors ctx={ctx} field="password" />}
          </fieldset>
          <fieldset>
            <legend>{t('builder.will')}</legend>
            <Check ctx={ctx} field="willOn" label={t('builder.include')} checked={s.willOn} onChange={set('willOn')} />
            {s.willOn && (
              <>
                <TextField ctx={ctx} field="will.topic" label={t('builder.willTopic')} value={s.willTopic} onChange={set('willTopic')} />
                <TextField ctx={ctx} field="will.payload" label={t('builder.willPayload')} value={s.willPayload} onChange={set('willPayload')} />
                <Select ctx={ctx} field="will.qos" label={t('builder.willQos')} value={s.willQos} options={qosOptions(t)} onChange={set('willQos')} />
                <Check ctx={ctx} field="will.retain" label={t('builder.willRetain')} checked={s.willRetain} onChange={set('willRetain')} />
                {v5 && <PropertiesEditor ctx={ctx} rows={s.willProperties} context="WILL" prefix="will.properties" legend={t('builder.willProperties')} onChange={(rows) => update((st) => ({ ...st, willProperties: rows }))} />}
              </>
            )}
          </fieldset>
          {props}
        </>
      );
    case 'CONNACK':
      return (
        <>
          <Check ctx={ctx} field="sessionPresent" label={t('builder.sessionPresent')} checked={s.sessionPresent} onChange={set('sessionPresent')} />
          <Select ctx={ctx} field="connackCode" label={v5 ? t('builder.reasonCode') : t('builder.returnCode')} value={s.connackCode}
            options={codes.map((c) => ({ value: String(c.code), label: `${hex2(c.code)} ${c.name}` }))} onChange={set('connackCode')} />
          {props}
        </>
      );
    case 'PUBLISH':
      return (
        <>
          <TextField ctx={ctx} field="topic" label={t('builder.topic')} value={s.topic} onChange={set('topic')} />
          <Select ctx={ctx} field="qos" label={t('builder.qos')} value={s.qos} options={qosOptions(t)} onChange={(q) => update((st) => ({ ...st, qos: q, dup: q === 0 ? false : st.dup, flagsOverride: null }))} />
          {s.qos > 0 && <Check ctx={ctx} field="dup" label={t('builder.dup')} checked={s.dup} onChange={(d) => update((st) => ({ ...st, dup: d, flagsOverride: null }))} />}
          <Check ctx={ctx} field="retain" label={t('builder.retain')} checked={s.retain} onChange={(r) => update((st) => ({ ...st, retain: r, flagsOverride: null }))} />
          {s.qos > 0 && packetId}
          <PayloadEditor ctx={ctx} />
          {props}
        </>
      );
    case 'PUBACK': case 'PUBREC': case 'PUBREL': case 'PUBCOMP':
      return <>{packetId}{v5 && reasonSelect}{props}</>;
    case 'SUBSCRIBE':
      return <>{packetId}<SubscriptionsEditor ctx={ctx} />{props}</>;
    case 'SUBACK': case 'UNSUBACK':
      return (
        <>
          {packetId}
          {(s.type === 'SUBACK' || v5) && (
            <ListEditor ctx={ctx} field="reasonCodes" legend={t('builder.reasonCodes')} items={s.reasonCodes} newItem={s.type === 'SUBACK' ? '1' : '0'}
              onChange={(items) => update((st) => ({ ...st, reasonCodes: items }))}
              renderItem={(value, i, onItem) => (
                <Select ctx={ctx} field={`reasonCodes[${i}]`} label={`${t('builder.reasonCode')} ${i + 1}`} value={value}
                  options={codes.map((c) => ({ value: String(c.code), label: `${hex2(c.code)} ${c.name}` }))} onChange={onItem} />
              )} />
          )}
          {props}
        </>
      );
    case 'UNSUBSCRIBE':
      return (
        <>
          {packetId}
          <ListEditor ctx={ctx} field="topicFilters" legend={t('builder.topicFilters')} items={s.topicFilters} newItem="sensors/#"
            onChange={(items) => update((st) => ({ ...st, topicFilters: items }))}
            renderItem={(value, i, onItem) => <TextField ctx={ctx} field={`topicFilters[${i}]`} label={`${t('builder.topicFilter')} ${i + 1}`} value={value} onChange={onItem} />} />
          {props}
        </>
      );
    case 'DISCONNECT': case 'AUTH':
      return <>{v5 && reasonSelect}{props}</>;
    default:
      return null;
  }
}

function PayloadEditor({ ctx }: { ctx: FormContext }) {
  const { state: s, update, t } = ctx;
  // The choices name the form of the payload; the field below says what to type (the same words twice read as a duplicate).
  const modes = [{ value: 'text' as const, label: t('builder.payloadModeText') }, { value: 'hex' as const, label: t('builder.payloadModeHex') }, { value: 'fill' as const, label: t('builder.payloadModeFill') }];
  return (
    <fieldset>
      <legend>{t('builder.payload')}</legend>
      <div className="mqtt-pb__inline" role="radiogroup" aria-label={t('builder.payloadMode')}>
        {modes.map((m) => (
          <label key={m.value} className="mqtt-pb__check">
            <input type="radio" name={`${ctx.id}-payload-mode`} checked={s.payloadMode === m.value} onChange={() => update((st) => ({ ...st, payloadMode: m.value }))} />
            {m.label}
          </label>
        ))}
      </div>
      {s.payloadMode === 'text' && <TextField ctx={ctx} field="payload" label={t('builder.payloadTextField')} value={s.payloadText} onChange={(v) => update((st) => ({ ...st, payloadText: v }))} multiline />}
      {s.payloadMode === 'hex' && <TextField ctx={ctx} field="payload" label={t('builder.payloadHexField')} value={s.payloadHex} onChange={(v) => update((st) => ({ ...st, payloadHex: v }))} multiline mono />}
      {s.payloadMode === 'fill' && (
        <TextField ctx={ctx} field="payloadFill" label={t('builder.payloadSizeRange', { label: t('builder.payloadSize'), max: MAX_FILL })} value={s.payloadFill} onChange={(v) => update((st) => ({ ...st, payloadFill: v }))} inputMode="numeric" />
      )}
      {s.payloadMode === 'fill' && <FieldErrors ctx={ctx} field="payload" />}
    </fieldset>
  );
}

function SubscriptionsEditor({ ctx }: { ctx: FormContext }) {
  const { state: s, update, t } = ctx;
  const v5 = s.version === 5;
  const setRow = (i: number, patch: Partial<SubscriptionRow>) => update((st) => ({ ...st, subscriptions: st.subscriptions.map((r, k) => (k === i ? { ...r, ...patch } : r)) }));
  return (
    <fieldset>
      <legend>{t('builder.subscriptions')}</legend>
      {s.subscriptions.map((row, i) => (
        <div key={i} className="mqtt-pb__list-item" role="group" aria-label={t('builder.subscription', { n: i + 1 })}>
          <TextField ctx={ctx} field={`subscriptions[${i}].topicFilter`} label={`${t('builder.topicFilter')} ${i + 1}`} value={row.topicFilter} onChange={(v) => setRow(i, { topicFilter: v })} />
          <Select ctx={ctx} field={`subscriptions[${i}].qos`} label={v5 ? t('builder.maxQos') : t('builder.qos')} value={row.qos} options={qosOptions(t)} onChange={(q) => setRow(i, { qos: q })} />
          {v5 && (
            <>
              <Check ctx={ctx} field={`subscriptions[${i}].noLocal`} label={t('builder.noLocal')} checked={row.noLocal} onChange={(b) => setRow(i, { noLocal: b })} />
              <Check ctx={ctx} field={`subscriptions[${i}].rap`} label={t('builder.rap')} checked={row.retainAsPublished} onChange={(b) => setRow(i, { retainAsPublished: b })} />
              <Select ctx={ctx} field={`subscriptions[${i}].retainHandling`} label={t('builder.retainHandling')} value={row.retainHandling}
                options={[{ value: 0 as const, label: t('builder.rh0') }, { value: 1 as const, label: t('builder.rh1') }, { value: 2 as const, label: t('builder.rh2') }]} onChange={(h) => setRow(i, { retainHandling: h })} />
            </>
          )}
          {s.subscriptions.length > 1 && (
            <button type="button" onClick={() => update((st) => ({ ...st, subscriptions: st.subscriptions.filter((_, k) => k !== i) }))}>
              {t('builder.removeItem', { what: ` ${t('builder.subscription', { n: i + 1 })}` })}
            </button>
          )}
        </div>
      ))}
      <button type="button" onClick={() => update((st) => ({ ...st, subscriptions: [...st.subscriptions, { topicFilter: 'sensors/#', qos: 0, noLocal: false, retainAsPublished: false, retainHandling: 0 }] }))}>
        {t('builder.add')}: {t('builder.topicFilter')}
      </button>
      <FieldErrors ctx={ctx} field="subscriptions" />
    </fieldset>
  );
}

function ListEditor({ ctx, field, legend, items, newItem, onChange, renderItem }: {
  ctx: FormContext; field: string; legend: string; items: string[]; newItem: string; onChange: (items: string[]) => void;
  renderItem: (value: string, i: number, onItem: (v: string) => void) => ReactNode;
}) {
  return (
    <fieldset>
      <legend>{legend}</legend>
      {items.map((value, i) => (
        <div key={i} className="mqtt-pb__list-item">
          {renderItem(value, i, (v) => onChange(items.map((x, k) => (k === i ? v : x))))}
          {items.length > 1 && <button type="button" onClick={() => onChange(items.filter((_, k) => k !== i))}>{ctx.t('builder.removeItem', { what: ` ${i + 1}` })}</button>}
        </div>
      ))}
      <button type="button" onClick={() => onChange([...items, newItem])}>{ctx.t('builder.add')}</button>
      <FieldErrors ctx={ctx} field={field} />
    </fieldset>
  );
}

function PropertiesEditor({ ctx, rows, context, prefix, legend, onChange }: {
  ctx: FormContext; rows: PropertyRow[]; context: PropertyContext; prefix: string; legend: string; onChange: (rows: PropertyRow[]) => void;
}) {
  const { t } = ctx;
  const addable = addableProperties(rows, context);
  const setRow = (i: number, patch: Partial<PropertyRow>) => onChange(rows.map((r, k) => (k === i ? { ...r, ...patch } : r)));
  const addId = `${fieldId(ctx, prefix)}-add`;
  return (
    <fieldset data-testid={`pb-${prefix}`}>
      <legend>{legend}</legend>
      {rows.length === 0 && (context === 'PUBACK' || context === 'PUBREC' || context === 'PUBREL' || context === 'PUBCOMP' || context === 'DISCONNECT')
        ? <Check ctx={ctx} field="emptyPropertyBlock" label={t('builder.emptyPropertyBlock')} checked={ctx.state.emptyPropertyBlock} onChange={(b) => ctx.update((st) => ({ ...st, emptyPropertyBlock: b }))} />
        : rows.length === 0 && <p className="mqtt-pw__note">{t('builder.noProperties')}</p>}
      {rows.map((row, i) => {
        const d = PROPERTY_BY_KEY.get(row.key);
        const field = `${prefix}[${i}]`;
        const label = `${d?.label ?? row.key} (0x${(d?.id ?? 0).toString(16).padStart(2, '0')})`;
        const binary = d?.wireType === 'binaryData';
        return (
          <div key={i} className="mqtt-pb__list-item" role="group" aria-label={label}>
            {row.key === 'userProperties' ? (
              <div className="mqtt-pb__inline">
                <TextField ctx={ctx} field={`${field}.name`} label={`${label}: ${t('builder.propertyName')}`} value={row.name ?? ''} onChange={(v) => setRow(i, { name: v })} />
                <TextField ctx={ctx} field={field} label={t('builder.propertyValue')} value={row.value} onChange={(v) => setRow(i, { value: v })} />
              </div>
            ) : (
              <TextField ctx={ctx} field={field} label={binary ? `${label} — ${t('builder.hexHint')}` : label} value={row.value} onChange={(v) => setRow(i, { value: v })} mono={binary} />
            )}
            <button type="button" onClick={() => onChange(rows.filter((_, k) => k !== i))}>{t('builder.removeItem', { what: ` ${d?.label ?? row.key}` })}</button>
          </div>
        );
      })}
      {addable.length > 0 && (
        <div className="mqtt-pb__row">
          <label htmlFor={addId}>{t('builder.addProperty')}</label>
          <select id={addId} value="" data-testid={`pb-add-${prefix}`} onChange={(e) => {
            const key = e.target.value as PropertyRow['key'];
            if (PROPERTY_BY_KEY.has(key)) onChange([...rows, defaultPropertyRow(key)]);
          }}>
            <option value="">{t('builder.addPropertyPick')}</option>
            {addable.map((d) => <option key={d.key} value={d.key}>{d.label} (0x{d.id.toString(16).padStart(2, '0')})</option>)}
          </select>
        </div>
      )}
      <FieldErrors ctx={ctx} field={prefix} />
    </fieldset>
  );
}

// ---------------------------------------------------------------------------------------------
// Fixed header bits and remaining length

function HeaderBitsPanel({ ctx, result }: { ctx: FormContext; result: BuildResult }) {
  const { state, update, t } = ctx;
  const bits = headerBits(state);
  const role = (r: string) => translate(ctx.lang, `builder.role_${r}`);
  return (
    <section className="mqtt-pb__section" aria-labelledby={`${ctx.id}-fh-title`} data-testid="pb-header-bits">
      <h3 id={`${ctx.id}-fh-title`}>{t('builder.fixedHeader')}</h3>
      <p className="mqtt-pw__help">{t('builder.fixedHeaderHelp')}</p>
      <div className="mqtt-pb__scroll" tabIndex={0}>
        <table className="mqtt-pb__header-bits">
          <thead>
            <tr>{bits.map((b) => <th key={b.bit} scope="col"><span className="mqtt-pw-sr">{t('builder.bit')} </span>{b.bit}</th>)}</tr>
          </thead>
          <tbody>
            <tr>
              {bits.map((b) => (
                <td key={b.bit} className={b.toggleable ? undefined : 'mqtt-pb__type-bit'}>
                  {b.toggleable ? (
                    <button
                      type="button" aria-pressed={b.value === 1}
                      className={`mqtt-pb__bit-button${b.specAllowsChange ? '' : ' mqtt-pb__bit-button--forbidden'}${b.tampered ? ' mqtt-pb__bit-button--tampered' : ''}`}
                      aria-label={t('builder.toggleBit', { bit: String(b.bit), role: role(b.role), value: String(b.value) })}
                      onClick={() => update((s) => toggleFlagBit(s, b.bit))}
                      data-bit={b.bit}
                    >
                      {b.value}
                    </button>
                  ) : <span>{b.value}</span>}
                </td>
              ))}
            </tr>
            <tr>{bits.map((b) => <td key={b.bit}>{role(b.role)}</td>)}</tr>
          </tbody>
        </table>
      </div>
      {result.tampered && (
        <div className="mqtt-pw__problem" role="alert" data-testid="pb-tampered">
          <p><strong>{t('builder.tamperedTitle')}</strong>: <code className="mqtt-pw__rule">{result.tampered.rule}</code></p>
          <p>{ctx.tr(result.tampered.explanation)}</p>
          <button type="button" onClick={() => update((s) => ({ ...s, flagsOverride: null }))}>{t('builder.resetFlags')}</button>
        </div>
      )}
      {!result.tampered && <FieldErrors ctx={ctx} field="fixedHeader.flags" />}
    </section>
  );
}

function RemainingLengthPanel({ ctx, result }: { ctx: FormContext; result: BuildResult }) {
  const { t, state, update } = ctx;
  const rl = result.remainingLength!;
  return (
    <section className="mqtt-pb__section" aria-labelledby={`${ctx.id}-rl-title`} data-testid="pb-remaining-length">
      <h3 id={`${ctx.id}-rl-title`}>{t('builder.remainingLength', { value: rl.value, size: rl.size })}</h3>
      <p className="mqtt-pw__help">{t('builder.remainingLengthHelp')} {rl.nextBoundary !== null ? t('builder.nextBoundary', { boundary: rl.nextBoundary }) : t('builder.maxBoundary')}</p>
      <RemainingLengthTable lang={ctx.lang} steps={rl.steps} className="mqtt-pb__vbi" />
      {state.type === 'PUBLISH' && (
        <div className="mqtt-pw__controls" role="group" aria-label={t('builder.crossBoundary')}>
          <span>{t('builder.crossBoundary')}</span>
          {BOUNDARY_TARGETS.map((target) => {
            const size = payloadSizeFor(target, result.overhead);
            return (
              <button key={target} type="button" disabled={size === null} title={size === null ? t('builder.cannotReach') : undefined}
                aria-pressed={rl.value === target}
                onClick={() => size !== null && update((s) => ({ ...s, payloadMode: 'fill', payloadFill: String(size) }))}
                data-target={target}>
                {formatNumber(target, ctx.lang)}
              </button>
            );
          })}
        </div>
      )}
    </section>
  );
}

// ---------------------------------------------------------------------------------------------
// Copy as

const PREVIEW_CHARS = 200_000;

function CopyPanel({ ctx, result }: { ctx: FormContext; result: BuildResult }) {
  const { t, state } = ctx;
  const [open, setOpen] = useState(false);
  const [target, setTarget] = useState<CodeTarget>('hex');
  const [html, setHtml] = useState<{ code: string; html: string } | null>(null);
  const [note, setNote] = useState<string | null>(null);
  const packet = result.packet!;
  const bytes = result.bytes!;
  const fillOption = state.type === 'PUBLISH' && state.payloadMode === 'fill' ? { fill: { length: bytes.length > 0 ? Number(state.payloadFill) : 0, byte: FILL_BYTE } } : {};
  const available = CODE_TARGETS.filter((c) => c !== 'mosquitto' || mosquittoAvailable(packet));
  const current = available.includes(target) ? target : 'hex';
  const code = useMemo(() => (open ? generate(current, packet, bytes, state.version, fillOption) : ''), [open, current, packet, bytes, state.version, fillOption.fill?.length]);
  const lang = SHIKI_LANG[current];

  useEffect(() => {
    if (!open || lang === null || code.length > PREVIEW_CHARS) return;
    let live = true;
    import('./highlight.ts')
      .then((m) => m.highlight(code, lang))
      .then((h) => { if (live) setHtml({ code, html: h }); })
      .catch(() => { if (live) setHtml(null); });
    return () => { live = false; };
  }, [open, code, lang]);

  const onCopy = async () => {
    try {
      await navigator.clipboard.writeText(code);
      setNote(t('builder.copied'));
    } catch {
      setNote(t('builder.copyFailed'));
    }
  };

  const preview = code.length > PREVIEW_CHARS ? code.slice(0, PREVIEW_CHARS) : code;
  return (
    <details className="mqtt-pb__copy" onToggle={(e) => setOpen(e.currentTarget.open)} data-testid="pb-copy">
      <summary>{t('builder.copyAs')}</summary>
      {open && (
        <div className="mqtt-pb__code">
          <div className="mqtt-pb__tabs" role="group" aria-label={t('builder.copyAs')}>
            {available.map((c) => (
              <button key={c} type="button" aria-pressed={c === current} onClick={() => { setTarget(c); setNote(null); }} data-target={c}>
                {translate(ctx.lang, `builder.target_${c}`)}
              </button>
            ))}
            <button type="button" onClick={onCopy} data-testid="pb-copy-button">{t('builder.copy')}</button>
          </div>
          <p className="mqtt-pw__note" role="status">{note ?? (lang !== null && html?.code !== code && code.length <= PREVIEW_CHARS ? t('builder.highlighting') : '')}</p>
          {code.length > PREVIEW_CHARS && <p className="mqtt-pw__note">{t('builder.previewTruncated', { shown: PREVIEW_CHARS, total: code.length })}</p>}
          {lang !== null && html !== null && html.code === code
            // Shiki's own HTML for code the builder generated; user strings inside were escaped for the language, and Shiki escapes the text.
            ? <div className="mqtt-pb__shiki" data-testid="pb-code" data-lang={lang} dangerouslySetInnerHTML={{ __html: html.html }} />
            : <pre tabIndex={0} data-testid="pb-code" data-lang={lang ?? current}>{preview}</pre>}
        </div>
      )}
    </details>
  );
}

// ---------------------------------------------------------------------------------------------
// 3.1.1 vs 5.0

function ComparePanel({ lang, id }: { lang: Lang; id: string }) {
  const t = translator(lang);
  const [scenario, setScenario] = useState(SCENARIOS[0]!.id);
  const c = useMemo(() => compare(scenario), [scenario]);
  if (c === null) return null;
  const statusLabel = { same: t('builder.cmpSame'), changed: t('builder.cmpChanged'), only4: t('builder.cmpOnly4'), only5: t('builder.cmpOnly5') };
  return (
    <section className="mqtt-pb__section" aria-labelledby={`${id}-cmp-title`} data-testid="pb-compare">
      <h3 id={`${id}-cmp-title`}>{t('builder.compareTitle')}</h3>
      <p className="mqtt-pw__help">{t('builder.compareHelp')}</p>
      <div className="mqtt-pw__controls">
        <label htmlFor={`${id}-cmp`}>{t('builder.comparePick')}</label>
        <select id={`${id}-cmp`} value={scenario} onChange={(e) => setScenario(e.target.value)}>
          {SCENARIOS.map((s) => <option key={s.id} value={s.id}>{translate(lang, `builder.cmp_${s.id}`)}</option>)}
        </select>
      </div>
      <p>{translate(lang, `builder.${c.noteKey}`)}</p>
      <div className="mqtt-pb__compare">
        {([['3.1.1', c.v4, 'v4'], ['5.0', c.v5, 'v5']] as const).map(([label, side, key]) => (
          <div key={label} className="mqtt-pb__compare-side" data-testid={`pb-compare-${key}`}>
            <h4>MQTT {label} — <span className="mqtt-pb__total">{t('builder.cmpTotal', { bytes: side.total })}</span></h4>
            {side.packets.map((p, i) => (
              <div key={i}>
                {side.packets.length > 1 && <h5>{t('builder.cmpPacket', { n: i + 1 })}</h5>}
                <ul className="mqtt-pb__diff">
                  {c.diffs[i]!.filter((r) => (key === 'v4' ? r.v4 !== null : r.v5 !== null)).map((r) => (
                    <li key={r.path} className={`mqtt-pb__diff--${r.status === 'only4' || r.status === 'only5' ? 'only' : r.status}`}>
                      <span>{spanLabel(lang, r.label)}{r.status !== 'same' && <span className="mqtt-pw-sr"> ({statusLabel[r.status]})</span>}</span>
                      <span className="mqtt-pb__diff-bytes">{key === 'v4' ? r.v4 : r.v5}</span>
                    </li>
                  ))}
                </ul>
              </div>
            ))}
          </div>
        ))}
      </div>
      <p className="mqtt-pw__help">
        <span className="mqtt-pb__diff--changed">&nbsp;{t('builder.cmpChanged')}&nbsp;</span>{' '}
        <span className="mqtt-pb__diff--only">&nbsp;{t('builder.cmpOnly5')} / {t('builder.cmpOnly4')}&nbsp;</span>{' '}
        <span className="mqtt-pb__diff--same">{t('builder.cmpSame')}</span>
      </p>
    </section>
  );
}
