/**
 * Holding one decoded MQTT packet against Wireshark's dissection of the same bytes, field by
 * field: shared by the stream-level agreement test and the capture-file agreement test.
 */
import { bytesToHex, PACKET_TYPE_CODES, PACKET_TYPE_NAMES, PROPERTY_BY_KEY, RESERVED_FLAGS } from '../../src/mqtt/codec/index.ts';
import type { DecodedPacket, Packet, Properties, ProtocolVersion } from '../../src/mqtt/codec/index.ts';
import type { TsharkField, TsharkMqttMessage } from './tshark.ts';

export function newComparison(): Comparison {
  return { mismatches: [], packets: 0, checks: 0, byType: new Map(), versions: new Set(), fieldsCompared: new Set() };
}

// ---------------------------------------------------------------------------------------------
// Wireshark's side: reading the dissected fields

export class Fields {
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

export const isPropertyBlock = (key: string | undefined) => key === 'mqtt.properties' || key === 'mqtt.will_properties';

/**
 * One entry per property, in wire order: the id and its value(s) as tshark shows them (numbers in
 * decimal, strings and binary data as text, a user property as key NUL value).
 */
export function tsharkProperties(fields: Fields, container: 'mqtt.properties' | 'mqtt.will_properties'): Array<{ id: number; value: string }> {
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

export function ourProperties(properties: Properties | undefined): Array<{ id: number; value: string }> {
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
export const byId = (list: Array<{ id: number; value: string }>) =>
  list.map((p, i) => ({ ...p, i })).sort((a, b) => a.id - b.id || a.i - b.i).map((p) => `0x${p.id.toString(16).padStart(2, '0')}=${JSON.stringify(p.value)}`);

export const utf8Length = (s: string) => Buffer.byteLength(s, 'utf8');
export const colonHex = (s: string | undefined) => (s ?? '').replace(/:/g, '').toLowerCase();
export const bool = (b: boolean | undefined) => (b ? '1' : '0');

// ---------------------------------------------------------------------------------------------
// The comparison

export interface Mismatch {
  where: string;
  field: string;
  ours: string;
  tshark: string;
  hex: string;
}

export interface Comparison {
  mismatches: Mismatch[];
  /** MQTT messages compared field by field. */
  packets: number;
  /** Individual field comparisons made. */
  checks: number;
  byType: Map<string, number>;
  versions: Set<ProtocolVersion>;
  fieldsCompared: Set<string>;
}

export function comparePacket(
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
