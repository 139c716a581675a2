/**
 * Our decoder against Wireshark's MQTT dissector, on real traffic: a mosquitto broker on
 * 127.0.0.1 is driven by mosquitto_pub/mosquitto_sub over MQTT 3.1, 3.1.1 and 5.0 while tshark
 * captures the loopback interface. Then every MQTT message Wireshark dissected is compared,
 * field by field, with what our StreamDecoder makes of the very bytes that crossed the wire
 * (each TCP stream reassembled per direction and fed in the segments TCP cut it into).
 *
 * Needs mosquitto, mosquitto-clients and tshark; installs them with apt-get when missing (CI runs
 * as root). Without them the suite FAILS: it must not pass by skipping.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bytesToHex, PACKET_TYPE_CODES, PACKET_TYPE_NAMES, PROPERTY_BY_KEY, RESERVED_FLAGS, StreamDecoder } from '../../src/mqtt/codec/index.ts';
import type { DecodedPacket, Packet, Properties, ProtocolVersion } from '../../src/mqtt/codec/index.ts';
import { startMosquitto, type Mosquitto } from '../support/mosquitto.ts';
import { ensureDebianPackages, findBinary } from '../support/system-packages.ts';
import { dissect, removeCapture, startCapture, tcpPayloads, type Capture, type TcpStreamPayload, type TsharkField, type TsharkMqttMessage } from '../support/tshark.ts';

const PACKAGES = { mosquitto: 'mosquitto', mosquitto_pub: 'mosquitto-clients', mosquitto_sub: 'mosquitto-clients', tshark: 'tshark', stdbuf: 'coreutils' };
const BIG_SIZE = 200_000;
const BIG_TOPIC = 'lab/big';
/** The idle subscriber's keepalive: it must stay idle that long to send a PINGREQ. */
const PING_KEEPALIVE = 5;

// ---------------------------------------------------------------------------------------------
// Running the MQTT command-line clients

interface Client {
  name: string;
  child: ChildProcess;
  output(): string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Resolves when stdout+stderr match `pattern`; rejects after `timeoutMs` or if the client exits first. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<void>;
}

const children = new Set<ChildProcess>();

function startClient(name: string, binary: string, args: string[], timeoutMs = 30_000): Client {
  // The clients block-buffer stdout into a pipe; `stdbuf -oL` (it execs, same pid) makes their
  // "received SUBACK" debug line arrive when it happens.
  const stdbuf = findBinary('stdbuf');
  const [command, argv] = stdbuf === null ? [binary, args] : [stdbuf, ['-oL', binary, ...args]];
  const child = spawn(command, argv, { stdio: ['ignore', 'pipe', 'pipe'], timeout: timeoutMs, killSignal: 'SIGKILL' });
  children.add(child);
  let output = '';
  const listeners = new Set<() => void>();
  const collect = (chunk: Buffer) => {
    output += chunk.toString('utf8');
    for (const listener of listeners) listener();
  };
  child.stdout!.on('data', collect);
  child.stderr!.on('data', collect);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('error', (error) => {
      output += `\n(spawn error: ${error.message})`;
      children.delete(child);
      resolve({ code: null, signal: null });
    });
    child.once('close', (code, signal) => {
      children.delete(child);
      for (const listener of listeners) listener();
      resolve({ code, signal });
    });
  });
  const waitFor = (pattern: RegExp, ms = 10_000) => new Promise<void>((resolve, reject) => {
    let done = false;
    const finish = (error?: Error) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      listeners.delete(check);
      if (error) reject(error);
      else resolve();
    };
    const check = () => {
      if (pattern.test(output)) finish();
      else if (child.exitCode !== null || child.signalCode !== null) finish(new Error(`${name} exited before printing ${pattern}:\n${output}`));
    };
    const timer = setTimeout(() => finish(new Error(`${name}: no ${pattern} within ${ms} ms:\n${output}`)), ms);
    listeners.add(check);
    check();
  });
  return { name, child, output: () => output, exited, waitFor };
}

async function expectSuccess(client: Client): Promise<string> {
  const { code, signal } = await client.exited;
  if (code !== 0) throw new Error(`${client.name} failed (exit ${code ?? signal}):\n${client.output()}`);
  return client.output();
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

// ---------------------------------------------------------------------------------------------
// Our side: decode each stream direction

interface Side {
  stream: number;
  fromBroker: boolean;
  version: ProtocolVersion;
  packets: DecodedPacket[];
  /** The bytes of this direction, to show a packet's hex in a failure. */
  bytes: Uint8Array;
  error?: string;
}

function decodeStream(payload: TcpStreamPayload): Side[] {
  const decodeSide = (fromBroker: boolean, version: ProtocolVersion): Side => {
    const decoder = new StreamDecoder({ protocolVersion: version, annotate: true });
    const packets: DecodedPacket[] = [];
    const side: Side = { stream: payload.stream, fromBroker, version, packets, bytes: fromBroker ? payload.fromBroker : payload.toBroker };
    try {
      // Fed in the segments TCP cut the stream into, so packets that span segments are exercised.
      for (const segment of payload.segments) if (segment.fromBroker === fromBroker) packets.push(...decoder.push(segment.bytes));
      if (decoder.pendingBytes !== 0) side.error = `${decoder.pendingBytes} bytes left over at the end of the stream`;
    } catch (error) {
      side.error = `decoder threw after ${packets.length} packets: ${error instanceof Error ? error.message : String(error)}`;
    }
    return side;
  };
  const client = decodeSide(false, 4);
  const connect = client.packets.find((d) => d.packet.type === 'CONNECT')?.packet;
  // No CONNECT flows broker→client: decode that direction with the version the client announced.
  const version = connect?.type === 'CONNECT' ? connect.protocolLevel : 4;
  client.version = version;
  return [client, decodeSide(true, version)];
}

// ---------------------------------------------------------------------------------------------
// Wireshark's side: reading the dissected fields

class Fields {
  readonly list: TsharkField[];
  constructor(list: TsharkField[]) {
    this.list = list;
  }
  /** Values of a field outside the property blocks (unless `container` names one). */
  all(name: string, container?: string): string[] {
    return this.list.filter((f) => f.name === name && (container === undefined ? !isPropertyBlock(f.path[0]) : f.path[0] === container)).map((f) => f.value);
  }
  one(name: string, container?: string): string | undefined {
    return this.all(name, container)[0];
  }
}

const isPropertyBlock = (key: string | undefined) => key === 'mqtt.properties' || key === 'mqtt.will_properties';

/**
 * One entry per property, in wire order: the id and its value(s) as tshark shows them (numbers in
 * decimal, strings and binary data as text, a user property as key NUL value).
 */
function tsharkProperties(fields: Fields, container: 'mqtt.properties' | 'mqtt.will_properties'): Array<{ id: number; value: string }> {
  const out: Array<{ id: number; values: string[] }> = [];
  for (const f of fields.list) {
    if (f.path[0] !== container) continue;
    if (f.name === 'mqtt.property_id') out.push({ id: Number(f.value), values: [] });
    else if (f.name === 'mqtt.property_len' || f.name.endsWith('_len')) continue;
    else if (out.length > 0) out[out.length - 1]!.values.push(f.value);
    else out.push({ id: -1, values: [`${f.name}=${f.value}`] });
  }
  return out.map((p) => ({ id: p.id, value: p.values.join('\u0000') }));
}

function ourProperties(properties: Properties | undefined): Array<{ id: number; value: string }> {
  const out: Array<{ id: number; value: string }> = [];
  for (const [key, value] of Object.entries(properties ?? {})) {
    if (value === undefined) continue;
    const id = PROPERTY_BY_KEY.get(key)?.id ?? -1;
    if (key === 'userProperties') for (const [k, v] of value as Array<[string, string]>) out.push({ id, value: `${k}\u0000${v}` });
    else if (key === 'subscriptionIdentifiers') for (const n of value as number[]) out.push({ id, value: String(n) });
    else if (value instanceof Uint8Array) out.push({ id, value: Buffer.from(value).toString('utf8') });
    else out.push({ id, value: String(value) });
  }
  return out;
}

/** Stable sort by id: the model groups repeated properties, so compare per id, in order. */
const byId = (list: Array<{ id: number; value: string }>) =>
  list.map((p, i) => ({ ...p, i })).sort((a, b) => a.id - b.id || a.i - b.i).map((p) => `0x${p.id.toString(16).padStart(2, '0')}=${JSON.stringify(p.value)}`);

const utf8Length = (s: string) => Buffer.byteLength(s, 'utf8');
const colonHex = (s: string | undefined) => (s ?? '').replace(/:/g, '').toLowerCase();
const bool = (b: boolean | undefined) => (b ? '1' : '0');

// ---------------------------------------------------------------------------------------------
// The comparison

interface Mismatch {
  where: string;
  field: string;
  ours: string;
  tshark: string;
  hex: string;
}

interface Comparison {
  mismatches: Mismatch[];
  /** MQTT messages compared field by field. */
  packets: number;
  /** Individual field comparisons made. */
  checks: number;
  byType: Map<string, number>;
  versions: Set<ProtocolVersion>;
  fieldsCompared: Set<string>;
}

function comparePacket(
  decoded: DecodedPacket, theirs: TsharkMqttMessage, version: ProtocolVersion, where: string, bytes: Uint8Array, result: Comparison,
): void {
  const f = new Fields(theirs.fields);
  const p: Packet = decoded.packet;
  const hex = bytesToHex(bytes.subarray(decoded.offset, Math.min(decoded.offset + decoded.length, decoded.offset + 96))) + (decoded.length > 96 ? '…' : '');
  const check = (field: string, ours: unknown, tshark: unknown) => {
    result.checks++;
    result.fieldsCompared.add(field);
    const o = Array.isArray(ours) ? JSON.stringify(ours) : String(ours);
    const t = Array.isArray(tshark) ? JSON.stringify(tshark) : String(tshark);
    if (o === t) return;
    if (o.length > 300 || t.length > 300) {
      // A long value (a payload): say where they part rather than print it.
      let at = 0;
      while (at < o.length && o[at] === t[at]) at++;
      const around = (s: string) => `${s.length} chars, from char ${at}: ${s.slice(at, at + 60)}`;
      result.mismatches.push({ where, field, ours: around(o), tshark: around(t), hex });
    } else {
      result.mismatches.push({ where, field, ours: o, tshark: t, hex });
    }
  };
  const spanValue = (path: string) => decoded.fields?.find((s) => s.path === path)?.value;
  const checkProperties = (block: 'mqtt.properties' | 'mqtt.will_properties', properties: Properties | undefined, spanPrefix: string) => {
    const theirProps = tsharkProperties(f, block);
    const present = f.list.some((x) => x.path[0] === block);
    check(`${block} present`, properties !== undefined, present);
    if (!present && properties === undefined) return;
    check(`${block}.property_len`, spanValue(`${spanPrefix}properties.length`), f.one('mqtt.property_len', block));
    // Wire order of the ids, from our annotations (the model gathers repeated properties).
    const idPattern = new RegExp(`^${spanPrefix.replace(/\./g, '\\.')}properties\\[\\d+\\]\\.id$`);
    const ourIds = (decoded.fields ?? []).filter((s) => idPattern.test(s.path)).map((s) => Number(s.value));
    check(`${block} ids in wire order`, ourIds, theirProps.map((x) => x.id));
    check(`${block} values`, byId(ourProperties(properties)), byId(theirProps));
  };

  // Wireshark found nothing wrong with a packet we decoded without complaint.
  const complaints = f.list.filter((x) => x.name.startsWith('_ws.malformed') || x.name === 'mqtt.unknown_version'
    || x.name === 'mqtt.illegal_topic_length' || x.name === 'mqtt.unknown_topic_alias' || x.name === 'mqtt.prop_unknown');
  check('tshark expert complaints', [], complaints.map((x) => `${x.name}=${x.value}`));
  check('mqtt.msgtype', p.type, PACKET_TYPE_NAMES[Number(f.one('mqtt.msgtype'))]);
  const firstByte = p.type === 'PUBLISH'
    ? (PACKET_TYPE_CODES.PUBLISH << 4) | (p.dup ? 8 : 0) | (p.qos << 1) | (p.retain ? 1 : 0)
    : (PACKET_TYPE_CODES[p.type] << 4) | RESERVED_FLAGS[p.type];
  check('mqtt.hdrflags', firstByte, Number(f.one('mqtt.hdrflags')));
  check('mqtt.len', decoded.remainingLength, Number(f.one('mqtt.len')));

  switch (p.type) {
    case 'CONNECT': {
      check('mqtt.proto_len', utf8Length(p.protocolName), f.one('mqtt.proto_len'));
      check('mqtt.protoname', p.protocolName, f.one('mqtt.protoname'));
      check('mqtt.ver', p.protocolLevel, f.one('mqtt.ver'));
      const flags = (p.username !== undefined ? 0x80 : 0) | (p.password !== undefined ? 0x40 : 0) | (p.will?.retain ? 0x20 : 0)
        | ((p.will?.qos ?? 0) << 3) | (p.will !== undefined ? 0x04 : 0) | (p.cleanSession ? 0x02 : 0);
      check('mqtt.conflags', flags, Number(f.one('mqtt.conflags')));
      check('mqtt.conflag.cleansess', bool(p.cleanSession), f.one('mqtt.conflag.cleansess'));
      check('mqtt.conflag.willflag', bool(p.will !== undefined), f.one('mqtt.conflag.willflag'));
      check('mqtt.conflag.qos', p.will?.qos ?? 0, f.one('mqtt.conflag.qos'));
      check('mqtt.conflag.retain', bool(p.will?.retain), f.one('mqtt.conflag.retain'));
      check('mqtt.conflag.uname', bool(p.username !== undefined), f.one('mqtt.conflag.uname'));
      check('mqtt.conflag.passwd', bool(p.password !== undefined), f.one('mqtt.conflag.passwd'));
      check('mqtt.kalive', p.keepAlive, f.one('mqtt.kalive'));
      check('mqtt.clientid_len', utf8Length(p.clientId), f.one('mqtt.clientid_len'));
      check('mqtt.clientid', p.clientId, f.one('mqtt.clientid'));
      if (version === 5) checkProperties('mqtt.properties', p.properties, '');
      check('mqtt.willtopic', p.will?.topic, f.one('mqtt.willtopic'));
      if (p.will !== undefined) {
        check('mqtt.willtopic_len', utf8Length(p.will.topic), f.one('mqtt.willtopic_len'));
        check('mqtt.willmsg_len', p.will.payload.length, f.one('mqtt.willmsg_len'));
        check('mqtt.willmsg', bytesToHex(p.will.payload), colonHex(f.one('mqtt.willmsg')));
        if (version === 5) checkProperties('mqtt.will_properties', p.will.properties, 'will.');
      }
      check('mqtt.username', p.username, f.one('mqtt.username'));
      if (p.username !== undefined) check('mqtt.username_len', utf8Length(p.username), f.one('mqtt.username_len'));
      check('mqtt.passwd', p.password === undefined ? undefined : Buffer.from(p.password).toString('utf8'), f.one('mqtt.passwd'));
      if (p.password !== undefined) check('mqtt.passwd_len', p.password.length, f.one('mqtt.passwd_len'));
      break;
    }
    case 'CONNACK': {
      check(version === 5 ? 'mqtt.connack.reason_code' : 'mqtt.conack.val', p.reasonCode,
        version === 5 ? f.one('mqtt.connack.reason_code') : f.one('mqtt.conack.val'));
      // Wireshark shows Session Present only for 3.1.1 and 5.0 (3.1 has no such flag).
      const sp = f.one('mqtt.conack.flags.sp');
      if (sp !== undefined || version !== 3) check('mqtt.conack.flags.sp', bool(p.sessionPresent), sp);
      if (version === 5) checkProperties('mqtt.properties', p.properties, '');
      break;
    }
    case 'PUBLISH': {
      check('mqtt.dupflag', bool(p.dup), f.one('mqtt.dupflag'));
      check('mqtt.qos', p.qos, f.one('mqtt.qos'));
      check('mqtt.retain', bool(p.retain), f.one('mqtt.retain'));
      check('mqtt.topic_len', utf8Length(p.topic), f.one('mqtt.topic_len'));
      check('mqtt.topic', p.topic, f.one('mqtt.topic'));
      check('mqtt.msgid', p.packetId, f.one('mqtt.msgid'));
      if (version === 5) checkProperties('mqtt.properties', p.properties, '');
      // Wireshark omits the Message field of an empty payload.
      const msg = f.one('mqtt.msg');
      const text = f.one('mqtt.msg_text');
      if (msg === undefined && text !== undefined) check('mqtt.msg_text', Buffer.from(p.payload).toString('utf8'), text);
      else check('mqtt.msg', bytesToHex(p.payload), colonHex(msg));
      break;
    }
    case 'PUBACK': case 'PUBREC': case 'PUBREL': case 'PUBCOMP': {
      check('mqtt.msgid', p.packetId, f.one('mqtt.msgid'));
      const field = `mqtt.${p.type.toLowerCase()}.reason_code`;
      if (version === 5) {
        check(field, p.reasonCode, f.one(field));
        checkProperties('mqtt.properties', p.properties, '');
      }
      break;
    }
    case 'SUBSCRIBE': {
      check('mqtt.msgid', p.packetId, f.one('mqtt.msgid'));
      check('mqtt.topic', p.subscriptions.map((s) => s.topicFilter), f.all('mqtt.topic'));
      check('mqtt.topic_len', p.subscriptions.map((s) => String(utf8Length(s.topicFilter))), f.all('mqtt.topic_len'));
      if (version === 5) {
        checkProperties('mqtt.properties', p.properties, '');
        check('mqtt.subscription_options_qos', p.subscriptions.map((s) => String(s.qos)), f.all('mqtt.subscription_options_qos'));
        check('mqtt.subscription_options_nl', p.subscriptions.map((s) => bool(s.noLocal)), f.all('mqtt.subscription_options_nl'));
        check('mqtt.subscription_options_rap', p.subscriptions.map((s) => bool(s.retainAsPublished)), f.all('mqtt.subscription_options_rap'));
        check('mqtt.subscription_options_retain', p.subscriptions.map((s) => String(s.retainHandling ?? 0)), f.all('mqtt.subscription_options_retain'));
      } else {
        check('mqtt.sub.qos', p.subscriptions.map((s) => String(s.qos)), f.all('mqtt.sub.qos'));
      }
      break;
    }
    case 'SUBACK': {
      check('mqtt.msgid', p.packetId, f.one('mqtt.msgid'));
      const field = version === 5 ? 'mqtt.suback.reason_code' : 'mqtt.suback.qos';
      check(field, p.reasonCodes.map(String), f.all(field));
      if (version === 5) checkProperties('mqtt.properties', p.properties, '');
      break;
    }
    case 'UNSUBSCRIBE': {
      check('mqtt.msgid', p.packetId, f.one('mqtt.msgid'));
      check('mqtt.topic', p.topicFilters, f.all('mqtt.topic'));
      check('mqtt.topic_len', p.topicFilters.map((t) => String(utf8Length(t))), f.all('mqtt.topic_len'));
      if (version === 5) checkProperties('mqtt.properties', p.properties, '');
      break;
    }
    case 'UNSUBACK': {
      check('mqtt.msgid', p.packetId, f.one('mqtt.msgid'));
      if (version === 5) {
        check('mqtt.unsuback.reason_code', (p.reasonCodes ?? []).map(String), f.all('mqtt.unsuback.reason_code'));
        checkProperties('mqtt.properties', p.properties, '');
      }
      break;
    }
    case 'DISCONNECT': {
      if (version === 5) {
        check('mqtt.disconnect.reason_code', p.reasonCode, f.one('mqtt.disconnect.reason_code'));
        checkProperties('mqtt.properties', p.properties, '');
      }
      break;
    }
    case 'AUTH': {
      check('mqtt.auth.reason_code', p.reasonCode, f.one('mqtt.auth.reason_code'));
      checkProperties('mqtt.properties', p.properties, '');
      break;
    }
    case 'PINGREQ': case 'PINGRESP':
      break;
  }
}

function compareAll(messages: TsharkMqttMessage[], streams: TcpStreamPayload[]): Comparison & { sequences: Array<{ where: string; ours: string[]; tshark: string[]; error?: string }> } {
  const result: Comparison = { mismatches: [], packets: 0, checks: 0, byType: new Map(), versions: new Set(), fieldsCompared: new Set() };
  const sequences: Array<{ where: string; ours: string[]; tshark: string[]; error?: string }> = [];
  const streamIds = new Set([...streams.map((s) => s.stream), ...messages.map((m) => m.stream)]);
  for (const id of [...streamIds].sort((a, b) => a - b)) {
    const payload = streams.find((s) => s.stream === id);
    const sides = payload === undefined ? [] : decodeStream(payload);
    for (const fromBroker of [false, true]) {
      const where = `stream ${id} ${fromBroker ? 'broker→client' : 'client→broker'}`;
      const side = sides.find((s) => s.fromBroker === fromBroker);
      const ours = side?.packets ?? [];
      const theirs = messages.filter((m) => m.stream === id && m.fromBroker === fromBroker);
      const oursTypes = ours.map((d) => d.packet.type);
      const theirTypes = theirs.map((m) => PACKET_TYPE_NAMES[Number(new Fields(m.fields).one('mqtt.msgtype'))] ?? `type ${new Fields(m.fields).one('mqtt.msgtype')}`);
      sequences.push({ where, ours: oursTypes, tshark: theirTypes, error: side?.error });
      const n = Math.min(ours.length, theirs.length);
      for (let i = 0; i < n; i++) {
        const decoded = ours[i]!;
        result.packets++;
        result.byType.set(decoded.packet.type, (result.byType.get(decoded.packet.type) ?? 0) + 1);
        result.versions.add(side!.version);
        comparePacket(decoded, theirs[i]!, side!.version, `${where} #${i} (${decoded.packet.type}, frame ${theirs[i]!.frame}, MQTT ${side!.version})`, side!.bytes, result);
      }
    }
  }
  return { ...result, sequences };
}

// ---------------------------------------------------------------------------------------------

/** Deterministic bytes, every value 0–255 present. */
function bigPayload(size: number): Uint8Array {
  const out = new Uint8Array(size);
  let x = 0x12345678;
  for (let i = 0; i < size; i++) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    out[i] = (x >>> 16) & 0xff;
  }
  return out;
}

describe('our decoder agrees with Wireshark on real mosquitto traffic', { timeout: 120_000 }, () => {
  let broker: Mosquitto | undefined;
  let capture: Capture | undefined;
  let workDir: string | undefined;
  let messages: TsharkMqttMessage[] = [];
  let streams: TcpStreamPayload[] = [];
  let comparison: ReturnType<typeof compareAll>;
  const subscriberOutput = new Map<string, string>();

  beforeAll(async () => {
    const ensured = ensureDebianPackages(PACKAGES);
    if (!ensured.ok) {
      throw new Error(`This test needs ${Object.values(PACKAGES).join(', ')} and could not install them `
        + `(missing: ${ensured.missing.join(', ')}). Run it as root on Debian/Ubuntu, or install them first.\n${ensured.log}`);
    }
    const pub = findBinary('mosquitto_pub')!;
    const sub = findBinary('mosquitto_sub')!;
    workDir = mkdtempSync(join(tmpdir(), 'mqtt-lab-tshark-'));
    const bigFile = join(workDir, 'big.bin');
    writeFileSync(bigFile, bigPayload(BIG_SIZE));

    broker = await startMosquitto();
    capture = await startCapture(broker.port);
    await sleep(200);
    const common = ['-h', '127.0.0.1', '-p', String(broker.port)];
    const publish = async (name: string, args: string[]) => expectSuccess(startClient(name, pub, [...common, ...args]));
    const subscribed = /received SUBACK/;

    // Subscribers first. -d prints "received SUBACK", our sign that the subscription is in place.
    const idle = startClient('idle v5 subscriber (PINGREQ)', sub, [...common, '-V', 'mqttv5', '-d', '-i', 'idle-v5', '-k', String(PING_KEEPALIVE),
      '-t', 'lab/ping', '-C', '1', '-W', '60', '-F', '%t %l'], 90_000);
    const s5 = startClient('v5 subscriber', sub, [...common, '-V', 'mqttv5', '-d', '-i', 'sub-v5', '-q', '2', '-t', 'lab/#',
      '-D', 'connect', 'session-expiry-interval', '30', '-D', 'connect', 'user-property', 'client', 'mqtt-lab',
      '-D', 'subscribe', 'user-property', 'why', 'agreement-test',
      '-C', '10', '-W', '60', '-F', '%t %l %r'], 90_000);
    const s311 = startClient('v3.1.1 subscriber', sub, [...common, '-V', 'mqttv311', '-d', '-i', 'sub-v311', '-c', '-k', '30', '-u', 'alice', '-P', 'secret',
      '-q', '1', '-t', 'lab/v311/#', '-t', BIG_TOPIC, '-U', 'lab/old/#', '-C', '3', '-W', '60', '-F', '%t %l %r'], 90_000);
    const s31 = startClient('v3.1 subscriber', sub, [...common, '-V', 'mqttv31', '-d', '-i', 'sub-v31', '-q', '2', '-t', 'lab/v31/#',
      '-C', '2', '-W', '60', '-F', '%t %l %r'], 90_000);
    await Promise.all([idle, s5, s311, s31].map((c) => c.waitFor(subscribed)));

    // MQTT 3.1
    await publish('v3.1 QoS 1', ['-V', 'mqttv31', '-t', 'lab/v31/a', '-m', 'hello 3.1', '-q', '1']);
    await publish('v3.1 QoS 2 retained', ['-V', 'mqttv31', '-t', 'lab/v31/b', '-m', 'exactly once', '-q', '2', '-r']);
    // MQTT 3.1.1 with a will, a username and password, a retained QoS 2 message
    await publish('v3.1.1 retained QoS 2 with will', ['-V', 'mqttv311', '-i', 'pub-v311', '-k', '42', '-u', 'bob', '-P', 'pw',
      '--will-topic', 'lab/will/v311', '--will-payload', 'pub-v311 is gone', '--will-qos', '1', '--will-retain',
      '-t', 'lab/v311/retained', '-m', 'keep me', '-r', '-q', '2']);
    // A late subscriber gets the retained message with RETAIN set.
    subscriberOutput.set('late v3.1.1 subscriber', await expectSuccess(startClient('late v3.1.1 subscriber', sub,
      [...common, '-V', 'mqttv311', '-t', 'lab/v311/retained', '-C', '1', '-W', '20', '-F', '%t %l %r'])));
    // MQTT 5.0 with properties everywhere: CONNECT, will, PUBLISH, DISCONNECT
    await publish('v5 QoS 1 with properties', ['-V', 'mqttv5', '-t', 'lab/v5/props', '-m', '{"hello":5}', '-q', '1',
      '-D', 'connect', 'session-expiry-interval', '30', '-D', 'connect', 'user-property', 'ck', 'cv', '-D', 'connect', 'receive-maximum', '10',
      '-D', 'connect', 'maximum-packet-size', '1000000', '-D', 'connect', 'topic-alias-maximum', '4', '-D', 'connect', 'request-problem-information', '1',
      '-D', 'publish', 'user-property', 'k', 'v', '-D', 'publish', 'user-property', 'k2', 'v2', '-D', 'publish', 'user-property', 'k', 'again',
      '-D', 'publish', 'content-type', 'application/json', '-D', 'publish', 'message-expiry-interval', '60',
      '-D', 'publish', 'correlation-data', 'corr-123', '-D', 'publish', 'response-topic', 'lab/v5/reply', '-D', 'publish', 'payload-format-indicator', '1',
      '--will-topic', 'lab/will/v5', '--will-payload', 'pub-v5 is gone', '--will-qos', '2',
      '-D', 'will', 'content-type', 'text/plain', '-D', 'will', 'user-property', 'wk', 'wv', '-D', 'will', 'message-expiry-interval', '120',
      '-D', 'will', 'will-delay-interval', '5', '-D', 'will', 'correlation-data', 'will-corr', '-D', 'will', 'response-topic', 'lab/v5/will-reply',
      '-D', 'disconnect', 'user-property', 'bye', 'now', '-D', 'disconnect', 'session-expiry-interval', '0']);
    await publish('v5 QoS 2', ['-V', 'mqttv5', '-t', 'lab/v5/qos2', '-m', 'two', '-q', '2', '-D', 'publish', 'message-expiry-interval', '60',
      '-D', 'publish', 'content-type', 'text/plain']);
    await publish('v5 QoS 0 retained', ['-V', 'mqttv5', '-t', 'lab/v5/retained', '-m', 'r5', '-r']);
    // Clearing a retained message: empty payload, RETAIN set.
    await publish('v3.1.1 clear retained', ['-V', 'mqttv311', '-t', 'lab/v311/retained', '-r', '-n']);
    // 200 kB: many TCP segments each way.
    await publish('v3.1.1 200 kB QoS 1', ['-V', 'mqttv311', '-t', BIG_TOPIC, '-f', bigFile, '-q', '1']);
    // A client that dies without DISCONNECT: the broker publishes its (5.0) will.
    const doomed = startClient('v5 client killed (will)', sub, [...common, '-V', 'mqttv5', '-d', '-i', 'doomed-v5', '-t', 'lab/nobody/#',
      '--will-topic', 'lab/will/doomed', '--will-payload', 'doomed-v5 died', '--will-qos', '1',
      '-D', 'will', 'user-property', 'cause', 'SIGKILL', '-D', 'will', 'payload-format-indicator', '1'], 30_000);
    await doomed.waitFor(subscribed);
    doomed.child.kill('SIGKILL');
    await doomed.exited;
    // Let the idle subscriber reach its keepalive and ping (-d prints the PINGRESP), then release it.
    await idle.waitFor(/received PINGRESP/, (PING_KEEPALIVE + 10) * 1000);
    await publish('v5 wake the idle subscriber', ['-V', 'mqttv5', '-t', 'lab/ping', '-m', 'pong']);

    for (const client of [s5, s311, s31, idle]) subscriberOutput.set(client.name, await expectSuccess(client));
    await sleep(300);
    await capture.stop();

    [messages, streams] = await Promise.all([dissect(capture.file, broker.port), tcpPayloads(capture.file, broker.port)]);
    comparison = compareAll(messages, streams);
    console.info(`tshark agreement: ${streams.length} TCP streams, ${messages.length} MQTT messages dissected by tshark, `
      + `${comparison.packets} compared (${[...comparison.byType].map(([t, n]) => `${t} ${n}`).join(', ')}), `
      + `${comparison.checks} field checks over ${comparison.fieldsCompared.size} fields, ${comparison.mismatches.length} disagreements`);
    if (process.env.TSHARK_AGREEMENT_DEBUG) {
      console.info([...comparison.fieldsCompared].sort().join('\n'));
      console.info(comparison.sequences.map((x) => `${x.where}: ${x.ours.join(' ')}`).join('\n'));
    }
  }, 900_000);

  afterAll(async () => {
    for (const child of children) {
      child.kill('SIGKILL');
    }
    await capture?.stop();
    await broker?.stop();
    if (capture !== undefined) removeCapture(capture.file);
    if (workDir !== undefined) rmSync(workDir, { recursive: true, force: true });
  }, 60_000);

  it('the subscribers received what was published', () => {
    expect(subscriberOutput.get('v5 subscriber')).toContain(`${BIG_TOPIC} ${BIG_SIZE} 0`);
    expect(subscriberOutput.get('v5 subscriber')).toContain('lab/will/doomed 14');
    expect(subscriberOutput.get('v3.1.1 subscriber')).toContain(`${BIG_TOPIC} ${BIG_SIZE} 0`);
    expect(subscriberOutput.get('v3.1 subscriber')).toContain('lab/v31/a 9 0');
    expect(subscriberOutput.get('late v3.1.1 subscriber')).toContain('lab/v311/retained 7 1');
  });

  it('captured enough traffic to compare, in all three versions', () => {
    expect(streams.length).toBeGreaterThanOrEqual(12);
    expect(messages.length).toBeGreaterThanOrEqual(60);
    expect(comparison.packets).toBeGreaterThanOrEqual(60);
    expect(comparison.checks).toBeGreaterThanOrEqual(500);
    expect([...comparison.versions].sort()).toEqual([3, 4, 5]);
    const connects = messages.filter((m) => new Fields(m.fields).one('mqtt.msgtype') === '1').map((m) => new Fields(m.fields).one('mqtt.ver'));
    expect(new Set(connects)).toEqual(new Set(['3', '4', '5']));
    const types = [...comparison.byType.keys()].sort();
    expect(types).toEqual(['CONNACK', 'CONNECT', 'DISCONNECT', 'PINGREQ', 'PINGRESP', 'PUBACK', 'PUBCOMP', 'PUBLISH', 'PUBREC', 'PUBREL',
      'SUBACK', 'SUBSCRIBE', 'UNSUBACK', 'UNSUBSCRIBE']);
    // The property checks must have run on real properties, not on empty lists.
    const props = messages.flatMap((m) => m.fields).filter((x) => x.name === 'mqtt.property_id').map((x) => Number(x.value));
    for (const id of [0x01, 0x02, 0x03, 0x08, 0x09, 0x11, 0x12, 0x17, 0x18, 0x21, 0x22, 0x26, 0x27]) expect(props, `property 0x${id.toString(16)}`).toContain(id);
    const publishes = messages.map((m) => ({ m, f: new Fields(m.fields) })).filter(({ f }) => f.one('mqtt.msgtype') === '3');
    for (const qos of ['0', '1', '2']) {
      expect(publishes.some(({ m, f }) => !m.fromBroker && f.one('mqtt.qos') === qos), `client PUBLISH QoS ${qos}`).toBe(true);
      expect(publishes.some(({ m, f }) => m.fromBroker && f.one('mqtt.qos') === qos), `broker PUBLISH QoS ${qos}`).toBe(true);
    }
    expect(publishes.some(({ m, f }) => m.fromBroker && f.one('mqtt.retain') === '1'), 'a retained message delivered with RETAIN').toBe(true);
    expect(publishes.some(({ f }) => f.one('mqtt.retain') === '1' && f.one('mqtt.len') === String(2 + 'lab/v311/retained'.length)), 'the retained clear').toBe(true);
    const withProperties = (type: string, block = 'mqtt.properties') => messages.filter((m) => new Fields(m.fields).one('mqtt.msgtype') === type
      && m.fields.some((x) => x.path[0] === block && x.name === 'mqtt.property_id')).length;
    expect(withProperties('1', 'mqtt.will_properties'), 'CONNECT with will properties').toBeGreaterThanOrEqual(2);
    expect(withProperties('3'), 'PUBLISH with properties').toBeGreaterThanOrEqual(4);
    expect(withProperties('14'), 'DISCONNECT with properties').toBeGreaterThanOrEqual(1);
    expect(withProperties('8'), 'SUBSCRIBE with properties').toBeGreaterThanOrEqual(1);
  });

  it('decodes every stream direction completely and finds the same packet sequence as Wireshark', () => {
    const problems = comparison.sequences.filter((s) => s.error !== undefined || s.ours.join(' ') !== s.tshark.join(' '));
    expect(problems, JSON.stringify(problems, null, 2)).toEqual([]);
  });

  it('agrees with Wireshark on every field of every packet', () => {
    const report = comparison.mismatches.map((m) => `${m.where}: ${m.field}: ours ${m.ours} ≠ tshark ${m.tshark}\n    ${m.hex}`).join('\n');
    expect(comparison.mismatches.length, `${comparison.mismatches.length} disagreements:\n${report}`).toBe(0);
  });

  it('reassembles the 200 kB PUBLISH once per direction, with the right length, in both decoders', () => {
    const bigHex = bytesToHex(bigPayload(BIG_SIZE));
    const theirs = messages.filter((m) => new Fields(m.fields).one('mqtt.topic') === BIG_TOPIC);
    // Publisher → broker, broker → the 5.0 subscriber, broker → the 3.1.1 subscriber.
    expect(theirs.length).toBe(3);
    for (const m of theirs) {
      const f = new Fields(m.fields);
      expect(colonHex(f.one('mqtt.msg')) === bigHex, `tshark's payload in stream ${m.stream}`).toBe(true);
      const sameDirection = theirs.filter((x) => x.stream === m.stream && x.fromBroker === m.fromBroker);
      expect(sameDirection.length).toBe(1);
    }
    const ours = streams.flatMap((s) => decodeStream(s).flatMap((side) => side.packets.map((d) => ({ side, d }))))
      .filter(({ d }) => d.packet.type === 'PUBLISH' && d.packet.topic === BIG_TOPIC);
    expect(ours.length).toBe(3);
    for (const { side, d } of ours) {
      const p = d.packet as Extract<Packet, { type: 'PUBLISH' }>;
      expect(p.payload.length).toBe(BIG_SIZE);
      expect(bytesToHex(p.payload) === bigHex).toBe(true);
      const match = theirs.find((m) => m.stream === side.stream && m.fromBroker === side.fromBroker)!;
      expect(d.remainingLength).toBe(Number(new Fields(match.fields).one('mqtt.len')));
      // It really did span many segments.
      const segments = streams.find((s) => s.stream === side.stream)!.segments.filter((s) => s.fromBroker === side.fromBroker);
      expect(segments.length).toBeGreaterThan(1);
    }
  });
});
