/**
 * The pure model behind the annotated packet (hex grid, field tree, field details) that the hex
 * decoder, the packet builder and the broker lab draw. No DOM and no React: bytes and the codec's FieldSpans in, plain data out.
 *
 * A packet's spans cover each of its bytes exactly once. The tree groups them by their dotted
 * paths (`properties[0].id` sits under `properties` → `properties[0]`), so hovering a group lights
 * up every byte of the group, and hovering a byte finds the one span (and tree node) it belongs to.
 */
import { PROTOCOL_VERSION_LABELS, reasonCodeName, type BitField, type FieldSpan, type Packet, type ProtocolVersion } from '../../../mqtt/codec/index.ts';
import { asciiChar, HEX_BYTE, hexOffset, hexOffsetWidth, hexPreview } from '../hex.ts';
import { codecText } from '../../i18n/codec-text.ts';
import { hasKey, translate } from '../../i18n/catalogue.ts';
import type { Lang } from '../../i18n/lang.ts';
import { formatNumber } from '../../i18n/format.ts';

/** What part of the packet a field belongs to, for colouring. */
export type FieldKind = 'fixed' | 'variable' | 'properties' | 'payload';

export interface FieldNode {
  /** Index in `PacketLayout.nodes`; nodes are in tree (pre-)order, which is byte order. */
  index: number;
  path: string;
  /** The span's label, or a group name (see GROUP_LABELS) for nodes that only group others. */
  label: string;
  depth: number;
  parent: number;
  children: number[];
  /** Index into `PacketLayout.spans`, or -1 for a pure group. */
  span: number;
  /** Absolute byte range covered by the node and all its descendants: [start, end). */
  start: number;
  end: number;
  kind: FieldKind;
}

export interface PacketLayout {
  /** Absolute offset of the packet's first byte in the input. */
  base: number;
  length: number;
  spans: FieldSpan[];
  nodes: FieldNode[];
  /** For each byte of the packet (relative to `base`), the index of its span, or -1. */
  byteSpan: Int32Array;
  /** For each span, the index of its node. */
  spanNode: Int32Array;
  /** Nodes left out because the packet has more fields than `maxNodes`. */
  hiddenNodes: number;
}

/** English names for paths that only group other fields; views may pass translations. */
export const GROUP_LABELS: Readonly<Record<string, string>> = {
  fixedHeader: 'Fixed header',
  properties: 'Properties',
  will: 'Will',
  'will.properties': 'Will properties',
  subscriptions: 'Subscriptions',
  subscription: 'Subscription',
  topicFilters: 'Topic filters',
  reasonCodes: 'Reason codes',
  property: 'Property',
};

export const DEFAULT_MAX_NODES = 3000;

/** The prefixes of a dotted path at which a tree level starts: `a.b[2].c` → a, a.b, a.b[2], a.b[2].c. */
export function pathPrefixes(path: string): string[] {
  const out: string[] = [];
  for (let i = 1; i < path.length; i++) {
    const c = path[i];
    if (c === '.' || c === '[') out.push(path.slice(0, i));
  }
  out.push(path);
  return out;
}

export function fieldKind(path: string): FieldKind {
  if (path.startsWith('fixedHeader')) return 'fixed';
  if (path === 'payload' || path.startsWith('payload.')) return 'payload';
  if (path.startsWith('properties') || path.startsWith('will.properties')) return 'properties';
  return 'variable';
}

function groupLabel(path: string, groupLabels: Readonly<Record<string, string>> | undefined, lang: Lang): string {
  const group = (name: string): string | undefined => {
    const given = groupLabels?.[name];
    if (given !== undefined) return given;
    const key = `packet.group.${name.replace('.', '_')}`;
    return hasKey(key) ? translate(lang, key) : undefined;
  };
  const direct = group(path);
  if (direct !== undefined) return direct;
  const indexed = /^(.*?)\[(\d+)\]$/.exec(path);
  if (indexed !== null) {
    const parent = indexed[1]!;
    const n = Number(indexed[2]) + 1;
    if (parent === 'subscriptions') return translate(lang, 'packet.group.indexed', { name: group('subscription')!, n });
    if (parent.endsWith('properties')) return translate(lang, 'packet.group.indexed', { name: group('property')!, n });
    return `${parent.split('.').pop()} ${n}`;
  }
  const last = path.split('.').pop() ?? path;
  return last.replace(/([a-z])([A-Z])/g, '$1 $2').replace(/^./, (c) => c.toUpperCase());
}

/**
 * Groups a packet's spans into a tree. `base` and `length` give the packet's byte range; spans
 * outside it are ignored. With more than `maxNodes` nodes the rest are counted in `hiddenNodes`
 * (a SUBSCRIBE with 100 000 filters has 300 000 fields; nobody reads them in a tree).
 */
export function layoutPacket(
  spans: FieldSpan[], base: number, length: number,
  options: { maxNodes?: number; groupLabels?: Readonly<Record<string, string>>; lang?: Lang } = {},
): PacketLayout {
  const maxNodes = options.maxNodes ?? DEFAULT_MAX_NODES;
  const lang = options.lang ?? 'en';
  const groupLabels = options.groupLabels;
  const nodes: FieldNode[] = [];
  const byPath = new Map<string, number>();
  const byteSpan = new Int32Array(length).fill(-1);
  const spanNode = new Int32Array(spans.length).fill(-1);
  let hiddenNodes = 0;

  spans.forEach((span, spanIndex) => {
    const rel = span.offset - base;
    if (rel < 0 || rel + span.length > length) return;
    byteSpan.fill(spanIndex, rel, rel + span.length);
    let parent = -1;
    for (const prefix of pathPrefixes(span.path)) {
      let index = byPath.get(prefix);
      if (index === undefined) {
        if (nodes.length >= maxNodes) {
          hiddenNodes++;
          return;
        }
        index = nodes.length;
        const depth = parent === -1 ? 0 : nodes[parent]!.depth + 1;
        nodes.push({
          index, path: prefix, label: groupLabel(prefix, groupLabels, lang), depth, parent, children: [], span: -1,
          start: span.offset, end: span.offset + span.length, kind: fieldKind(prefix),
        });
        byPath.set(prefix, index);
        if (parent !== -1) nodes[parent]!.children.push(index);
      }
      const node = nodes[index]!;
      if (span.offset < node.start) node.start = span.offset;
      if (span.offset + span.length > node.end) node.end = span.offset + span.length;
      parent = index;
    }
    const own = nodes[parent]!;
    own.span = spanIndex;
    own.label = codecText(lang, span.label);
    spanNode[spanIndex] = parent;
    // A property's group takes the property's name from its identifier span.
    const name = span.label.values?.name;
    if (span.path.endsWith('.id') && typeof name === 'string' && own.parent !== -1) {
      nodes[own.parent]!.label = codecText(lang, { key: name });
    }
  });
  // Nodes were created in first-byte order, which for a tree whose groups are contiguous is pre-order.
  return { base, length, spans, nodes, byteSpan, spanNode, hiddenNodes };
}

/** The node a byte belongs to (absolute offset), or -1. */
export function nodeAtByte(layout: PacketLayout, offset: number): number {
  const rel = offset - layout.base;
  if (rel < 0 || rel >= layout.length) return -1;
  const span = layout.byteSpan[rel]!;
  return span === -1 ? -1 : layout.spanNode[span]!;
}

/** Which nodes are visible given the set of collapsed group paths, in display order. */
export function visibleNodes(layout: PacketLayout, collapsed: ReadonlySet<string>): number[] {
  const out: number[] = [];
  const walk = (index: number) => {
    out.push(index);
    const node = layout.nodes[index]!;
    if (collapsed.has(node.path)) return;
    for (const child of node.children) walk(child);
  };
  layout.nodes.forEach((node) => { if (node.parent === -1) walk(node.index); });
  return out;
}

// ---------------------------------------------------------------------------------------------
// Hex rows and virtualisation

export interface RowWindow {
  first: number;
  /** Exclusive. */
  last: number;
}

export function rowCount(length: number, bytesPerRow: number): number {
  return Math.ceil(length / bytesPerRow);
}

/** The rows to render for a scroll position, with `overscan` extra rows either side. */
export function visibleRows(scrollTop: number, viewportHeight: number, rowHeight: number, rows: number, overscan = 4): RowWindow {
  if (rows === 0 || rowHeight <= 0) return { first: 0, last: 0 };
  const first = Math.max(0, Math.floor(scrollTop / rowHeight) - overscan);
  const last = Math.min(rows, Math.ceil((scrollTop + Math.max(viewportHeight, rowHeight)) / rowHeight) + overscan);
  return { first: Math.min(first, last), last };
}

/** The scrollTop that brings `row` into view, or null if it already is. */
export function scrollToRow(row: number, scrollTop: number, viewportHeight: number, rowHeight: number): number | null {
  const top = row * rowHeight;
  if (top < scrollTop) return top;
  if (top + rowHeight > scrollTop + viewportHeight) return top + rowHeight - viewportHeight;
  return null;
}

/**
 * Arrow-key movement of the cursor (a relative byte index) in a grid of `bytesPerRow` columns:
 * ←/→ one byte, ↑/↓ one row, Home/End the row's ends (with Ctrl the packet's), PageUp/PageDown a
 * page. Returns null for keys the grid does not handle.
 */
export function moveCursor(cursor: number, key: string, length: number, bytesPerRow: number, pageRows: number, ctrl = false): number | null {
  if (length === 0) return null;
  const clamp = (n: number) => Math.max(0, Math.min(length - 1, n));
  const rowStart = cursor - (cursor % bytesPerRow);
  switch (key) {
    case 'ArrowLeft': return clamp(cursor - 1);
    case 'ArrowRight': return clamp(cursor + 1);
    case 'ArrowUp': return cursor - bytesPerRow >= 0 ? cursor - bytesPerRow : cursor;
    case 'ArrowDown': return cursor + bytesPerRow < length ? cursor + bytesPerRow : clamp(Math.max(cursor, length - 1));
    case 'Home': return ctrl ? 0 : rowStart;
    case 'End': return ctrl ? length - 1 : clamp(rowStart + bytesPerRow - 1);
    case 'PageUp': return clamp(cursor - bytesPerRow * Math.max(1, pageRows));
    case 'PageDown': return clamp(cursor + bytesPerRow * Math.max(1, pageRows));
    default: return null;
  }
}

/** Movement in a flat list (tree items, packet rows): ↑/↓, Home/End, PageUp/PageDown. */
export function moveInList(index: number, key: string, count: number, page = 10): number | null {
  if (count === 0) return null;
  const clamp = (n: number) => Math.max(0, Math.min(count - 1, n));
  switch (key) {
    case 'ArrowUp': return clamp(index - 1);
    case 'ArrowDown': return clamp(index + 1);
    case 'Home': return 0;
    case 'End': return count - 1;
    case 'PageUp': return clamp(index - page);
    case 'PageDown': return clamp(index + page);
    default: return null;
  }
}

export { HEX_BYTE, asciiChar, hexPreview };

/** A decimal offset, zero-padded (the tree and the errors count bytes in decimal: "at byte 20"). */
export function offsetLabel(offset: number, width = 4): string {
  return String(offset).padStart(width, '0');
}

/**
 * The label of a hex grid row: its first byte's offset in hex, as Wireshark, xxd and hexdump
 * write it (0000, 0010, 0020 beside rows of 16 bytes), wide enough for the packet's last byte.
 */
export function gridRowLabel(offset: number, lastOffset: number): string {
  return hexOffset(offset, hexOffsetWidth(lastOffset));
}

// ---------------------------------------------------------------------------------------------
// Values, bits and payloads

/** Fields whose value is binary data, shown as hex (payloads, password, binary properties). */
const BINARY_FIELDS: ReadonlySet<string> = new Set(['codec.f.payload', 'codec.f.willPayload', 'codec.f.password', 'codec.p.correlationData', 'codec.p.authenticationData']);

/** How a span's value reads in the tree: strings quoted, binary as hex, numbers as numbers. */
export function formatValue(span: FieldSpan): string {
  const v = span.value;
  if (v === null) return '';
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (typeof v === 'number') {
    if (span.bits !== undefined || span.path === 'fixedHeader') return `0x${HEX_BYTE[v & 0xff]} (${v.toString(2).padStart(8, '0')})`;
    return formatNumber(v, 'en');
  }
  if (BINARY_FIELDS.has(span.label.key) || span.path.endsWith('payload') || span.path === 'password') {
    return v.length === 0 ? '(empty)' : `0x${v}`;
  }
  return JSON.stringify(v);
}

export interface BitCell {
  /** 7 (most significant) to 0. */
  bit: number;
  value: 0 | 1;
  /** Index into `fields`, or -1 when no field names this bit. */
  field: number;
}

export interface BitFieldView {
  label: string;
  path: string;
  value: number;
  meaning: string;
  high: number;
  low: number;
  /** e.g. "bit 0" or "bits 2–1". */
  range: string;
}

/** A flag byte as eight labelled cells, most significant first. */
export function bitView(byte: number, bits: ReadonlyArray<BitField>, lang: Lang = 'en'): { cells: BitCell[]; fields: BitFieldView[] } {
  const fields: BitFieldView[] = bits.map((b) => {
    const high = 31 - Math.clz32(b.mask);
    const low = b.shift;
    return {
      label: codecText(lang, b.label), path: b.path, value: b.value, meaning: b.meaning ? codecText(lang, b.meaning) : '', high, low,
      range: high === low ? `bit ${low}` : `bits ${high}–${low}`,
    };
  });
  const cells: BitCell[] = [];
  for (let bit = 7; bit >= 0; bit--) {
    const field = bits.findIndex((b) => (b.mask & (1 << bit)) !== 0);
    cells.push({ bit, value: ((byte >> bit) & 1) as 0 | 1, field });
  }
  return { cells, fields };
}

export const PAYLOAD_TEXT_LIMIT = 64 * 1024;

export interface PayloadView {
  length: number;
  /** The UTF-8 text of the first `PAYLOAD_TEXT_LIMIT` bytes, or null when it is not UTF-8. */
  text: string | null;
  /** Where the UTF-8 decoding failed (relative byte), when it did. */
  invalidUtf8At: number | null;
  /** The payload re-indented, when the whole payload is JSON (only tried below the limit). */
  json: string | null;
  /** True when only a prefix is shown as text. */
  truncated: boolean;
}

const fatalUtf8 = new TextDecoder('utf-8', { fatal: true });

export function payloadView(payload: Uint8Array, limit = PAYLOAD_TEXT_LIMIT): PayloadView {
  const truncated = payload.length > limit;
  let head = payload.subarray(0, Math.min(payload.length, limit));
  let text: string | null = null;
  let invalidUtf8At: number | null = null;
  // A truncated prefix may end inside a multi-byte character: back off up to three bytes.
  for (let back = 0; back <= (truncated ? 3 : 0); back++) {
    try {
      text = fatalUtf8.decode(head.subarray(0, head.length - back));
      head = head.subarray(0, head.length - back);
      break;
    } catch {
      text = null;
    }
  }
  if (text === null) invalidUtf8At = firstBadUtf8(head);
  let json: string | null = null;
  if (text !== null && !truncated) {
    const trimmed = text.trim();
    if (trimmed.startsWith('{') || trimmed.startsWith('[')) {
      try {
        json = JSON.stringify(JSON.parse(trimmed), null, 2);
      } catch {
        json = null;
      }
    }
  }
  return { length: payload.length, text, invalidUtf8At, json, truncated };
}

function firstBadUtf8(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i]!;
    const need = b < 0x80 ? 0 : b >= 0xc2 && b <= 0xdf ? 1 : b >= 0xe0 && b <= 0xef ? 2 : b >= 0xf0 && b <= 0xf4 ? 3 : -1;
    if (need < 0) return i;
    try {
      fatalUtf8.decode(bytes.subarray(i, i + need + 1));
    } catch {
      return i;
    }
    i += need + 1;
  }
  return 0;
}

/** Words for values whose number alone says little: reason codes, the protocol level. By path. */
export function fieldMeanings(packet: Packet, version: ProtocolVersion): Record<string, string> {
  const out: Record<string, string> = {};
  const p = packet as Packet & { reasonCode?: number; reasonCodes?: number[] };
  if (p.type === 'CONNECT') out.protocolLevel = `MQTT ${PROTOCOL_VERSION_LABELS[p.protocolLevel]}`;
  if (typeof p.reasonCode === 'number') out.reasonCode = `0x${HEX_BYTE[p.reasonCode]} ${reasonCodeName(p.type, p.reasonCode, version)}`;
  if (Array.isArray(p.reasonCodes)) {
    p.reasonCodes.forEach((code, i) => { out[`reasonCodes[${i}]`] = `0x${HEX_BYTE[code]} ${reasonCodeName(p.type, code, version)}`; });
  }
  return out;
}
