/**
 * npm run decode -- [--protocol 3.1|3.1.1|5.0|auto] [--json] [HEX ...]
 * Decodes MQTT packets from hex given as arguments or on standard input.
 */
import { readFileSync } from 'node:fs';
import {
  decodeAll, decodedToJson, detectProtocolVersion, PROTOCOL_VERSION_LABELS, reasonCodeName,
  type DecodeAllResult, type DecodedPacket, type ProtocolVersion,
} from '../mqtt/codec/index.ts';
import { bytesToHex } from '../mqtt/codec/binary-reader.ts';
import { english, localizeSpan } from '../components/i18n/codec-text.ts';
import { HexInputError, parseHexInput } from '../input/index.ts';
import { runCaptureCli } from './decode-capture.ts';

const USAGE = `Usage: npm run decode -- [--protocol 3.1|3.1.1|5.0|auto] [--json] [HEX ...]
Decodes one or more concatenated MQTT packets. With no HEX arguments, reads standard input.
Accepts continuous or spaced hex, 0x10/\\x10 forms, C arrays, base64, and hex dumps from
Wireshark, tcpdump -X, xxd and hexdump -C.

       npm run decode -- --pcap FILE [--stream N] [--json]
Lists the MQTT connections of a pcap or pcapng capture (TCP and WebSocket, any port; TLS shown
as encrypted) with their packets; --stream N shows one connection, each packet field by field.`;

const VERSIONS: Record<string, ProtocolVersion> = { '3.1': 3, '3.1.1': 4, '5.0': 5, '5': 5, '4': 4, '3': 3 };

interface Options { protocol: ProtocolVersion | 'auto'; json: boolean; hex: string[]; pcap: string | null; stream: number | null }

function parseArguments(argv: string[]): Options {
  const options: Options = { protocol: 'auto', json: false, hex: [], pcap: null, stream: null };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--json') options.json = true;
    else if (arg === '--help' || arg === '-h') { console.log(USAGE); process.exit(0); }
    else if (arg === '--protocol' || arg.startsWith('--protocol=')) {
      const value = arg.includes('=') ? arg.slice(arg.indexOf('=') + 1) : argv[++i];
      if (value === 'auto') options.protocol = 'auto';
      else if (value !== undefined && VERSIONS[value] !== undefined) options.protocol = VERSIONS[value]!;
      else fail(`--protocol takes 3.1, 3.1.1, 5.0 or auto, not ${JSON.stringify(value ?? '')}`);
    } else if (arg === '--pcap' || arg.startsWith('--pcap=')) {
      const value = arg.includes('=') ? arg.slice(arg.indexOf('=') + 1) : argv[++i];
      if (value === undefined || value === '') fail('--pcap takes a file name');
      options.pcap = value;
    } else if (arg === '--stream' || arg.startsWith('--stream=')) {
      const value = arg.includes('=') ? arg.slice(arg.indexOf('=') + 1) : argv[++i];
      if (value === undefined || !/^\d+$/.test(value)) fail(`--stream takes a TCP stream number (0, 1, …), not ${JSON.stringify(value ?? '')}`);
      options.stream = Number(value);
    } else if (arg.startsWith('--')) fail(`Unknown option ${arg}\n\n${USAGE}`);
    else options.hex.push(arg);
  }
  return options;
}

function fail(message: string): never {
  console.error(message);
  process.exit(2);
}

function main(): void {
  const options = parseArguments(process.argv.slice(2));
  if (options.pcap !== null) {
    if (options.hex.length > 0) fail('--pcap reads a capture file; give no HEX arguments with it');
    runCaptureCli({ file: options.pcap, stream: options.stream, json: options.json });
    return;
  }
  if (options.stream !== null) fail('--stream needs --pcap FILE');
  const text = options.hex.length > 0 ? options.hex.join(' ') : readFileSync(0, 'utf8');
  let bytes: Uint8Array;
  let inputNote: string;
  try {
    const parsed = parseHexInput(text);
    bytes = parsed.bytes;
    inputNote = `${parsed.bytes.length} bytes read as ${parsed.description}` + parsed.warnings.map((w) => `\n  note: ${w}`).join('');
  } catch (error) {
    if (error instanceof HexInputError) {
      if (options.json) console.log(JSON.stringify({ packets: [], error: { offset: null, field: 'input', rule: null, message: error.message } }, null, 2));
      else console.error(`Cannot read the input: ${error.message} (line ${error.line}, column ${error.column})`);
      process.exitCode = 1;
      return;
    }
    throw error;
  }
  let version: ProtocolVersion;
  let versionReason: string;
  if (options.protocol === 'auto') {
    const guess = detectProtocolVersion(bytes);
    version = guess.protocolVersion;
    versionReason = english(guess.reason);
  } else {
    version = options.protocol;
    versionReason = 'chosen with --protocol';
  }
  const result = decodeAll(bytes, { protocolVersion: version, annotate: true, keepGoing: true });
  const firstError = result.failures[0]?.error ?? null;
  if (options.json) {
    const error = firstError !== null
      ? { offset: firstError.offset, field: firstError.field, rule: firstError.rule, message: english(firstError.explanation) }
      : result.incomplete !== null
        ? { offset: result.incomplete.offset, field: result.incomplete.field, rule: null, message: `Incomplete packet: ${result.incomplete.needed} more byte(s) needed` }
        : null;
    const out = {
      protocol: { version: PROTOCOL_VERSION_LABELS[version], reason: versionReason },
      packets: result.packets.map(packetJson),
      error,
      errors: result.failures.map((f) => ({ packetOffset: f.packetOffset, offset: f.error.offset, field: f.error.field, rule: f.error.rule, message: english(f.error.explanation) })),
    };
    console.log(JSON.stringify(out, null, 2));
  } else {
    printHuman(bytes, result, inputNote, `MQTT ${PROTOCOL_VERSION_LABELS[version]} (${versionReason})`);
  }
  // Not process.exit(): into a pipe, what the reader has not taken yet still waits in this
  // process, and exiting now would cut it off (at 64 KiB). Setting the status and returning lets
  // Node end once stdout has drained.
  process.exitCode = firstError !== null || result.incomplete !== null ? 1 : 0;
}

/** A packet as the documented JSON: the codec's field labels and bit meanings rendered in English. */
function packetJson(decoded: DecodedPacket): unknown {
  const json = decodedToJson(decoded) as Record<string, unknown>;
  if (decoded.fields !== undefined) json.fields = decoded.fields.map((f) => ({ ...localizeSpan('en', f), bits: f.bits === undefined ? null : localizeSpan('en', f).bits }));
  return json;
}

function printHuman(bytes: Uint8Array, result: DecodeAllResult, inputNote: string, versionNote: string): void {
  console.log(`Input: ${inputNote}`);
  console.log(`Protocol: ${versionNote}`);
  const events: Array<{ offset: number; print: () => void }> = [
    ...result.packets.map((p) => ({ offset: p.offset, print: () => printPacket(bytes, p, result.protocolVersion) })),
    ...result.failures.map((f) => ({ offset: f.packetOffset, print: () => {
      console.log(`\nMALFORMED packet at offset ${f.packetOffset}${f.packetLength !== null ? ` (${f.packetLength} bytes)` : ''}`);
      console.log(`  byte ${f.error.offset}, field ${f.error.field}: ${english(f.error.explanation)}`);
      console.log(`  rule: ${f.error.rule}`);
    } })),
  ].sort((a, b) => a.offset - b.offset);
  for (const event of events) event.print();
  if (result.incomplete !== null) {
    console.log(`\nINCOMPLETE: the input ends inside a packet; ${result.incomplete.field} needs ${result.incomplete.needed} more byte(s).`);
  }
  console.log(`\n${result.packets.length} packet(s) decoded, ${result.failures.length} malformed${result.incomplete ? ', 1 incomplete' : ''}.`);
}

function printPacket(bytes: Uint8Array, decoded: DecodedPacket, version: ProtocolVersion): void {
  const p = decoded.packet;
  const code = 'reasonCode' in p && p.reasonCode !== undefined ? `  ${reasonCodeName(p.type, p.reasonCode, version)}` : '';
  console.log(`\n${p.type} at offset ${decoded.offset}, ${decoded.length} bytes (remaining length ${decoded.remainingLength})${code}`);
  const rows = (decoded.fields ?? []).map((f) => {
    const shown = Math.min(f.length, 16);
    const hex = bytesToHex(bytes, f.offset, f.offset + shown).replace(/(..)(?=.)/g, '$1 ') + (f.length > shown ? ' …' : '');
    return { offset: String(f.offset), hex, path: f.path, value: f.value === null ? '' : typeof f.value === 'string' ? JSON.stringify(f.value) : String(f.value), f };
  });
  const w = { offset: Math.max(6, ...rows.map((r) => r.offset.length)), hex: Math.max(5, ...rows.map((r) => r.hex.length)), path: Math.max(5, ...rows.map((r) => r.path.length)) };
  console.log(`  ${'offset'.padEnd(w.offset)}  ${'bytes'.padEnd(w.hex)}  ${'field'.padEnd(w.path)}  value`);
  for (const r of rows) {
    console.log(`  ${r.offset.padEnd(w.offset)}  ${r.hex.padEnd(w.hex)}  ${r.path.padEnd(w.path)}  ${r.value}`);
    for (const bit of localizeSpan('en', r.f).bits ?? []) {
      const high = 31 - Math.clz32(bit.mask);
      const range = high === bit.shift ? `bit ${bit.shift}` : `bits ${high}-${bit.shift}`;
      console.log(`  ${''.padEnd(w.offset)}  ${''.padEnd(w.hex)}    ${range.padEnd(9)} ${bit.label} = ${bit.value}${bit.meaning ? `  (${bit.meaning})` : ''}`);
    }
  }
}

main();
