/**
 * From a captured frame to its TCP segment: the link header (Ethernet with VLAN tags, Linux
 * cooked SLL and SLL2, raw IP, BSD loopback), then IPv4 or IPv6, then TCP. Anything else is
 * not ours and is counted, not guessed at.
 */

export const LINKTYPE = { NULL: 0, ETHERNET: 1, RAW: 101, RAW_12: 12, RAW_14: 14, LOOP: 108, SLL: 113, IPV4: 228, IPV6: 229, SLL2: 276 } as const;

export interface TcpSegment {
  src: string;
  dst: string;
  srcPort: number;
  dstPort: number;
  seq: number;
  ack: number;
  flags: number;
  payload: Uint8Array;
}

export const TCP_FIN = 0x01;
export const TCP_SYN = 0x02;
export const TCP_RST = 0x04;
export const TCP_ACK = 0x10;

export type LayerResult =
  | { kind: 'tcp'; segment: TcpSegment }
  | { kind: 'skip'; reason: 'link' | 'network' | 'not-tcp' | 'fragment' | 'short' };

const ETHERTYPE_IPV4 = 0x0800;
const ETHERTYPE_IPV6 = 0x86dd;
const ETHERTYPE_VLAN = [0x8100, 0x88a8, 0x9100];

export function decodeLayers(linkType: number, d: Uint8Array): LayerResult {
  let at: number;
  let etherType: number;
  switch (linkType) {
    case LINKTYPE.ETHERNET: {
      if (d.length < 14) return { kind: 'skip', reason: 'short' };
      etherType = (d[12]! << 8) | d[13]!;
      at = 14;
      while (ETHERTYPE_VLAN.includes(etherType)) {
        if (d.length < at + 4) return { kind: 'skip', reason: 'short' };
        etherType = (d[at + 2]! << 8) | d[at + 3]!;
        at += 4;
      }
      break;
    }
    case LINKTYPE.SLL:
      if (d.length < 16) return { kind: 'skip', reason: 'short' };
      etherType = (d[14]! << 8) | d[15]!;
      at = 16;
      break;
    case LINKTYPE.SLL2:
      if (d.length < 20) return { kind: 'skip', reason: 'short' };
      etherType = (d[0]! << 8) | d[1]!;
      at = 20;
      break;
    case LINKTYPE.RAW: case LINKTYPE.RAW_12: case LINKTYPE.RAW_14: case LINKTYPE.IPV4: case LINKTYPE.IPV6:
      if (d.length < 1) return { kind: 'skip', reason: 'short' };
      etherType = d[0]! >> 4 === 6 ? ETHERTYPE_IPV6 : ETHERTYPE_IPV4;
      at = 0;
      break;
    case LINKTYPE.NULL: case LINKTYPE.LOOP: {
      if (d.length < 4) return { kind: 'skip', reason: 'short' };
      // The address family is in the writer's byte order for NULL, big-endian for LOOP: read
      // both ways. AF_INET is 2 everywhere; AF_INET6 is 10, 24, 28 or 30 depending on the OS.
      const family = d[0] === 0 && d[1] === 0 ? (d[2]! << 8) | d[3]! : d[0]! | (d[1]! << 8);
      if (family === 2) etherType = ETHERTYPE_IPV4;
      else if (family === 10 || family === 24 || family === 28 || family === 30) etherType = ETHERTYPE_IPV6;
      else return { kind: 'skip', reason: 'network' };
      at = 4;
      break;
    }
    default:
      return { kind: 'skip', reason: 'link' };
  }
  if (etherType === ETHERTYPE_IPV4) return ipv4(d, at);
  if (etherType === ETHERTYPE_IPV6) return ipv6(d, at);
  return { kind: 'skip', reason: 'network' };
}

function ipv4(d: Uint8Array, at: number): LayerResult {
  if (d.length < at + 20 || d[at]! >> 4 !== 4) return { kind: 'skip', reason: 'short' };
  const headerLength = (d[at]! & 0x0f) * 4;
  const totalLength = (d[at + 2]! << 8) | d[at + 3]!;
  const fragment = ((d[at + 6]! << 8) | d[at + 7]!) & 0x3fff; // MF flag and offset
  if (d[at + 9] !== 6) return { kind: 'skip', reason: 'not-tcp' };
  if (fragment !== 0) return { kind: 'skip', reason: 'fragment' };
  // totalLength 0 appears with TCP segmentation offload on the sending host: take the frame's end.
  const end = totalLength === 0 ? d.length : Math.min(d.length, at + totalLength);
  const src = `${d[at + 12]}.${d[at + 13]}.${d[at + 14]}.${d[at + 15]}`;
  const dst = `${d[at + 16]}.${d[at + 17]}.${d[at + 18]}.${d[at + 19]}`;
  return tcp(d, at + headerLength, end, src, dst);
}

function ipv6(d: Uint8Array, at: number): LayerResult {
  if (d.length < at + 40 || d[at]! >> 4 !== 6) return { kind: 'skip', reason: 'short' };
  const payloadLength = (d[at + 4]! << 8) | d[at + 5]!;
  let next = d[at + 6]!;
  const src = ipv6Text(d, at + 8);
  const dst = ipv6Text(d, at + 24);
  const end = payloadLength === 0 ? d.length : Math.min(d.length, at + 40 + payloadLength);
  let p = at + 40;
  // Extension headers: hop-by-hop, routing, destination options; a fragment header means a fragment.
  while (next === 0 || next === 43 || next === 60 || next === 44) {
    if (p + 8 > end) return { kind: 'skip', reason: 'short' };
    if (next === 44) return { kind: 'skip', reason: 'fragment' };
    const following = d[p]!;
    p += (d[p + 1]! + 1) * 8;
    next = following;
  }
  if (next !== 6) return { kind: 'skip', reason: 'not-tcp' };
  return tcp(d, p, end, src, dst);
}

function ipv6Text(d: Uint8Array, at: number): string {
  const groups: number[] = [];
  for (let i = 0; i < 8; i++) groups.push((d[at + 2 * i]! << 8) | d[at + 2 * i + 1]!);
  // RFC 5952: the longest run (of at least two) of zero groups becomes "::".
  let bestStart = -1;
  let bestLength = 1;
  for (let i = 0; i < 8;) {
    if (groups[i] !== 0) { i++; continue; }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLength) { bestStart = i; bestLength = j - i; }
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestStart < 0) return hex.join(':');
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLength).join(':')}`;
}

function tcp(d: Uint8Array, at: number, end: number, src: string, dst: string): LayerResult {
  if (end < at + 20) return { kind: 'skip', reason: 'short' };
  const headerLength = (d[at + 12]! >> 4) * 4;
  if (headerLength < 20 || at + headerLength > end) return { kind: 'skip', reason: 'short' };
  return {
    kind: 'tcp',
    segment: {
      src, dst,
      srcPort: (d[at]! << 8) | d[at + 1]!,
      dstPort: (d[at + 2]! << 8) | d[at + 3]!,
      seq: ((d[at + 4]! << 24) | (d[at + 5]! << 16) | (d[at + 6]! << 8) | d[at + 7]!) >>> 0,
      ack: ((d[at + 8]! << 24) | (d[at + 9]! << 16) | (d[at + 10]! << 8) | d[at + 11]!) >>> 0,
      flags: d[at + 13]!,
      payload: d.subarray(at + headerLength, end),
    },
  };
}

export function endpointText(ip: string, port: number): string {
  return ip.includes(':') ? `[${ip}]:${port}` : `${ip}:${port}`;
}
