/**
 * tcpdump prints the link, IP and TCP headers in front of the payload: find and strip them.
 */
import { formatSize, type Context } from './common.ts';
import { type Block } from './dump.ts';

export interface FrameLayout {
  /** 14 for an Ethernet header (tcpdump -xx), 0 when the bytes start with the IP header. */
  linkLength: number;
  ipVersion: 4 | 6;
  ipHeaderLength: number;
  protocol: number;
  /** Null when the packet isn't TCP or its TCP header can't be read; `problem` says why. */
  tcpHeaderLength: number | null;
  problem: string | null;
  payloadStart: number;
  payloadEnd: number;
  /** Bytes the IP header claims beyond those in the dump (a capture cut short by its snapshot length). */
  missing: number;
  /** Bytes after the IP packet's end (Ethernet padding). */
  trailing: number;
}

/** Reads IPv4/IPv6 + TCP headers at `start`, or Ethernet + IP + TCP; null if the bytes don't start with IP. */
export function analyzeFrame(b: Uint8Array, start: number, end: number): FrameLayout | null {
  let p = start;
  let linkLength = 0;
  const v0 = b[p] ?? 0;
  const startsWithIp = (v0 >= 0x45 && v0 <= 0x4f && end - p >= 20) || (v0 >> 4 === 6 && end - p >= 40);
  if (!startsWithIp && end - p >= 34) {
    const etherType = (b[p + 12]! << 8) | b[p + 13]!;
    const version = b[p + 14]! >> 4;
    if ((etherType === 0x0800 && version === 4) || (etherType === 0x86dd && version === 6)) {
      linkLength = 14;
      p += 14;
    }
  }
  const first = b[p] ?? 0;
  let ipVersion: 4 | 6;
  let ipHeaderLength: number;
  let protocol: number;
  let declaredLength: number;
  let fragment = false;
  if (first >= 0x45 && first <= 0x4f && end - p >= 20) {
    ipVersion = 4;
    ipHeaderLength = (first & 0x0f) * 4;
    declaredLength = (b[p + 2]! << 8) | b[p + 3]!;
    protocol = b[p + 9]!;
    fragment = (((b[p + 6]! & 0x1f) << 8) | b[p + 7]!) !== 0;
  } else if (first >> 4 === 6 && end - p >= 40) {
    ipVersion = 6;
    ipHeaderLength = 40;
    const payloadLength = (b[p + 4]! << 8) | b[p + 5]!;
    declaredLength = payloadLength === 0 ? 0 : 40 + payloadLength;
    protocol = b[p + 6]!;
  } else {
    return null;
  }
  // A length of 0 is what segmentation offload leaves in captured headers: trust the dump then.
  const declaredEnd = declaredLength >= ipHeaderLength ? p + declaredLength : end;
  const ipEnd = Math.min(end, declaredEnd);
  const layout: FrameLayout = {
    linkLength, ipVersion, ipHeaderLength, protocol, tcpHeaderLength: null, problem: null,
    payloadStart: start, payloadEnd: end, missing: Math.max(0, declaredEnd - end), trailing: Math.max(0, end - declaredEnd),
  };
  const tcpStart = p + ipHeaderLength;
  if (protocol !== 6 && ipVersion === 6) {
    const extension = [0, 43, 44, 60].includes(protocol) ? ' (IPv6 extension headers are not followed)' : '';
    layout.problem = `its next header is ${protocol}, not TCP (6)${extension}`;
  } else if (protocol !== 6) layout.problem = `its protocol is ${protocol}, not TCP (6)`;
  else if (fragment) layout.problem = 'it is a fragment without the TCP header';
  else if (ipEnd - tcpStart < 20) layout.problem = 'its TCP header is cut short';
  else {
    const tcpHeaderLength = (b[tcpStart + 12]! >> 4) * 4;
    if (tcpHeaderLength < 20 || tcpStart + tcpHeaderLength > ipEnd) layout.problem = `its TCP header length (${tcpHeaderLength}) does not fit`;
    else {
      layout.tcpHeaderLength = tcpHeaderLength;
      layout.payloadStart = tcpStart + tcpHeaderLength;
      layout.payloadEnd = ipEnd;
    }
  }
  return layout;
}

export function layoutName(layout: FrameLayout): string {
  return `${layout.linkLength > 0 ? 'an Ethernet header and then ' : ''}an IPv${layout.ipVersion} header`;
}

export function headerSizes(layout: FrameLayout): string {
  const parts = [];
  if (layout.linkLength > 0) parts.push(`Ethernet ${layout.linkLength}`);
  parts.push(`IPv${layout.ipVersion} ${layout.ipHeaderLength}`, `TCP ${layout.tcpHeaderLength ?? 0}`);
  return parts.join(' + ');
}

/**
 * tcpdump prints packets from the IP header on (or from the Ethernet header with -xx): keep only
 * each packet's TCP payload, which is where the MQTT bytes are.
 */
export function stripTcpdumpHeaders(ctx: Context, bytes: Uint8Array, blocks: Block[]): Uint8Array {
  if (blocks.length === 0) return bytes;
  const layouts = blocks.map((block, i) => analyzeFrame(bytes, block.start, i + 1 < blocks.length ? blocks[i + 1]!.start : bytes.length));
  const first = layouts[0];
  if (first === null || first === undefined) return bytes;
  const single = blocks.length === 1;
  ctx.warnings.push(single
    ? `The tcpdump output starts with ${layoutName(first)}: tcpdump prints the IP and TCP headers in front of the MQTT bytes.`
    : `The tcpdump output holds ${blocks.length} packets; the first starts with ${layoutName(first)}: tcpdump prints the IP and TCP headers in front of the MQTT bytes.`);
  if (!ctx.stripNetworkHeaders) {
    ctx.warnings.push('The headers were kept, as asked.');
    return bytes;
  }
  const parts: Uint8Array[] = [];
  let strippedBytes = 0;
  let strippedPackets = 0;
  let payloadBytes = 0;
  const notes: string[] = [];
  layouts.forEach((layout, i) => {
    const start = blocks[i]!.start;
    const end = i + 1 < blocks.length ? blocks[i + 1]!.start : bytes.length;
    const which = single ? 'The packet' : `Packet ${i + 1} (line ${blocks[i]!.line})`;
    if (layout === null || layout.tcpHeaderLength === null) {
      notes.push(`${which} was kept whole: ${layout === null ? 'it does not start with an IPv4 or IPv6 header' : layout.problem}.`);
      parts.push(bytes.subarray(start, end));
      return;
    }
    strippedPackets++;
    strippedBytes += layout.payloadStart - start;
    payloadBytes += layout.payloadEnd - layout.payloadStart;
    parts.push(bytes.subarray(layout.payloadStart, layout.payloadEnd));
    if (single) {
      notes.push(layout.payloadEnd > layout.payloadStart
        ? `Stripped the first ${formatSize(layout.payloadStart - start)} (${headerSizes(layout)}) and kept the ${formatSize(layout.payloadEnd - layout.payloadStart)} of TCP payload.`
        : `Stripped the ${formatSize(layout.payloadStart - start)} of headers (${headerSizes(layout)}); the TCP segment carries no payload, so no bytes remain.`);
    }
    if (layout.missing > 0) notes.push(`${which} is cut short: its IP header announces ${formatSize(layout.missing)} more than the dump shows (tcpdump's snapshot length?).`);
    if (layout.trailing > 0) notes.push(`${which} is followed by ${formatSize(layout.trailing)} after the end of its IP packet (Ethernet padding?), which were dropped.`);
  });
  if (!single && strippedPackets > 0) {
    ctx.warnings.push(`Stripped the IP and TCP headers of ${strippedPackets} packet${strippedPackets === 1 ? '' : 's'} (${formatSize(strippedBytes)} in all) and joined their TCP payloads (${formatSize(payloadBytes)}).`);
  }
  ctx.warnings.push(...notes.slice(0, 6));
  if (notes.length > 6) ctx.warnings.push(`(${notes.length - 6} more notes like these.)`);
  return concat(parts);
}

/** Wireshark or xxd bytes of a whole frame decode as nonsense MQTT: say where the payload starts. */
export function warnIfWholeFrame(ctx: Context, bytes: Uint8Array, blocks: Block[]): void {
  if (blocks.length === 0) return;
  const end = blocks.length > 1 ? blocks[1]!.start : bytes.length;
  const layout = analyzeFrame(bytes, 0, end);
  if (layout === null || layout.tcpHeaderLength === null || layout.missing > 0) return;
  const offset = layout.payloadStart;
  ctx.warnings.push(`These bytes look like a whole captured frame: ${headerSizes(layout)} bytes of headers come first, and the TCP payload starts at offset ${offset} (0x${offset.toString(16)}). In Wireshark, select the MQTT layer before copying to get only its bytes.`);
}

export function concat(parts: Uint8Array[]): Uint8Array {
  let total = 0;
  for (const part of parts) total += part.length;
  const out = new Uint8Array(total);
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}
