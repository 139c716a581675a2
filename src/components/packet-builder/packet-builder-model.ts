/**
 * The pure model of the packet builder: form state per packet type and version → packet model →
 * bytes, annotated spans and errors (each on the form field it belongs to, with the rule id), the
 * fixed header bit by bit, the remaining length step by step, and the URL state. No DOM, no React.
 *
 * The builder never shows bytes the decoder rejects: every packet is encoded with the codec and
 * decoded again, and any failure becomes an error instead of output.
 */
import {
  decodeAll, encodePacket, InvalidPacketError, PACKET_TYPE_CODES, PROPERTIES, PROPERTY_BY_KEY, REASON_CODES,
  CONNECT_RETURN_CODES_V4, RESERVED_FLAGS, traceVariableByteInteger, variableByteIntegerSize, MAX_VARIABLE_BYTE_INTEGER,
  type AuthPacket, type ConnectPacket, type DisconnectPacket, type FieldSpan, type Packet, type PacketType,
  type PubAckLikePacket, type PublishPacket, type UnsubackPacket, type Properties, type PropertyContext, type PropertyDefinition,
  type QoS, type VariableByteIntegerStep,
} from '../../mqtt/codec/index.ts';
import { HexInputError, parseHexInput, toHex } from '../../input/index.ts';
import { translate } from '../i18n/catalogue.ts';
import type { Values } from '../i18n/format.ts';
import type { Lang } from '../i18n/lang.ts';

/** A codec explanation: a message (key and values) or, from code that has none yet, a sentence. */
export type Explanation = string | { readonly key: string; readonly values?: Readonly<Record<string, string | number>> };

/**
 * What the builder says: a catalogue key ('builder.…', 'codec.…') and its values; `parts` are
 * messages worded first and put into the values by name (a codec explanation inside a builder
 * sentence). `{ text }` is a sentence from a source that has no catalogue key.
 */
export type BuilderMessage = { key: string; values?: Values; parts?: Readonly<Record<string, BuilderMessage>> } | { text: string };

const msg = (key: string, values?: Values, parts?: Record<string, BuilderMessage>): BuilderMessage =>
  ({ key: `builder.${key}`, ...(values === undefined ? {} : { values }), ...(parts === undefined ? {} : { parts }) });

/** A codec explanation as a builder message. */
export function explained(e: Explanation): BuilderMessage {
  return typeof e === 'string' ? { text: e } : { key: e.key, ...(e.values === undefined ? {} : { values: e.values }) };
}

/** A builder message in `lang`. */
export function sayBuilder(lang: Lang, m: BuilderMessage): string {
  if ('text' in m) return m.text;
  const parts = m.parts === undefined ? {} : Object.fromEntries(Object.entries(m.parts).map(([name, part]) => [name, sayBuilder(lang, part)]));
  return translate(lang, m.key, { ...m.values, ...parts });
}

export type BuilderVersion = 4 | 5;
export type PayloadMode = 'text' | 'hex' | 'fill';
export type PropertyKey = keyof Properties;

/** One property instance. User properties use `name` and `value`; everything else only `value`. */
export interface PropertyRow {
  key: PropertyKey;
  value: string;
  name?: string;
}

export interface SubscriptionRow {
  topicFilter: string;
  qos: QoS;
  noLocal: boolean;
  retainAsPublished: boolean;
  retainHandling: 0 | 1 | 2;
}

/** Every field of every packet type. Switching type keeps what the types share (topic, packet id…). */
export interface BuilderState {
  version: BuilderVersion;
  type: PacketType;
  // CONNECT
  clientId: string;
  cleanSession: boolean;
  keepAlive: string;
  usernameOn: boolean;
  username: string;
  passwordOn: boolean;
  password: string;
  willOn: boolean;
  willTopic: string;
  willPayload: string;
  willQos: QoS;
  willRetain: boolean;
  willProperties: PropertyRow[];
  // CONNACK
  sessionPresent: boolean;
  connackCode: string;
  // PUBLISH
  topic: string;
  qos: QoS;
  dup: boolean;
  retain: boolean;
  packetId: string;
  payloadMode: PayloadMode;
  payloadText: string;
  payloadHex: string;
  payloadFill: string;
  // PUBACK … PUBCOMP, DISCONNECT, AUTH (5.0): '' leaves the reason code out
  reasonCode: string;
  // SUBSCRIBE
  subscriptions: SubscriptionRow[];
  // SUBACK, UNSUBACK
  reasonCodes: string[];
  // UNSUBSCRIBE
  topicFilters: string[];
  properties: PropertyRow[];
  /**
   * PUBACK…PUBCOMP and DISCONNECT may end after the reason code or carry a Property Length of 0:
   * both mean "no properties", and a decoded packet may use either. True writes the 0.
   */
  emptyPropertyBlock: boolean;
  /** Flag bits the reader toggled into a value the spec forbids; null when the form's flags stand. */
  flagsOverride: number | null;
}

export const PACKET_TYPES: ReadonlyArray<PacketType> = [
  'CONNECT', 'CONNACK', 'PUBLISH', 'PUBACK', 'PUBREC', 'PUBREL', 'PUBCOMP', 'SUBSCRIBE', 'SUBACK',
  'UNSUBSCRIBE', 'UNSUBACK', 'PINGREQ', 'PINGRESP', 'DISCONNECT', 'AUTH',
];

export function typesFor(version: BuilderVersion): PacketType[] {
  return PACKET_TYPES.filter((t) => version === 5 || t !== 'AUTH');
}

/** The largest payload the "payload size" control makes: enough to cross 2 097 151, small enough for a tab. */
export const MAX_FILL = 4 * 1024 * 1024;
export const FILL_BYTE = 0x78; // 'x'

export function defaultState(): BuilderState {
  return {
    version: 5,
    type: 'PUBLISH',
    clientId: 'mqtt-lab-1',
    cleanSession: true,
    keepAlive: '60',
    usernameOn: false,
    username: 'alice',
    passwordOn: false,
    password: 's3cret',
    willOn: false,
    willTopic: 'devices/mqtt-lab-1/status',
    willPayload: 'offline',
    willQos: 1,
    willRetain: true,
    willProperties: [],
    sessionPresent: false,
    connackCode: '0',
    topic: 'sensors/kitchen/temperature',
    qos: 1,
    dup: false,
    retain: false,
    packetId: '1',
    payloadMode: 'text',
    payloadText: '{"celsius":21.5}',
    payloadHex: '',
    payloadFill: '200',
    reasonCode: '',
    subscriptions: [{ topicFilter: 'sensors/+/temperature', qos: 1, noLocal: false, retainAsPublished: false, retainHandling: 0 }],
    reasonCodes: ['1'],
    topicFilters: ['sensors/+/temperature'],
    properties: [],
    emptyPropertyBlock: false,
    flagsOverride: null,
  };
}

/** Types whose property block may be left out entirely (5.0 §3.4.2.2.1, §3.14.2.2.1). */
export const OPTIONAL_PROPERTY_BLOCK: ReadonlySet<PacketType> = new Set(['PUBACK', 'PUBREC', 'PUBREL', 'PUBCOMP', 'DISCONNECT']);

// ---------------------------------------------------------------------------------------------
// Transitions

/** The context a packet type's properties are checked against. */
export function propertyContext(type: PacketType): PropertyContext {
  return type;
}

export function allowedProperties(context: PropertyContext): PropertyDefinition[] {
  return PROPERTIES.filter((d) => d.contexts.includes(context));
}

/** Properties that may still be added: repeatable ones always, the others once. */
export function addableProperties(rows: ReadonlyArray<PropertyRow>, context: PropertyContext): PropertyDefinition[] {
  return allowedProperties(context).filter((d) => {
    const repeatable = d.repeatable && !(d.key === 'subscriptionIdentifiers' && context === 'SUBSCRIBE');
    return repeatable || !rows.some((r) => r.key === d.key);
  });
}

/** A sensible value for a newly added property: one that makes a valid packet. */
export function defaultPropertyRow(key: PropertyKey): PropertyRow {
  const d = PROPERTY_BY_KEY.get(key)!;
  if (key === 'userProperties') return { key, name: 'unit', value: 'C' };
  switch (d.wireType) {
    case 'byte': return { key, value: key === 'maximumQoS' ? '1' : '1' };
    case 'twoByteInteger': return { key, value: key === 'topicAlias' ? '1' : key === 'serverKeepAlive' ? '60' : '10' };
    case 'fourByteInteger': return { key, value: key === 'maximumPacketSize' ? '1048576' : '3600' };
    case 'variableByteInteger': return { key, value: '1' };
    case 'binaryData': return { key, value: key === 'correlationData' ? '72 65 71 2d 34 32' : '00 01 02 03' };
    default: return { key, value: DEFAULT_STRINGS[key] ?? 'text' };
  }
}

const DEFAULT_STRINGS: Partial<Record<PropertyKey, string>> = {
  contentType: 'application/json', responseTopic: 'replies/mqtt-lab-1', assignedClientIdentifier: 'auto-7f3a',
  authenticationMethod: 'SCRAM-SHA-256', responseInformation: 'replies/', serverReference: 'broker2.example:1883',
  reasonString: 'explained in words',
};

export function setType(state: BuilderState, type: PacketType): BuilderState {
  const context = propertyContext(type);
  const allowed = new Set(allowedProperties(context).map((d) => d.key));
  let properties = state.properties.filter((r) => allowed.has(r.key));
  if (type === 'SUBSCRIBE') {
    const firstId = properties.findIndex((r) => r.key === 'subscriptionIdentifiers');
    properties = properties.filter((r, i) => r.key !== 'subscriptionIdentifiers' || i === firstId);
  }
  let reasonCode = state.reasonCode;
  if (reasonCode !== '' && REASON_CODES.every((r) => r.code !== Number(reasonCode) || !r.packets.includes(type))) reasonCode = '';
  let reasonCodes = state.reasonCodes;
  if (type === 'UNSUBACK' && reasonCodes.every((c) => c === '1')) reasonCodes = reasonCodes.map(() => '0');
  if (type === 'SUBACK' && reasonCodes.every((c) => c === '0')) reasonCodes = reasonCodes.map(() => '1');
  return { ...state, type, properties, reasonCode, reasonCodes, flagsOverride: null };
}

export function setVersion(state: BuilderState, version: BuilderVersion): BuilderState {
  const type = version === 4 && state.type === 'AUTH' ? 'CONNECT' : state.type;
  let connackCode = state.connackCode;
  // Return codes and reason codes are different numbers for the same answers.
  const v4ToV5: Record<string, string> = { '0': '0', '1': '132', '2': '133', '3': '136', '4': '134', '5': '135' };
  const v5ToV4: Record<string, string> = { '0': '0', '132': '1', '133': '2', '136': '3', '134': '4', '135': '5' };
  if (version !== state.version) connackCode = (version === 5 ? v4ToV5 : v5ToV4)[connackCode] ?? (version === 5 ? '128' : '3');
  let reasonCodes = state.reasonCodes;
  if (version === 4) reasonCodes = reasonCodes.map((c) => (Number(c) >= 0x80 ? '128' : c));
  return setType({ ...state, version, connackCode, reasonCodes, reasonCode: version === 4 ? '' : state.reasonCode }, type);
}

// ---------------------------------------------------------------------------------------------
// Form → packet

export interface FieldError {
  /** The form field: `topic`, `packetId`, `properties[2]`, `subscriptions[0].topicFilter`, `fixedHeader.flags`, `packet`… */
  field: string;
  message: BuilderMessage;
  rule?: string;
}

function intField(raw: string, min: number, max: number, field: string, errors: FieldError[], rule?: string): number {
  const s = raw.trim();
  if (!/^\d{1,10}$/.test(s) || Number(s) < min || Number(s) > max) {
    errors.push({ field, message: msg('errInteger', { min, max }), ...(rule ? { rule } : {}) });
    return min;
  }
  return Number(s);
}

function hexField(raw: string, field: string, errors: FieldError[]): Uint8Array {
  try {
    return parseHexInput(raw, { allowBase64: false, maxBytes: MAX_FILL }).bytes;
  } catch (error) {
    if (error instanceof HexInputError) {
      errors.push({ field, message: msg('errHex', { line: error.line, column: error.column, snippet: error.snippet.slice(0, 24) }) });
      return new Uint8Array(0);
    }
    throw error;
  }
}

const utf8 = new TextEncoder();

export function payloadBytes(state: BuilderState, errors: FieldError[] = []): Uint8Array {
  if (state.payloadMode === 'hex') return hexField(state.payloadHex, 'payload', errors);
  if (state.payloadMode === 'fill') {
    const n = intField(state.payloadFill, 0, MAX_FILL, 'payloadFill', errors);
    return new Uint8Array(n).fill(FILL_BYTE);
  }
  return utf8.encode(state.payloadText);
}

function propertiesFrom(rows: ReadonlyArray<PropertyRow>, context: PropertyContext, prefix: string, errors: FieldError[]): Properties | undefined {
  if (rows.length === 0) return undefined;
  const out: Record<string, unknown> = {};
  rows.forEach((row, i) => {
    const field = `${prefix}[${i}]`;
    const d = PROPERTY_BY_KEY.get(row.key);
    if (d === undefined || !d.contexts.includes(context)) {
      errors.push({ field, message: msg('errPropertyNotAllowed', { name: d?.label ?? String(row.key), packet: context }), rule: 'MQTT-5.0 §2.2.2.2' });
      return;
    }
    const repeatable = d.repeatable && !(d.key === 'subscriptionIdentifiers' && context === 'SUBSCRIBE');
    if (!repeatable && out[d.key] !== undefined) {
      errors.push({ field, message: msg('errPropertyTwice', { name: d.label }), rule: 'MQTT-5.0 §2.2.2.2' });
      return;
    }
    switch (d.wireType) {
      case 'byte': case 'twoByteInteger': case 'fourByteInteger': {
        const max = d.wireType === 'byte' ? 0xff : d.wireType === 'twoByteInteger' ? 0xffff : 0xffff_ffff;
        const min = d.allowed?.min ?? 0;
        out[d.key] = intField(row.value, min, Math.min(max, d.allowed?.max ?? max), field, errors, d.allowed?.rule ?? 'MQTT-5.0 §2.2.2.2');
        break;
      }
      case 'variableByteInteger': {
        const n = intField(row.value, 1, MAX_VARIABLE_BYTE_INTEGER, field, errors, d.allowed?.rule);
        const list = (out.subscriptionIdentifiers as number[] | undefined) ?? [];
        list.push(n);
        out.subscriptionIdentifiers = list;
        break;
      }
      case 'utf8String':
        out[d.key] = row.value;
        break;
      case 'binaryData':
        out[d.key] = hexField(row.value, field, errors);
        break;
      case 'utf8StringPair': {
        const pairs = (out.userProperties as Array<[string, string]> | undefined) ?? [];
        pairs.push([row.name ?? '', row.value]);
        out.userProperties = pairs;
        break;
      }
    }
  });
  return out as Properties;
}

/** The packet the form describes, or the form errors that stop it from being one. */
export function formToPacket(state: BuilderState): { packet: Packet | null; errors: FieldError[] } {
  const errors: FieldError[] = [];
  const v = state.version;
  const props = (rows: PropertyRow[], context: PropertyContext, prefix: string) => (v === 5 ? propertiesFrom(rows, context, prefix, errors) : undefined);
  const withProps = <P extends Packet>(p: P, properties: Properties | undefined): P => {
    if (properties !== undefined) return { ...p, properties };
    if (v === 5 && state.emptyPropertyBlock && OPTIONAL_PROPERTY_BLOCK.has(state.type)) return { ...p, properties: {} };
    return p;
  };
  const packetId = () => intField(state.packetId, 1, 0xffff, 'packetId', errors, v === 5 ? 'MQTT-2.2.1-3' : 'MQTT-2.3.1-1');
  const reason = (): number | undefined => (state.reasonCode === '' ? undefined : intField(state.reasonCode, 0, 0xff, 'reasonCode', errors));
  let packet: Packet;
  switch (state.type) {
    case 'CONNECT': {
      const p: ConnectPacket = {
        type: 'CONNECT', protocolName: 'MQTT', protocolLevel: v, cleanSession: state.cleanSession,
        keepAlive: intField(state.keepAlive, 0, 0xffff, 'keepAlive', errors), clientId: state.clientId,
      };
      if (state.willOn) {
        p.will = { topic: state.willTopic, payload: utf8.encode(state.willPayload), qos: state.willQos, retain: state.willRetain };
        const willProps = props(state.willProperties, 'WILL', 'will.properties');
        if (willProps !== undefined) p.will.properties = willProps;
      }
      if (state.usernameOn) p.username = state.username;
      if (state.passwordOn) p.password = utf8.encode(state.password);
      packet = withProps(p, props(state.properties, 'CONNECT', 'properties'));
      break;
    }
    case 'CONNACK':
      packet = withProps({ type: 'CONNACK', sessionPresent: state.sessionPresent, reasonCode: intField(state.connackCode, 0, 0xff, 'connackCode', errors) }, props(state.properties, 'CONNACK', 'properties'));
      break;
    case 'PUBLISH': {
      const p: PublishPacket = { type: 'PUBLISH', dup: state.dup, qos: state.qos, retain: state.retain, topic: state.topic, payload: payloadBytes(state, errors) };
      if (state.qos > 0) p.packetId = packetId();
      packet = withProps(p, props(state.properties, 'PUBLISH', 'properties'));
      break;
    }
    case 'PUBACK': case 'PUBREC': case 'PUBREL': case 'PUBCOMP': {
      const p: PubAckLikePacket = { type: state.type, packetId: packetId() };
      if (v === 5) {
        const code = reason();
        if (code !== undefined) p.reasonCode = code;
      }
      packet = withProps(p, props(state.properties, state.type, 'properties'));
      break;
    }
    case 'SUBSCRIBE':
      packet = withProps({
        type: 'SUBSCRIBE', packetId: packetId(),
        subscriptions: state.subscriptions.map((s) => (v === 5
          ? { topicFilter: s.topicFilter, qos: s.qos, noLocal: s.noLocal, retainAsPublished: s.retainAsPublished, retainHandling: s.retainHandling }
          : { topicFilter: s.topicFilter, qos: s.qos })),
      }, props(state.properties, 'SUBSCRIBE', 'properties'));
      break;
    case 'SUBACK':
      packet = withProps({ type: 'SUBACK', packetId: packetId(), reasonCodes: state.reasonCodes.map((c, i) => intField(c, 0, 0xff, `reasonCodes[${i}]`, errors)) }, props(state.properties, 'SUBACK', 'properties'));
      break;
    case 'UNSUBSCRIBE':
      packet = withProps({ type: 'UNSUBSCRIBE', packetId: packetId(), topicFilters: [...state.topicFilters] }, props(state.properties, 'UNSUBSCRIBE', 'properties'));
      break;
    case 'UNSUBACK': {
      const p: UnsubackPacket = { type: 'UNSUBACK', packetId: packetId() };
      if (v === 5) p.reasonCodes = state.reasonCodes.map((c, i) => intField(c, 0, 0xff, `reasonCodes[${i}]`, errors));
      packet = withProps(p, props(state.properties, 'UNSUBACK', 'properties'));
      break;
    }
    case 'PINGREQ': packet = { type: 'PINGREQ' }; break;
    case 'PINGRESP': packet = { type: 'PINGRESP' }; break;
    case 'DISCONNECT': {
      const p: DisconnectPacket = { type: 'DISCONNECT' };
      if (v === 5) {
        const code = reason();
        if (code !== undefined) p.reasonCode = code;
      }
      packet = withProps(p, props(state.properties, 'DISCONNECT', 'properties'));
      break;
    }
    case 'AUTH': {
      const p: AuthPacket = { type: 'AUTH' };
      const code = reason();
      if (code !== undefined) p.reasonCode = code;
      packet = withProps(p, props(state.properties, 'AUTH', 'properties'));
      break;
    }
  }
  return { packet: errors.length === 0 ? packet : null, errors };
}

/** Maps a codec field path (encoder or decoder) to the form field that holds it. */
export function formFieldFor(codecField: string, state: BuilderState): string {
  const propertyMatch = /^(will\.)?properties\.(\w+)(?:\[(\d+)\])?/.exec(codecField);
  if (propertyMatch) {
    const rows = propertyMatch[1] ? state.willProperties : state.properties;
    const prefix = propertyMatch[1] ? 'will.properties' : 'properties';
    const key = propertyMatch[2]!;
    const nth = propertyMatch[3] === undefined ? 0 : Number(propertyMatch[3]);
    let seen = -1;
    const at = rows.findIndex((r) => r.key === key && ++seen === nth);
    return at === -1 ? prefix : `${prefix}[${at}]`;
  }
  if (/^(will\.)?properties\[\d+\]/.test(codecField) || /^(will\.)?properties\.length/.test(codecField)) return codecField.startsWith('will') ? 'will.properties' : 'properties';
  if (codecField.startsWith('fixedHeader.flags')) return 'fixedHeader.flags';
  if (codecField === 'fixedHeader.remainingLength') return state.type === 'PUBLISH' ? 'payload' : 'packet';
  if (codecField === 'reasonCode' && state.type === 'CONNACK') return 'connackCode';
  if (codecField === 'sessionPresent' || codecField.startsWith('connackFlags')) return 'sessionPresent';
  if (codecField.startsWith('connectFlags.password') || codecField === 'password') return 'password';
  if (codecField.startsWith('connectFlags')) return 'packet';
  const sub = /^subscriptions\[(\d+)\]\.(topicFilter|qos|noLocal|retainHandling|retainAsPublished)/.exec(codecField);
  if (sub) return `subscriptions[${sub[1]}].${sub[2] === 'retainAsPublished' ? 'retainHandling' : sub[2]}`;
  const filter = /^topicFilters\[(\d+)\]/.exec(codecField);
  if (filter) return `topicFilters[${filter[1]}]`;
  const code = /^reasonCodes\[(\d+)\]/.exec(codecField);
  if (code) return `reasonCodes[${code[1]}]`;
  if (codecField === 'will.topic' || codecField.startsWith('will.topic')) return 'will.topic';
  if (codecField.startsWith('will.')) return codecField.split('.').slice(0, 2).join('.');
  const simple = codecField.split('.')[0]!;
  if (['topic', 'packetId', 'keepAlive', 'clientId', 'username', 'payload', 'reasonCode', 'subscriptions', 'reasonCodes', 'topicFilters'].includes(simple)) return simple;
  return 'packet';
}

// ---------------------------------------------------------------------------------------------
// Fixed header bits

/** The four flag bits the form's fields make (before any tampering). */
export function validFlags(state: BuilderState): number {
  if (state.type === 'PUBLISH') return (state.dup ? 8 : 0) | (state.qos << 1) | (state.retain ? 1 : 0);
  return RESERVED_FLAGS[state.type];
}

export function effectiveFlags(state: BuilderState): number {
  return state.flagsOverride ?? validFlags(state);
}

export interface HeaderBit {
  bit: number;
  value: 0 | 1;
  /** Label key: typeBit, dup, qosHigh, qosLow, retain, reserved. */
  role: 'typeBit' | 'dup' | 'qosHigh' | 'qosLow' | 'retain' | 'reserved';
  /** Bits 3–0 can be toggled; only PUBLISH's mean anything, the others are fixed by the spec. */
  toggleable: boolean;
  specAllowsChange: boolean;
  /** Differs from what the form would send. */
  tampered: boolean;
}

export function headerBits(state: BuilderState): HeaderBit[] {
  const code = PACKET_TYPE_CODES[state.type];
  const flags = effectiveFlags(state);
  const valid = validFlags(state);
  const out: HeaderBit[] = [];
  for (let bit = 7; bit >= 0; bit--) {
    if (bit >= 4) {
      out.push({ bit, value: ((code >> (bit - 4)) & 1) as 0 | 1, role: 'typeBit', toggleable: false, specAllowsChange: false, tampered: false });
      continue;
    }
    const role = state.type === 'PUBLISH' ? (['retain', 'qosLow', 'qosHigh', 'dup'] as const)[bit]! : 'reserved';
    out.push({
      bit, value: ((flags >> bit) & 1) as 0 | 1, role, toggleable: true, specAllowsChange: state.type === 'PUBLISH',
      tampered: ((flags ^ valid) >> bit & 1) === 1,
    });
  }
  return out;
}

/**
 * Toggles one of the four flag bits. A combination the spec allows (a PUBLISH's DUP/QoS/RETAIN)
 * becomes the form's value; one it forbids is kept as an override, and `build` reports the rule.
 */
export function toggleFlagBit(state: BuilderState, bit: number): BuilderState {
  if (bit < 0 || bit > 3) return state;
  const next = effectiveFlags(state) ^ (1 << bit);
  if (state.type === 'PUBLISH') {
    const qos = (next >> 1) & 3;
    const dup = (next & 8) !== 0;
    if (qos !== 3 && !(dup && qos === 0)) return { ...state, qos: qos as QoS, dup, retain: (next & 1) === 1, flagsOverride: null };
  } else if (next === RESERVED_FLAGS[state.type]) {
    return { ...state, flagsOverride: null };
  }
  return { ...state, flagsOverride: next };
}

// ---------------------------------------------------------------------------------------------
// Build

export interface RemainingLengthView {
  value: number;
  steps: VariableByteIntegerStep[];
  /** Bytes the remaining length takes (1–4). */
  size: number;
  /** The next value that needs one more byte, or null at four bytes. */
  nextBoundary: number | null;
}

export function remainingLengthView(value: number): RemainingLengthView {
  const size = variableByteIntegerSize(value);
  return { value, steps: traceVariableByteInteger(value), size, nextBoundary: [128, 16_384, 2_097_152, null][size - 1] ?? null };
}

export interface TamperedHeader {
  flags: number;
  rule: string;
  explanation: BuilderMessage;
  field: string;
}

export interface BuildResult {
  /** Null whenever there is any error: no bytes the decoder would reject. */
  bytes: Uint8Array | null;
  packet: Packet | null;
  spans: FieldSpan[];
  errors: FieldError[];
  tampered: TamperedHeader | null;
  remainingLength: RemainingLengthView | null;
  /** The body without the payload: what the payload size control adds to. */
  overhead: number;
}

export function build(state: BuilderState): BuildResult {
  const { packet, errors } = formToPacket(state);
  const empty: BuildResult = { bytes: null, packet: null, spans: [], errors, tampered: null, remainingLength: null, overhead: 0 };
  if (packet === null) return empty;
  let bytes: Uint8Array;
  try {
    bytes = encodePacket(packet, { protocolVersion: state.version });
  } catch (error) {
    if (error instanceof InvalidPacketError) {
      return { ...empty, errors: [{ field: formFieldFor(error.field, state), message: explained(error.explanation), rule: error.rule }] };
    }
    if (error instanceof RangeError) return { ...empty, errors: [{ field: 'packet', message: { text: error.message } }] };
    throw error;
  }
  const headerSize = 1 + varIntLengthAt(bytes);
  const remaining = bytes.length - headerSize;
  const payloadLength = packet.type === 'PUBLISH' ? packet.payload.length : 0;

  if (state.flagsOverride !== null && state.flagsOverride !== validFlags(state)) {
    const tamperedBytes = bytes.slice();
    tamperedBytes[0] = (PACKET_TYPE_CODES[state.type] << 4) | state.flagsOverride;
    const result = decodeAll(tamperedBytes, { protocolVersion: state.version });
    const failure = result.failures[0];
    if (failure !== undefined) {
      const e = failure.error;
      return {
        ...empty, packet, errors: [{ field: 'fixedHeader.flags', message: explained(e.explanation), rule: e.rule }],
        tampered: { flags: state.flagsOverride, rule: e.rule, explanation: explained(e.explanation), field: e.field },
        remainingLength: remainingLengthView(remaining), overhead: remaining - payloadLength,
      };
    }
  }

  // The check the builder promises: what it shows, the decoder accepts.
  const decoded = decodeAll(bytes, { protocolVersion: state.version, annotate: true });
  const failure = decoded.failures[0];
  if (failure !== undefined || decoded.incomplete !== null || decoded.packets.length !== 1) {
    const e = failure?.error;
    return { ...empty, errors: [{ field: e ? formFieldFor(e.field, state) : 'packet', message: e ? explained(e.explanation) : msg('errRoundTrip'), ...(e ? { rule: e.rule } : {}) }] };
  }
  return {
    bytes, packet, spans: decoded.packets[0]!.fields ?? [], errors: [], tampered: null,
    remainingLength: remainingLengthView(remaining), overhead: remaining - payloadLength,
  };
}

/** Length in bytes of the variable byte integer at offset 1. */
function varIntLengthAt(bytes: Uint8Array): number {
  let n = 1;
  while (n < 4 && (bytes[n]! & 0x80) !== 0) n++;
  return n;
}

/**
 * The payload size that makes the remaining length exactly `target`, or null when the rest of the
 * packet is already longer (or the payload would pass MAX_FILL).
 */
export function payloadSizeFor(target: number, overhead: number): number | null {
  const size = target - overhead;
  return size < 0 || size > MAX_FILL ? null : size;
}

/** The remaining lengths either side of each size boundary of the variable byte integer. */
export const BOUNDARY_TARGETS: ReadonlyArray<number> = [127, 128, 16_383, 16_384, 2_097_151, 2_097_152];

// ---------------------------------------------------------------------------------------------
// Reason code choices

export interface CodeChoice { code: number; name: string }

export function reasonCodeChoices(type: PacketType, version: BuilderVersion): CodeChoice[] {
  if (version === 4) {
    if (type === 'CONNACK') return CONNECT_RETURN_CODES_V4.map((name, code) => ({ code, name }));
    if (type === 'SUBACK') return [{ code: 0, name: 'Granted QoS 0' }, { code: 1, name: 'Granted QoS 1' }, { code: 2, name: 'Granted QoS 2' }, { code: 0x80, name: 'Failure' }];
    return [];
  }
  return REASON_CODES.filter((r) => r.packets.includes(type)).map((r) => ({ code: r.code, name: r.name }));
}

// ---------------------------------------------------------------------------------------------
// Packet → form (for "Open in builder" and `#hex=` links)

const utf8Strict = new TextDecoder('utf-8', { fatal: true });

function textOrNull(bytes: Uint8Array): string | null {
  try {
    const s = utf8Strict.decode(bytes);
    // Control characters other than tab and newlines are easier to read and edit as hex.
    return /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/.test(s) ? null : s;
  } catch {
    return null;
  }
}

function rowsFrom(properties: Properties | undefined): PropertyRow[] {
  if (properties === undefined) return [];
  const rows: PropertyRow[] = [];
  for (const [key, value] of Object.entries(properties) as Array<[PropertyKey, unknown]>) {
    if (value === undefined) continue;
    if (key === 'userProperties') for (const [name, v] of value as Array<[string, string]>) rows.push({ key, name, value: v });
    else if (key === 'subscriptionIdentifiers') for (const n of value as number[]) rows.push({ key, value: String(n) });
    else if (value instanceof Uint8Array) rows.push({ key, value: toHex(value, ' ') });
    else rows.push({ key, value: String(value) });
  }
  return rows;
}

export function stateFromPacket(packet: Packet, version: BuilderVersion, base: BuilderState = defaultState()): BuilderState {
  const properties = (packet as { properties?: Properties }).properties;
  let s: BuilderState = {
    ...base, version, type: packet.type, properties: rowsFrom(properties), flagsOverride: null,
    emptyPropertyBlock: properties !== undefined && Object.keys(properties).length === 0,
  };
  switch (packet.type) {
    case 'CONNECT':
      s = {
        ...s, clientId: packet.clientId, cleanSession: packet.cleanSession, keepAlive: String(packet.keepAlive),
        usernameOn: packet.username !== undefined, username: packet.username ?? base.username,
        passwordOn: packet.password !== undefined, password: packet.password ? (textOrNull(packet.password) ?? base.password) : base.password,
        willOn: packet.will !== undefined,
      };
      if (packet.will) {
        s = { ...s, willTopic: packet.will.topic, willPayload: textOrNull(packet.will.payload) ?? '', willQos: packet.will.qos, willRetain: packet.will.retain, willProperties: rowsFrom(packet.will.properties) };
      }
      break;
    case 'CONNACK':
      s = { ...s, sessionPresent: packet.sessionPresent, connackCode: String(packet.reasonCode) };
      break;
    case 'PUBLISH': {
      const asText = textOrNull(packet.payload);
      s = {
        ...s, topic: packet.topic, qos: packet.qos, dup: packet.dup, retain: packet.retain,
        packetId: packet.packetId !== undefined ? String(packet.packetId) : base.packetId,
        payloadMode: asText === null ? 'hex' : 'text', payloadText: asText ?? '', payloadHex: asText === null ? toHex(packet.payload, ' ') : '',
      };
      break;
    }
    case 'PUBACK': case 'PUBREC': case 'PUBREL': case 'PUBCOMP':
      s = { ...s, packetId: String(packet.packetId), reasonCode: packet.reasonCode === undefined ? '' : String(packet.reasonCode) };
      break;
    case 'SUBSCRIBE':
      s = {
        ...s, packetId: String(packet.packetId),
        subscriptions: packet.subscriptions.map((x) => ({ topicFilter: x.topicFilter, qos: x.qos, noLocal: x.noLocal ?? false, retainAsPublished: x.retainAsPublished ?? false, retainHandling: x.retainHandling ?? 0 })),
      };
      break;
    case 'SUBACK':
      s = { ...s, packetId: String(packet.packetId), reasonCodes: packet.reasonCodes.map(String) };
      break;
    case 'UNSUBSCRIBE':
      s = { ...s, packetId: String(packet.packetId), topicFilters: [...packet.topicFilters] };
      break;
    case 'UNSUBACK':
      s = { ...s, packetId: String(packet.packetId), reasonCodes: (packet.reasonCodes ?? [0]).map(String) };
      break;
    case 'DISCONNECT': case 'AUTH':
      s = { ...s, reasonCode: packet.reasonCode === undefined ? '' : String(packet.reasonCode) };
      break;
    default:
      break;
  }
  return s;
}

// ---------------------------------------------------------------------------------------------
// URL state: #s=<base64url JSON> (the builder's own), #v=…&hex=… (from the decoder)

/** A share link holds at most this many characters of state. */
export const MAX_STATE_CHARACTERS = 64 * 1024;

/** Only the fields the current type uses go into a link, so links stay short. */
const FIELDS_BY_TYPE: Readonly<Record<PacketType, ReadonlyArray<keyof BuilderState>>> = {
  CONNECT: ['clientId', 'cleanSession', 'keepAlive', 'usernameOn', 'username', 'passwordOn', 'password', 'willOn', 'willTopic', 'willPayload', 'willQos', 'willRetain', 'willProperties', 'properties'],
  CONNACK: ['sessionPresent', 'connackCode', 'properties'],
  PUBLISH: ['topic', 'qos', 'dup', 'retain', 'packetId', 'payloadMode', 'payloadText', 'payloadHex', 'payloadFill', 'properties'],
  PUBACK: ['packetId', 'reasonCode', 'properties', 'emptyPropertyBlock'], PUBREC: ['packetId', 'reasonCode', 'properties', 'emptyPropertyBlock'],
  PUBREL: ['packetId', 'reasonCode', 'properties', 'emptyPropertyBlock'], PUBCOMP: ['packetId', 'reasonCode', 'properties', 'emptyPropertyBlock'],
  SUBSCRIBE: ['packetId', 'subscriptions', 'properties'],
  SUBACK: ['packetId', 'reasonCodes', 'properties'],
  UNSUBSCRIBE: ['packetId', 'topicFilters', 'properties'],
  UNSUBACK: ['packetId', 'reasonCodes', 'properties'],
  PINGREQ: [], PINGRESP: [],
  DISCONNECT: ['reasonCode', 'properties', 'emptyPropertyBlock'],
  AUTH: ['reasonCode', 'properties'],
};

function base64UrlEncode(s: string): string {
  const bytes = utf8.encode(s);
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function base64UrlDecode(s: string): string {
  if (!/^[A-Za-z0-9_-]*$/.test(s)) throw new Error('not base64url');
  const binary = atob(s.replace(/-/g, '+').replace(/_/g, '/') + '='.repeat((4 - (s.length % 4)) % 4));
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return utf8Strict.decode(bytes);
}

export function encodeBuilderHash(state: BuilderState): { hash: string } | { reason: BuilderMessage } {
  const compact: Record<string, unknown> = { v: state.version, t: state.type };
  for (const key of FIELDS_BY_TYPE[state.type]) {
    if (key === 'payloadText' && state.payloadMode !== 'text') continue;
    if (key === 'payloadHex' && state.payloadMode !== 'hex') continue;
    if (key === 'payloadFill' && state.payloadMode !== 'fill') continue;
    if ((key === 'properties' || key === 'emptyPropertyBlock') && state.version !== 5) continue;
    if (key === 'emptyPropertyBlock' && !state.emptyPropertyBlock) continue;
    if ((key === 'willProperties') && (state.version !== 5 || !state.willOn)) continue;
    compact[key] = state[key];
  }
  if (state.flagsOverride !== null) compact.flagsOverride = state.flagsOverride;
  const encoded = base64UrlEncode(JSON.stringify(compact));
  if (encoded.length > MAX_STATE_CHARACTERS) return { reason: msg('shareTooBig', { chars: encoded.length, max: MAX_STATE_CHARACTERS }) };
  return { hash: `#s=${encoded}` };
}

const isBool = (x: unknown): x is boolean => typeof x === 'boolean';
const isStr = (x: unknown, max = 70_000): x is string => typeof x === 'string' && x.length <= max;
const isQos = (x: unknown): x is QoS => x === 0 || x === 1 || x === 2;

function readRows(x: unknown): PropertyRow[] | null {
  if (!Array.isArray(x) || x.length > 200) return null;
  const rows: PropertyRow[] = [];
  for (const r of x) {
    if (typeof r !== 'object' || r === null) return null;
    const { key, value, name } = r as Record<string, unknown>;
    if (!isStr(key) || !PROPERTY_BY_KEY.has(key) || !isStr(value)) return null;
    if (name !== undefined && !isStr(name)) return null;
    rows.push(name === undefined ? { key: key as PropertyKey, value } : { key: key as PropertyKey, value, name });
  }
  return rows;
}

/** Validators per field: whatever a tampered link holds, only well-typed values get through. */
const FIELD_CHECKS: { [K in keyof BuilderState]?: (x: unknown) => BuilderState[K] | null } = {
  clientId: (x) => (isStr(x) ? x : null), cleanSession: (x) => (isBool(x) ? x : null), keepAlive: (x) => (isStr(x, 20) ? x : null),
  usernameOn: (x) => (isBool(x) ? x : null), username: (x) => (isStr(x) ? x : null), passwordOn: (x) => (isBool(x) ? x : null),
  password: (x) => (isStr(x) ? x : null), willOn: (x) => (isBool(x) ? x : null), willTopic: (x) => (isStr(x) ? x : null),
  willPayload: (x) => (isStr(x) ? x : null), willQos: (x) => (isQos(x) ? x : null), willRetain: (x) => (isBool(x) ? x : null),
  willProperties: readRows, properties: readRows, emptyPropertyBlock: (x) => (isBool(x) ? x : null),
  sessionPresent: (x) => (isBool(x) ? x : null), connackCode: (x) => (isStr(x, 20) ? x : null),
  topic: (x) => (isStr(x) ? x : null), qos: (x) => (isQos(x) ? x : null), dup: (x) => (isBool(x) ? x : null), retain: (x) => (isBool(x) ? x : null),
  packetId: (x) => (isStr(x, 20) ? x : null),
  payloadMode: (x) => (x === 'text' || x === 'hex' || x === 'fill' ? x : null),
  payloadText: (x) => (isStr(x) ? x : null), payloadHex: (x) => (isStr(x) ? x : null), payloadFill: (x) => (isStr(x, 20) ? x : null),
  reasonCode: (x) => (isStr(x, 20) ? x : null),
  subscriptions: (x) => {
    if (!Array.isArray(x) || x.length === 0 || x.length > 200) return null;
    const out: SubscriptionRow[] = [];
    for (const s of x) {
      if (typeof s !== 'object' || s === null) return null;
      const r = s as Record<string, unknown>;
      if (!isStr(r.topicFilter) || !isQos(r.qos) || !isBool(r.noLocal) || !isBool(r.retainAsPublished) || !(r.retainHandling === 0 || r.retainHandling === 1 || r.retainHandling === 2)) return null;
      out.push({ topicFilter: r.topicFilter, qos: r.qos, noLocal: r.noLocal, retainAsPublished: r.retainAsPublished, retainHandling: r.retainHandling });
    }
    return out;
  },
  reasonCodes: (x) => (Array.isArray(x) && x.length > 0 && x.length <= 200 && x.every((c) => isStr(c, 20)) ? (x as string[]) : null),
  topicFilters: (x) => (Array.isArray(x) && x.length > 0 && x.length <= 200 && x.every((c) => isStr(c)) ? (x as string[]) : null),
};

/** Reads `location.hash`: a tampered link yields defaults and a message, never an exception. */
export function parseBuilderHash(hash: string): { state: BuilderState | null; problems: BuilderMessage[] } {
  const raw = hash.startsWith('#') ? hash.slice(1) : hash;
  if (raw === '') return { state: null, problems: [] };
  if (raw.length > MAX_STATE_CHARACTERS * 2 + 64) return { state: null, problems: [msg('linkTooLong')] };
  let params: URLSearchParams;
  try {
    params = new URLSearchParams(raw);
  } catch {
    return { state: null, problems: [msg('linkUnreadable')] };
  }
  const s = params.get('s');
  const hex = params.get('hex');
  if (s !== null) return readStateParam(s);
  if (hex !== null) return readHexParam(hex, params.get('v'));
  return { state: null, problems: [msg('linkUnreadable')] };
}

function readStateParam(s: string): { state: BuilderState | null; problems: BuilderMessage[] } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(base64UrlDecode(s));
  } catch {
    return { state: null, problems: [msg('linkUnreadable')] };
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return { state: null, problems: [msg('linkUnreadable')] };
  const o = parsed as Record<string, unknown>;
  const version: BuilderVersion = o.v === 4 ? 4 : 5;
  const problems: BuilderMessage[] = [];
  if (o.v !== 4 && o.v !== 5) problems.push(msg('linkBadField', { field: 'v' }));
  const type = typeof o.t === 'string' && (PACKET_TYPES as readonly string[]).includes(o.t) && !(o.t === 'AUTH' && version === 4) ? (o.t as PacketType) : null;
  if (type === null) return { state: null, problems: [...problems, msg('linkBadField', { field: 't' })] };
  let state: BuilderState = { ...defaultState(), version, type };
  for (const [key, value] of Object.entries(o)) {
    if (key === 'v' || key === 't') continue;
    if (key === 'flagsOverride') {
      if (typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= 15) state = { ...state, flagsOverride: value };
      else problems.push(msg('linkBadField', { field: key }));
      continue;
    }
    const check = Object.prototype.hasOwnProperty.call(FIELD_CHECKS, key) ? FIELD_CHECKS[key as keyof BuilderState] : undefined;
    if (check === undefined) {
      problems.push(msg('linkBadField', { field: key.slice(0, 40) }));
      continue;
    }
    const ok = (check as (x: unknown) => unknown)(value);
    if (ok === null) problems.push(msg('linkBadField', { field: key }));
    else state = { ...state, [key]: ok };
  }
  return { state, problems };
}

function readHexParam(hex: string, v: string | null): { state: BuilderState | null; problems: BuilderMessage[] } {
  const version: BuilderVersion | null = v === '5.0' || v === '5' ? 5 : v === '3.1.1' || v === '4' || v === null ? 4 : null;
  if (version === null) return { state: null, problems: [msg('linkBadField', { field: 'v' })] };
  const clean = hex.replace(/[\s:.-]/g, '');
  if (!/^[0-9a-fA-F]*$/.test(clean) || clean.length % 2 !== 0 || clean.length === 0) return { state: null, problems: [msg('linkBadHex')] };
  if (clean.length / 2 > MAX_STATE_CHARACTERS) return { state: null, problems: [msg('linkTooLong')] };
  const bytes = new Uint8Array(clean.length / 2);
  for (let i = 0; i < bytes.length; i++) bytes[i] = parseInt(clean.slice(2 * i, 2 * i + 2), 16);
  const decoded = decodeAll(bytes, { protocolVersion: version });
  const failure = decoded.failures[0];
  if (failure !== undefined) return { state: null, problems: [msg('linkMalformed', { rule: failure.error.rule }, { explanation: explained(failure.error.explanation) })] };
  if (decoded.incomplete !== null || decoded.packets.length === 0) return { state: null, problems: [msg('linkIncomplete')] };
  const first = decoded.packets[0]!.packet;
  const packetVersion: BuilderVersion = first.type === 'CONNECT' ? (first.protocolLevel === 5 ? 5 : 4) : version;
  if (first.type === 'CONNECT' && first.protocolLevel === 3) return { state: null, problems: [msg('linkNo31')] };
  const problems: BuilderMessage[] = decoded.packets.length > 1 ? [msg('linkFirstOnly', { count: decoded.packets.length })] : [];
  return { state: stateFromPacket(first, packetVersion), problems };
}
