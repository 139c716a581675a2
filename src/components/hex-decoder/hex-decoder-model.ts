/**
 * The pure model of the hex decoder: text and options in, a view model out (packets with their
 * verdicts, lanes and pairs for the sequence diagram, the annotated detail of one packet), and the
 * URL state, encoded and validated. No DOM, no React: the widget renders it, a Web Worker runs the
 * expensive half (`analyseInput`), and tests drive it headless.
 */
import {
  decodePacket, detectProtocolVersion, decodeAll, encodeVariableByteInteger, readFixedHeader, PACKET_TYPE_NAMES, PROTOCOL_VERSION_LABELS,
  RESERVED_FLAGS, reasonCodeName, type DecodedPacket, type FieldSpan, type Packet, type PacketType, type ProtocolVersion,
} from '../../mqtt/codec/index.ts';
import { HexInputError, parseHexInput, toHex } from '../../input/index.ts';
import { layoutPacket, payloadView, type PacketLayout, type PayloadView } from '../shared/annotated-packet/annotated-packet-model.ts';
import { VERSION_BY_CHOICE, VERSION_CHOICES, type VersionChoice } from '../shared/version.ts';
import { buildHash, hashParams, MAX_SHARE_BYTES, parseHexParam, parseVersionParam, unknownKeyProblem } from '../shared/url-hash.ts';
import type { Message } from '../i18n/catalogue.ts';
import type { Lang } from '../i18n/lang.ts';
import type { CodecMessage } from '../../mqtt/codec/index.ts';

/** A message in the catalogue's `decoder` section. */
const msg = (key: string, values?: Record<string, string | number>): Message => (values === undefined ? { key: `decoder.${key}` } : { key: `decoder.${key}`, values });
export type Msg = Message;
import { analyseFlows, type Confidence, type Direction, type DirectionWhy, type Exchange, type FlowNote, type FlowPacket } from './flows.ts';

export { VERSION_CHOICES, type VersionChoice };

export interface DecodeLimits {
  /** Bytes read from the text at most (hex-input refuses more). */
  maxInputBytes: number;
  /** Packets listed (and drawn in the sequence diagram) at most; the rest are counted. */
  maxEntries: number;
  /** Auto-detection looks at this many leading bytes: enough to judge, cheap on megabytes. */
  detectBytes: number;
}

export const DEFAULT_LIMITS: DecodeLimits = { maxInputBytes: 16 * 1024 * 1024, maxEntries: 10_000, detectBytes: 256 * 1024 };

/** Inputs up to this many characters decode on the main thread; larger ones go to the worker. */
export const SYNC_DECODE_CHARACTERS = 64 * 1024;

export type EntryStatus = 'valid' | 'malformed' | 'incomplete';

/** What the packet list and the sequence diagram show about one packet (structured-clonable). */
export interface StreamEntry {
  index: number;
  status: EntryStatus;
  offset: number;
  /** Bytes of the input this entry covers. */
  length: number;
  /** The protocol version it was decoded with (a CONNECT switches it for what follows). */
  version: ProtocolVersion;
  /** Null when not even the first byte names a type. */
  type: PacketType | null;
  facts: PacketFacts;
  error?: { offset: number; field: string; rule: string; explanation: CodecMessage };
  /** For an incomplete packet: how many more bytes at least. */
  needed?: number;
  /**
   * For an incomplete packet whose bytes present already form a whole valid packet: by how much
   * its remaining length would be too large (Wireshark's expert info says the same). Its fields
   * are shown from that reading.
   */
  tooLarge?: number;
  direction: Direction;
  confidence: Confidence;
  why: DirectionWhy;
  whyEntry: number;
  whyDetail: string;
  exchange: number;
  notes: FlowNote[];
}

/** The facts a one-line summary needs. Strings are capped so a hostile packet cannot bloat the list. */
export interface PacketFacts {
  packetId?: number;
  qos?: number;
  dup?: boolean;
  retain?: boolean;
  topic?: string;
  topicAlias?: number;
  aliasTopic?: string;
  payloadLength?: number;
  clientId?: string;
  cleanSession?: boolean;
  protocolLevel?: number;
  sessionPresent?: boolean;
  reasonCode?: number;
  reasonName?: string;
  reasonCodes?: number[];
  filters?: string[];
  filterCount?: number;
  hasWill?: boolean;
}

export interface AnalysisResult {
  status: 'empty' | 'input-error' | 'decoded';
  inputError?: { message: string; line: number; column: number; snippet: string };
  bytes: Uint8Array;
  format: string;
  /** How hex-input read the text, and its warnings (English, from hex-input). */
  description: string;
  warnings: string[];
  version: ProtocolVersion;
  versionChosen: boolean;
  versionReason: Msg;
  /** The codec's own reason for the version it guessed (a CodecMessage), when it guessed. */
  versionDetail: CodecMessage | null;
  entries: StreamEntry[];
  /** All packets (valid, malformed, incomplete) found, listed or not. */
  totalEntries: number;
  counts: { valid: number; malformed: number; incomplete: number };
  exchanges: Exchange[];
  /** Set when `entries` stops short of `totalEntries`. */
  truncated: boolean;
}

const MAX_STRING = 120;
const MAX_LIST = 8;
const cap = (s: string) => (s.length > MAX_STRING ? `${s.slice(0, MAX_STRING)}…` : s);

/** Parses and decodes pasted text: the expensive half, run in the worker for large inputs. */
export function analyseInput(input: string, choice: VersionChoice, limits: DecodeLimits = DEFAULT_LIMITS): AnalysisResult {
  try {
    const parsed = parseHexInput(input, { maxBytes: limits.maxInputBytes });
    if (parsed.format === 'empty') return emptyResult();
    return analyseBytes(parsed.bytes, choice, limits, { format: parsed.format, description: parsed.description, warnings: parsed.warnings });
  } catch (error) {
    if (error instanceof HexInputError) {
      return { ...emptyResult(), status: 'input-error', inputError: { message: error.message, line: error.line, column: error.column, snippet: error.snippet } };
    }
    throw error;
  }
}

function emptyResult(): AnalysisResult {
  return {
    status: 'empty', bytes: new Uint8Array(0), format: 'empty', description: '', warnings: [], version: 4, versionChosen: false,
    versionReason: msg('statusEmpty'), versionDetail: null, entries: [], totalEntries: 0, counts: { valid: 0, malformed: 0, incomplete: 0 }, exchanges: [], truncated: false,
  };
}

/** How the version was picked, as a message the page can translate (the codec's own reasons are English). */
export function chooseVersion(bytes: Uint8Array, choice: VersionChoice, detectBytes = DEFAULT_LIMITS.detectBytes): { version: ProtocolVersion; chosen: boolean; reason: Msg; detail: CodecMessage | null } {
  if (choice !== 'auto') return { version: VERSION_BY_CHOICE[choice], chosen: true, reason: msg('versionChosen', { label: choice }), detail: null };
  const sample = bytes.length > detectBytes ? bytes.subarray(0, detectBytes) : bytes;
  const guess = detectProtocolVersion(sample);
  const label = PROTOCOL_VERSION_LABELS[guess.protocolVersion];
  const sampled = sample.length < bytes.length;
  if (guess.reason.key === 'codec.v.connect') {
    return { version: guess.protocolVersion, chosen: false, reason: msg('versionFromConnect', { label, level: guess.protocolVersion }), detail: null };
  }
  return {
    version: guess.protocolVersion, chosen: false, detail: guess.reason,
    reason: sampled ? msg('versionGuessSampled', { label, bytes: detectBytes }) : msg('versionGuess', { label }),
  };
}

export function analyseBytes(
  bytes: Uint8Array, choice: VersionChoice, limits: DecodeLimits = DEFAULT_LIMITS,
  input: { format: string; description: string; warnings: string[] } = { format: 'bytes', description: 'bytes', warnings: [] },
): AnalysisResult {
  const picked = chooseVersion(bytes, choice, limits.detectBytes);
  const result = decodeAll(bytes, { protocolVersion: picked.version, keepGoing: true });

  type Raw = { offset: number; kind: EntryStatus; packet?: DecodedPacket; failure?: (typeof result.failures)[number] };
  const raw: Raw[] = [];
  for (const packet of result.packets) raw.push({ offset: packet.offset, kind: 'valid', packet });
  for (const failure of result.failures) raw.push({ offset: failure.packetOffset, kind: 'malformed', failure });
  raw.sort((a, b) => a.offset - b.offset);
  let consumed = 0;
  for (const r of raw) consumed = Math.max(consumed, r.offset + (r.packet ? r.packet.length : (r.failure!.packetLength ?? bytes.length - r.offset)));
  const incompleteAt = result.incomplete !== null && consumed < bytes.length ? consumed : -1;
  const totalEntries = raw.length + (incompleteAt >= 0 ? 1 : 0);

  const entries: StreamEntry[] = [];
  const flowPackets: FlowPacket[] = [];
  let version = picked.version;
  const counts = { valid: result.packets.length, malformed: result.failures.length, incomplete: incompleteAt >= 0 ? 1 : 0 };
  for (const r of raw) {
    if (entries.length >= limits.maxEntries) break;
    const index = entries.length;
    if (r.packet !== undefined) {
      const p = r.packet.packet;
      const facts = factsOf(p, version);
      entries.push(baseEntry(index, 'valid', r.offset, r.packet.length, version, p.type, facts));
      flowPackets.push(flowFacts(index, p, version));
      if (p.type === 'CONNECT') version = p.protocolLevel;
    } else {
      const f = r.failure!;
      const e = f.error;
      const length = f.packetLength ?? bytes.length - f.packetOffset;
      const type = PACKET_TYPE_NAMES[bytes[f.packetOffset]! >> 4] ?? null;
      const entry = baseEntry(index, 'malformed', f.packetOffset, length, version, type, {});
      entry.error = { offset: e.offset, field: e.field, rule: e.rule, explanation: e.explanation };
      entries.push(entry);
    }
  }
  if (incompleteAt >= 0 && entries.length < limits.maxEntries) {
    const type = PACKET_TYPE_NAMES[bytes[incompleteAt]! >> 4] ?? null;
    const entry = baseEntry(entries.length, 'incomplete', incompleteAt, bytes.length - incompleteAt, version, type, {});
    entry.needed = result.incomplete!.needed;
    const shorter = readWithShorterLength(bytes, incompleteAt, version);
    if (shorter !== null) {
      entry.tooLarge = shorter.tooLarge;
      entry.facts = factsOf(shorter.decoded.packet, version);
    }
    entries.push(entry);
  }

  const flows = analyseFlows(flowPackets, entries.length);
  for (const entry of entries) {
    const i = entry.index;
    entry.direction = flows.direction[i]!;
    entry.confidence = flows.confidence[i]!;
    entry.why = flows.why[i]!;
    entry.whyEntry = flows.whyEntry[i]!;
    entry.whyDetail = flows.whyDetail[i]!;
    entry.exchange = flows.exchangeOf[i]!;
    entry.notes = flows.notes[i]!;
    const alias = flows.aliasTopic[i];
    if (alias !== undefined) entry.facts.aliasTopic = cap(alias);
  }
  // Malformed and incomplete packets of a one-way type still travel that way.
  for (const entry of entries) {
    if (entry.status === 'valid' || entry.type === null) continue;
    if (ONE_WAY_TO_BROKER.has(entry.type)) Object.assign(entry, { direction: 'toBroker', confidence: 'certain', why: 'type' });
    else if (ONE_WAY_TO_CLIENT.has(entry.type)) Object.assign(entry, { direction: 'toClient', confidence: 'certain', why: 'type' });
  }
  // A listing cut short must not call the last exchanges unanswered: their answers were not listed.
  if (totalEntries > entries.length) {
    for (const ex of flows.exchanges) {
      if (ex.expecting === null) continue;
      const last = entries[ex.members[ex.members.length - 1]!]!;
      last.notes = last.notes.filter((n) => n.kind !== 'unanswered');
    }
  }

  return {
    status: 'decoded', bytes, format: input.format, description: input.description, warnings: input.warnings,
    version: picked.version, versionChosen: picked.chosen, versionReason: picked.reason, versionDetail: picked.detail,
    entries, totalEntries, counts, exchanges: flows.exchanges, truncated: totalEntries > entries.length,
  };
}

const ONE_WAY_TO_BROKER: ReadonlySet<PacketType> = new Set(['CONNECT', 'SUBSCRIBE', 'UNSUBSCRIBE', 'PINGREQ']);
const ONE_WAY_TO_CLIENT: ReadonlySet<PacketType> = new Set(['CONNACK', 'SUBACK', 'UNSUBACK', 'PINGRESP']);

function baseEntry(index: number, status: EntryStatus, offset: number, length: number, version: ProtocolVersion, type: PacketType | null, facts: PacketFacts): StreamEntry {
  return { index, status, offset, length, version, type, facts, direction: 'either', confidence: 'none', why: 'unknown', whyEntry: -1, whyDetail: '', exchange: -1, notes: [] };
}

export function factsOf(p: Packet, version: ProtocolVersion): PacketFacts {
  switch (p.type) {
    case 'CONNECT':
      return { clientId: cap(p.clientId), cleanSession: p.cleanSession, protocolLevel: p.protocolLevel, hasWill: p.will !== undefined };
    case 'CONNACK':
      return { sessionPresent: p.sessionPresent, reasonCode: p.reasonCode, reasonName: reasonCodeName('CONNACK', p.reasonCode, version) };
    case 'PUBLISH': {
      const facts: PacketFacts = { qos: p.qos, dup: p.dup, retain: p.retain, topic: cap(p.topic), payloadLength: p.payload.length };
      if (p.packetId !== undefined) facts.packetId = p.packetId;
      if (p.properties?.topicAlias !== undefined) facts.topicAlias = p.properties.topicAlias;
      return facts;
    }
    case 'PUBACK': case 'PUBREC': case 'PUBREL': case 'PUBCOMP': {
      const facts: PacketFacts = { packetId: p.packetId };
      if (p.reasonCode !== undefined) {
        facts.reasonCode = p.reasonCode;
        facts.reasonName = reasonCodeName(p.type, p.reasonCode, version);
      }
      return facts;
    }
    case 'SUBSCRIBE':
      return { packetId: p.packetId, filters: p.subscriptions.slice(0, MAX_LIST).map((s) => cap(s.topicFilter)), filterCount: p.subscriptions.length, qos: p.subscriptions[0]?.qos ?? 0 };
    case 'UNSUBSCRIBE':
      return { packetId: p.packetId, filters: p.topicFilters.slice(0, MAX_LIST).map(cap), filterCount: p.topicFilters.length };
    case 'SUBACK':
      return { packetId: p.packetId, reasonCodes: p.reasonCodes.slice(0, MAX_LIST), filterCount: p.reasonCodes.length };
    case 'UNSUBACK': {
      const facts: PacketFacts = { packetId: p.packetId };
      if (p.reasonCodes !== undefined) { facts.reasonCodes = p.reasonCodes.slice(0, MAX_LIST); facts.filterCount = p.reasonCodes.length; }
      return facts;
    }
    case 'DISCONNECT': case 'AUTH': {
      if (p.reasonCode === undefined) return {};
      return { reasonCode: p.reasonCode, reasonName: reasonCodeName(p.type, p.reasonCode, version) };
    }
    default:
      return {};
  }
}

function flowFacts(entry: number, p: Packet, version: ProtocolVersion): FlowPacket {
  const f: FlowPacket = { entry, type: p.type, version };
  switch (p.type) {
    case 'CONNECT': f.cleanSession = p.cleanSession; break;
    case 'PUBLISH':
      f.qos = p.qos; f.dup = p.dup; f.topic = p.topic;
      if (p.packetId !== undefined) f.packetId = p.packetId;
      if (p.properties?.topicAlias !== undefined) f.topicAlias = p.properties.topicAlias;
      f.hasSubscriptionIdentifier = (p.properties?.subscriptionIdentifiers?.length ?? 0) > 0;
      f.payloadKey = `${p.payload.length}:${toHex(p.payload.subarray(0, 32))}`;
      break;
    case 'PUBACK': case 'PUBREC': case 'PUBREL': case 'PUBCOMP':
      f.packetId = p.packetId;
      if (p.reasonCode !== undefined) f.reasonCode = p.reasonCode;
      break;
    case 'SUBSCRIBE': f.packetId = p.packetId; f.filters = p.subscriptions.map((s) => s.topicFilter); break;
    case 'UNSUBSCRIBE': f.packetId = p.packetId; f.filters = [...p.topicFilters]; break;
    case 'SUBACK': f.packetId = p.packetId; f.reasonCodes = p.reasonCodes; break;
    case 'UNSUBACK':
      f.packetId = p.packetId;
      if (p.reasonCodes !== undefined) f.reasonCodes = p.reasonCodes;
      break;
    default: break;
  }
  return f;
}

/**
 * The packet at `offset` read as if its remaining length were what the input holds: when those
 * bytes decode as one whole valid packet, the remaining length is likely too large rather than
 * the input cut short (both readings are offered to the reader). Null when they do not.
 */
export function readWithShorterLength(bytes: Uint8Array, offset: number, version: ProtocolVersion): { tooLarge: number; decoded: DecodedPacket; headerLength: number; patchedHeaderLength: number } | null {
  let header;
  try {
    header = readFixedHeader(bytes, offset, version);
  } catch {
    return null;
  }
  const body = bytes.length - offset - header.headerLength;
  if (body < 0 || body >= header.remainingLength) return null;
  const length = encodeVariableByteInteger(body);
  const patched = new Uint8Array(1 + length.length + body);
  patched[0] = bytes[offset]!;
  patched.set(length, 1);
  patched.set(bytes.subarray(offset + header.headerLength), 1 + length.length);
  try {
    const decoded = decodePacket(patched, { protocolVersion: version, annotate: true }, 0);
    if (decoded.length !== patched.length) return null;
    return { tooLarge: header.remainingLength - body, decoded, headerLength: header.headerLength, patchedHeaderLength: 1 + length.length };
  } catch {
    return null;
  }
}

// ---------------------------------------------------------------------------------------------
// One packet in detail (main thread, on demand: a 5 MB stream is never annotated as a whole)

export interface EntryDetail {
  layout: PacketLayout;
  /** The decoded packet, for valid entries. */
  packet: Packet | null;
  /** The byte that breaks a rule (absolute), or -1. */
  errorByte: number;
  /** PUBLISH payload and CONNECT will payload, as text / JSON / hex. */
  payloads: Array<{ path: string; offset: number; view: PayloadView }>;
}

export function entryDetail(bytes: Uint8Array, entry: StreamEntry, lang: Lang = 'en'): EntryDetail {
  if (entry.status === 'valid') {
    const decoded = decodePacket(bytes, { protocolVersion: entry.version, annotate: true }, entry.offset);
    const layout = layoutPacket(decoded.fields ?? [], entry.offset, entry.length, { lang });
    const payloads: EntryDetail['payloads'] = [];
    const p = decoded.packet;
    const spanAt = (path: string) => decoded.fields?.find((s) => s.path === path);
    if (p.type === 'PUBLISH') payloads.push({ path: 'payload', offset: spanAt('payload')?.offset ?? entry.offset + entry.length - p.payload.length, view: payloadView(p.payload) });
    if (p.type === 'CONNECT' && p.will !== undefined) payloads.push({ path: 'will.payload', offset: spanAt('will.payload')?.offset ?? entry.offset, view: payloadView(p.will.payload) });
    return { layout, packet: p, errorByte: -1, payloads };
  }
  if (entry.status === 'incomplete' && entry.tooLarge !== undefined) {
    const shorter = readWithShorterLength(bytes, entry.offset, entry.version);
    if (shorter !== null) {
      // The fields as the shorter reading decodes them, at their offsets in the input; the
      // remaining length keeps the value the bytes actually hold.
      const delta = shorter.headerLength - shorter.patchedHeaderLength;
      const spans = (shorter.decoded.fields ?? []).map((span): FieldSpan => span.path === 'fixedHeader.remainingLength'
        ? { ...span, offset: entry.offset + 1, length: shorter.headerLength - 1, value: shorter.decoded.remainingLength + shorter.tooLarge }
        : { ...span, offset: entry.offset + (span.offset < shorter.patchedHeaderLength ? span.offset : span.offset + delta) });
      return { layout: layoutPacket(spans, entry.offset, entry.length, { lang }), packet: shorter.decoded.packet, errorByte: -1, payloads: [] };
    }
  }
  const spans = synthesizedSpans(bytes, entry);
  const errorByte = entry.status === 'malformed' && entry.error
    ? Math.min(Math.max(entry.error.offset, entry.offset), entry.offset + entry.length - 1)
    : -1;
  return { layout: layoutPacket(spans, entry.offset, entry.length, { lang }), packet: null, errorByte, payloads: [] };
}

/** Spans for bytes the codec would not annotate: what the fixed header says, then the rest. */
export function synthesizedSpans(bytes: Uint8Array, entry: StreamEntry): FieldSpan[] {
  const spans: FieldSpan[] = [];
  const start = entry.offset;
  const end = entry.offset + entry.length;
  let at = start;
  try {
    const h = readFixedHeader(bytes, start, entry.version);
    const typeCode = bytes[start]! >> 4;
    const expected = RESERVED_FLAGS[h.type];
    spans.push({
      offset: start, length: 1, path: 'fixedHeader', label: { key: 'codec.f.fixedHeader', values: { type: h.type } }, value: bytes[start]!,
      bits: [
        { path: 'fixedHeader.type', label: { key: 'codec.b.type' }, mask: 0xf0, shift: 4, value: typeCode, meaning: { key: 'codec.m.name', values: { name: h.type } } },
        h.type === 'PUBLISH'
          ? { path: 'fixedHeader.flags', label: { key: 'codec.b.flags' }, mask: 0x0f, shift: 0, value: h.flags }
          : { path: 'fixedHeader.flags', label: { key: 'codec.b.reservedFlags' }, mask: 0x0f, shift: 0, value: h.flags, meaning: { key: 'codec.m.reservedMust', values: { expected: expected.toString(2).padStart(4, '0') } } },
      ],
    });
    spans.push({ offset: start + 1, length: h.headerLength - 1, path: 'fixedHeader.remainingLength', label: { key: 'codec.f.remainingLength' }, value: h.remainingLength });
    at = start + h.headerLength;
  } catch {
    // The fixed header itself is what fails (reserved type, bad or cut-short length).
  }
  if (entry.status === 'malformed' && entry.error !== undefined) {
    // An error inside the fixed header is marked on the header's own span (errorByte), not split out.
    const bad = Math.min(entry.error.offset, end - 1);
    if (bad >= at && bad < end) {
      if (bad > at) spans.push({ offset: at, length: bad - at, path: 'body.beforeError', label: { key: 'packet.span.beforeError' }, value: null });
      spans.push({ offset: bad, length: 1, path: 'body.error', label: { key: 'packet.span.error', values: { rule: entry.error.rule } }, value: bytes[bad]! });
      if (bad + 1 < end) spans.push({ offset: bad + 1, length: end - bad - 1, path: 'body.notDecoded', label: { key: 'packet.span.notDecoded' }, value: null });
      return spans;
    }
  }
  if (at < end) {
    spans.push({
      offset: at, length: end - at, path: entry.status === 'incomplete' ? 'body.incomplete' : 'body.notDecoded',
      label: { key: entry.status === 'incomplete' ? 'packet.span.soFar' : 'packet.span.notDecoded' }, value: null,
    });
  }
  return spans;
}

// ---------------------------------------------------------------------------------------------
// URL state: #hex=…&v=…&p=…  or  #example=…&v=…

export { MAX_SHARE_BYTES };

export interface DecoderUrlState {
  hex?: string;
  example?: string;
  choice: VersionChoice;
  /** Selected packet, 0-based (the link's `p` counts from 1, as the list does). */
  selected: number;
}

export function encodeDecoderHash(state: DecoderUrlState): string {
  return buildHash([
    ['example', state.example],
    ['hex', state.example === undefined ? state.hex : undefined],
    ['v', state.choice !== 'auto' ? state.choice : undefined],
    ['p', state.selected > 0 ? state.selected + 1 : undefined],
  ]);
}


/** Reads `location.hash`. Whatever a tampered link holds, this returns a usable state and says what it ignored. */
export function parseDecoderHash(hash: string, exampleIds: ReadonlyArray<string>): { state: DecoderUrlState; problems: Msg[] } {
  const state: DecoderUrlState = { choice: 'auto', selected: 0 };
  const problems: Msg[] = [];
  const raw = hash.startsWith('#') ? hash.slice(1) : hash;
  if (raw === '') return { state, problems };
  const params = hashParams(raw);
  if (params === null) return { state, problems: [{ key: 'common.linkUnreadable' }] };
  const hex = params.get('hex');
  const example = params.get('example');
  if (example !== null) {
    if (exampleIds.includes(example)) state.example = example;
    else problems.push(msg('linkBadExample', { value: cap(example) }));
  } else if (hex !== null) {
    const parsed = parseHexParam(hex);
    if ('value' in parsed) state.hex = parsed.value;
    else problems.push(parsed.problem);
  }
  const v = params.get('v');
  if (v !== null) {
    const parsed = parseVersionParam(v);
    if ('value' in parsed) state.choice = parsed.value;
    else problems.push(parsed.problem);
  }
  const p = params.get('p');
  if (p !== null) {
    if (/^\d{1,7}$/.test(p) && Number(p) >= 1) state.selected = Number(p) - 1;
    else problems.push(msg('linkBadPacket', { value: cap(p) }));
  }
  const unknown = unknownKeyProblem(params, ['hex', 'example', 'v', 'p']);
  if (unknown !== null) problems.push(unknown);
  return { state, problems };
}

/** The builder link for one decoded packet, or why there is none. */
export function builderLinkFor(bytes: Uint8Array, entry: StreamEntry, builderPath: string): { href: string } | { reason: Msg } {
  if (entry.status !== 'valid') return { reason: msg('builderNotValid') };
  if (entry.version === 3) return { reason: msg('builderNo31') };
  if (entry.length > MAX_SHARE_BYTES) return { reason: msg('builderTooBig', { bytes: entry.length, max: MAX_SHARE_BYTES }) };
  const hex = toHex(bytes.subarray(entry.offset, entry.offset + entry.length));
  return { href: `${builderPath}#v=${entry.version === 5 ? '5.0' : '3.1.1'}&hex=${hex}` };
}

/** The share link for the current input, or why it cannot be one. */
export function shareHashFor(bytes: Uint8Array, choice: VersionChoice, selected: number, example?: string): { hash: string } | { reason: Msg } {
  if (example !== undefined) return { hash: encodeDecoderHash({ example, choice, selected }) };
  if (bytes.length === 0) return { reason: msg('shareEmpty') };
  if (bytes.length > MAX_SHARE_BYTES) return { reason: msg('shareTooBig', { bytes: bytes.length, max: MAX_SHARE_BYTES }) };
  return { hash: encodeDecoderHash({ hex: toHex(bytes), choice, selected }) };
}

// ---------------------------------------------------------------------------------------------
// Status line

/** One sentence for the live region: what was decoded, what failed, what is missing. */
export function statusMessage(result: AnalysisResult): Msg {
  if (result.status === 'empty') return msg('statusEmpty');
  // The reason itself is shown once, in the input-problem panel with its line and column.
  if (result.status === 'input-error') return msg('statusInputError');
  const { valid, malformed, incomplete } = result.counts;
  const key = malformed > 0 ? (incomplete > 0 ? 'statusMalformedIncomplete' : 'statusMalformed') : incomplete > 0 ? 'statusIncomplete' : 'statusOk';
  const needed = result.entries.find((e) => e.status === 'incomplete')?.needed ?? 0;
  return msg(key, { valid, malformed, bytes: result.bytes.length, needed, label: PROTOCOL_VERSION_LABELS[result.version] });
}

export { PROTOCOL_VERSION_LABELS };
export type { Exchange, FlowNote, Direction, DirectionWhy, Confidence };
