/**
 * "Copy as": the built packet as hex, a C array, MQTT.js (or mqtt-packet) code, a mosquitto_pub
 * command and Python paho-mqtt code. Pure string generation from the packet model, which the
 * builder has already validated; every user string is escaped for the language it lands in.
 */
import { PROPERTY_BY_KEY, type Packet, type Properties, type ProtocolVersion } from '../../mqtt/codec/index.ts';
import { toCArray, toHex } from '../../input/index.ts';

export type CodeTarget = 'hex' | 'c' | 'mqttjs' | 'mosquitto' | 'python';
export const CODE_TARGETS: ReadonlyArray<CodeTarget> = ['hex', 'c', 'mqttjs', 'mosquitto', 'python'];
export const SHIKI_LANG: Readonly<Record<CodeTarget, 'javascript' | 'shellscript' | 'python' | null>> = {
  hex: null, c: null, mqttjs: 'javascript', mosquitto: 'shellscript', python: 'python',
};

/** Payloads longer than this are not inlined in code: the code reads them from a file instead. */
export const INLINE_PAYLOAD_LIMIT = 4096;

export interface CodeOptions {
  /** The payload is N copies of one byte (the builder's payload size control). */
  fill?: { length: number; byte: number };
}

// ---------------------------------------------------------------------------------------------
// Literals

/** A JavaScript string literal. JSON's escaping is valid JS; U+2028/U+2029 are escaped for older parsers. */
export function jsString(s: string): string {
  return JSON.stringify(s).replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

/** A Python 3 str literal in single quotes, with every control character escaped. */
export function pyString(s: string): string {
  let out = "'";
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (ch === '\\') out += '\\\\';
    else if (ch === "'") out += "\\'";
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (c < 0x20 || c === 0x7f) out += `\\x${c.toString(16).padStart(2, '0')}`;
    else if ((c >= 0x80 && c < 0xa0) || c === 0x2028 || c === 0x2029 || c === 0xfeff || (c >= 0x200b && c <= 0x200f) || (c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069)) {
      // Invisible or bidi-reordering characters: spell them out so the code reads as it runs.
      out += c <= 0xff ? `\\x${c.toString(16).padStart(2, '0')}` : `\\u${c.toString(16).padStart(4, '0')}`;
    } else out += ch;
  }
  return `${out}'`;
}

/** A POSIX shell word: single quotes, each ' written as '\'' (nothing is special inside single quotes). */
export function shQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

/**
 * Characters that must not reach a terminal raw: C0 and C1 controls and DEL (Cc: ESC starts key
 * bindings and escape sequences, TAB triggers completion, CR/LF end the line early), format
 * characters (Cf: U+202E and the other bidi overrides and isolates reorder what the reader sees,
 * zero-width characters hide), and the line and paragraph separators.
 */
const TERMINAL_UNSAFE = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/u;

const utf8Encoder = new TextEncoder();
const C_ESCAPES: Readonly<Record<string, string>> = { '\t': '\\t', '\n': '\\n', '\r': '\\r', '\u001b': '\\e' };

/**
 * A bash ANSI-C quoted word, $'…', in which every unsafe character is an escape: \t \n \r \e or
 * its UTF-8 bytes as \xHH (not \uHHHH, which bash converts through the current locale). A quote
 * is written \x27 rather than \' so that bash's history expansion, which does not know $'…',
 * still sees one quoted word. NUL cannot be passed in an argument at all; callers never pass it.
 */
export function ansiCQuote(s: string): string {
  let out = "$'";
  for (const ch of s) {
    if (ch === '\\') out += '\\\\';
    else if (ch === "'") out += '\\x27';
    else if (C_ESCAPES[ch] !== undefined) out += C_ESCAPES[ch];
    else if (TERMINAL_UNSAFE.test(ch)) for (const b of utf8Encoder.encode(ch)) out += `\\x${b.toString(16).padStart(2, '0')}`;
    else out += ch;
  }
  return `${out}'`;
}

/** A bash word for a command a reader will paste: plain single quotes, or $'…' when the text holds a character unsafe in a terminal. */
export function shellWord(s: string): string {
  return TERMINAL_UNSAFE.test(s) ? ansiCQuote(s) : shQuote(s);
}

/** A printf(1) format that writes exactly these bytes (octal escapes are POSIX; \x is not). */
export function printfBytes(bytes: Uint8Array): string {
  let out = '';
  for (const b of bytes) out += `\\${b.toString(8).padStart(3, '0')}`;
  return `'${out}'`;
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });
function asText(bytes: Uint8Array): string | null {
  try {
    return strictUtf8.decode(bytes);
  } catch {
    return null;
  }
}

// ---------------------------------------------------------------------------------------------

export function generate(target: CodeTarget, packet: Packet, bytes: Uint8Array, version: ProtocolVersion, options: CodeOptions = {}): string {
  switch (target) {
    case 'hex': return toHex(bytes, ' ');
    case 'c': return toCArray(bytes, `mqtt_${packet.type.toLowerCase()}`);
    case 'mqttjs': return mqttJs(packet, version, options);
    case 'mosquitto': return mosquittoPub(packet, version, options);
    case 'python': return paho(packet, bytes, version, options);
  }
}

// ---------------------------------------------------------------------------------------------
// MQTT.js

/** MQTT.js / mqtt-packet property objects: booleans for flags, Buffers for binary, user properties as an object. */
const MQTTJS_BOOLEAN = new Set(['payloadFormatIndicator', 'requestProblemInformation', 'requestResponseInformation', 'retainAvailable', 'wildcardSubscriptionAvailable', 'subscriptionIdentifiersAvailable', 'sharedSubscriptionAvailable']);

function jsBuffer(bytes: Uint8Array): string {
  return `Buffer.from(${jsString(toHex(bytes))}, 'hex')`;
}

function jsProperties(p: Properties, indent: string): string {
  const lines: string[] = [];
  for (const [key, value] of Object.entries(p)) {
    if (value === undefined) continue;
    if (key === 'userProperties') {
      const grouped = new Map<string, string[]>();
      for (const [name, v] of value as Array<[string, string]>) grouped.set(name, [...(grouped.get(name) ?? []), v]);
      const entries = [...grouped].map(([name, vs]) => `${indent}  ${jsString(name)}: ${vs.length === 1 ? jsString(vs[0]!) : `[${vs.map(jsString).join(', ')}]`},`);
      lines.push(`${indent}userProperties: {\n${entries.join('\n')}\n${indent}},`);
    } else if (key === 'subscriptionIdentifiers') {
      const ids = value as number[];
      lines.push(`${indent}subscriptionIdentifier: ${ids.length === 1 ? ids[0] : `[${ids.join(', ')}]`},`);
    } else if (value instanceof Uint8Array) lines.push(`${indent}${key}: ${jsBuffer(value)},`);
    else if (MQTTJS_BOOLEAN.has(key)) lines.push(`${indent}${key}: ${value === 1 ? 'true' : 'false'},`);
    else if (typeof value === 'string') lines.push(`${indent}${key}: ${jsString(value)},`);
    else lines.push(`${indent}${key}: ${String(value)},`);
  }
  return `{\n${lines.join('\n')}\n${indent.slice(2)}}`;
}

function jsPayload(payload: Uint8Array, options: CodeOptions): { setup: string; expr: string } {
  if (options.fill) return { setup: '', expr: `Buffer.alloc(${options.fill.length}, 0x${options.fill.byte.toString(16)})` };
  if (payload.length > INLINE_PAYLOAD_LIMIT) {
    return { setup: `import { readFileSync } from 'node:fs';\n\n// The ${payload.length.toLocaleString('en')}-byte payload is too long to inline: save it as payload.bin.\n`, expr: `readFileSync('payload.bin')` };
  }
  const text = asText(payload);
  return { setup: '', expr: text !== null ? jsString(text) : jsBuffer(payload) };
}

function mqttJs(packet: Packet, version: ProtocolVersion, options: CodeOptions): string {
  const connectLine = (extra = '') => `const client = mqtt.connect('mqtt://localhost:1883', { protocolVersion: ${version}${extra} });`;
  const head = "import mqtt from 'mqtt';\n\n";
  switch (packet.type) {
    case 'CONNECT': {
      const o: string[] = [`  protocolVersion: ${packet.protocolLevel},`, `  clientId: ${jsString(packet.clientId)},`, `  clean: ${packet.cleanSession},`, `  keepalive: ${packet.keepAlive},`];
      if (packet.username !== undefined) o.push(`  username: ${jsString(packet.username)},`);
      if (packet.password !== undefined) {
        const t = asText(packet.password);
        o.push(`  password: ${t !== null ? jsString(t) : jsBuffer(packet.password)},`);
      }
      if (packet.will) {
        const w = [`    topic: ${jsString(packet.will.topic)},`, `    payload: ${jsBuffer(packet.will.payload)},`, `    qos: ${packet.will.qos},`, `    retain: ${packet.will.retain},`];
        if (packet.will.properties && Object.keys(packet.will.properties).length > 0) w.push(`    properties: ${jsProperties(packet.will.properties, '      ')},`);
        o.push(`  will: {\n${w.join('\n')}\n  },`);
      }
      if (packet.properties && Object.keys(packet.properties).length > 0) o.push(`  properties: ${jsProperties(packet.properties, '    ')},`);
      return `${head}// MQTT.js writes this CONNECT when it opens the connection.\nconst client = mqtt.connect('mqtt://localhost:1883', {\n${o.join('\n')}\n});\n`;
    }
    case 'PUBLISH': {
      const pl = jsPayload(packet.payload, options);
      const o = [`  qos: ${packet.qos},`, `  retain: ${packet.retain},`];
      if (packet.dup) o.push('  dup: true,');
      if (packet.properties && Object.keys(packet.properties).length > 0) o.push(`  properties: ${jsProperties(packet.properties, '    ')},`);
      const idNote = packet.qos > 0 ? `// MQTT.js picks the packet identifier itself (here it was ${packet.packetId}).\n` : '';
      return `import mqtt from 'mqtt';\n${pl.setup ? pl.setup : '\n'}${connectLine()}\n\n${idNote}client.publish(${jsString(packet.topic)}, ${pl.expr}, {\n${o.join('\n')}\n}, (error) => {\n  if (error) console.error(error);\n  client.end();\n});\n`;
    }
    case 'SUBSCRIBE': {
      const subs = packet.subscriptions.map((s) => `  ${jsString(s.topicFilter)}: { qos: ${s.qos}${version === 5 ? `, nl: ${s.noLocal ?? false}, rap: ${s.retainAsPublished ?? false}, rh: ${s.retainHandling ?? 0}` : ''} },`);
      const opts = packet.properties && Object.keys(packet.properties).length > 0 ? `, { properties: ${jsProperties(packet.properties, '  ')} }` : '';
      return `${head}${connectLine()}\n\n// MQTT.js picks the packet identifier itself (here it was ${packet.packetId}).\nclient.subscribe({\n${subs.join('\n')}\n}${opts}, (error, granted) => {\n  console.log(error ?? granted);\n});\n`;
    }
    case 'UNSUBSCRIBE': {
      const opts = packet.properties && Object.keys(packet.properties).length > 0 ? `, { properties: ${jsProperties(packet.properties, '  ')} }` : '';
      return `${head}${connectLine()}\n\n// MQTT.js picks the packet identifier itself (here it was ${packet.packetId}).\nclient.unsubscribe([${packet.topicFilters.map(jsString).join(', ')}]${opts});\n`;
    }
    case 'DISCONNECT': {
      if (version !== 5) return `${head}${connectLine()}\n\n// end() sends DISCONNECT and closes the connection.\nclient.end();\n`;
      const o = [`  reasonCode: ${packet.reasonCode ?? 0},`];
      if (packet.properties && Object.keys(packet.properties).length > 0) o.push(`  properties: ${jsProperties(packet.properties, '    ')},`);
      return `${head}${connectLine()}\n\n// end() sends DISCONNECT and closes the connection.\nclient.end(false, {\n${o.join('\n')}\n});\n`;
    }
    default:
      return mqttPacketCode(packet, version);
  }
}

/** Packets a client library sends by itself (acks, pings) or a server sends: write them with mqtt-packet, the encoder under MQTT.js. */
function mqttPacketCode(packet: Packet, version: ProtocolVersion): string {
  const o: string[] = [`  cmd: '${packet.type.toLowerCase()}',`];
  const p = packet as Packet & { packetId?: number; reasonCode?: number; reasonCodes?: number[]; properties?: Properties; sessionPresent?: boolean };
  if (p.packetId !== undefined) o.push(`  messageId: ${p.packetId},`);
  if (packet.type === 'CONNACK') {
    o.push(`  sessionPresent: ${packet.sessionPresent},`, `  ${version === 5 ? 'reasonCode' : 'returnCode'}: ${packet.reasonCode},`);
  } else if (p.reasonCodes !== undefined) o.push(`  granted: [${p.reasonCodes.join(', ')}],`);
  else if (packet.type !== 'PINGREQ' && packet.type !== 'PINGRESP' && version === 5) o.push(`  reasonCode: ${p.reasonCode ?? 0},`);
  if (p.properties && Object.keys(p.properties).length > 0) o.push(`  properties: ${jsProperties(p.properties, '    ')},`);
  const who = packet.type === 'PINGREQ' ? 'MQTT.js sends PINGREQ by itself every keepalive seconds.'
    : ['PUBACK', 'PUBREC', 'PUBREL', 'PUBCOMP'].includes(packet.type) ? `MQTT.js sends ${packet.type} by itself as part of the QoS flow.`
      : packet.type === 'AUTH' ? 'MQTT.js has no call that sends AUTH on its own.'
        : `${packet.type} is sent by a server, not by an MQTT.js client.`;
  return `// ${who}\n// To write the bytes by hand, use mqtt-packet, the encoder MQTT.js is built on.\n// (It may pick an equally valid but shorter or longer form, e.g. leave out a 0x00 reason code.)\nimport mqttPacket from 'mqtt-packet';\n\nconst bytes = mqttPacket.generate({\n${o.join('\n')}\n}, { protocolVersion: ${version} });\nconsole.log(bytes.toString('hex'));\n`;
}

// ---------------------------------------------------------------------------------------------
// mosquitto_pub

/** mosquitto_pub's names for the PUBLISH properties it can send (`-D publish <name> <value>`). */
const MOSQUITTO_PROPERTY: Readonly<Record<string, string>> = {
  payloadFormatIndicator: 'payload-format-indicator', messageExpiryInterval: 'message-expiry-interval', contentType: 'content-type',
  responseTopic: 'response-topic', correlationData: 'correlation-data', topicAlias: 'topic-alias', userProperties: 'user-property',
};

export function mosquittoAvailable(packet: Packet): boolean {
  return packet.type === 'PUBLISH';
}

function mosquittoPub(packet: Packet, version: ProtocolVersion, options: CodeOptions): string {
  if (packet.type !== 'PUBLISH') return `# mosquitto_pub only publishes: there is no mosquitto_pub command for a ${packet.type}.\n`;
  const notes: string[] = [];
  const args: string[] = ['mosquitto_pub', '-h localhost', '-p 1883', `-V ${version === 5 ? 'mqttv5' : version === 3 ? 'mqttv31' : 'mqttv311'}`];
  if (packet.topic === '') {
    notes.push('# mosquitto_pub always sends a topic name; an empty topic with a Topic Alias cannot be sent from it.');
  }
  args.push(`-t ${shellWord(packet.topic)}`);
  args.push(`-q ${packet.qos}`);
  if (packet.retain) args.push('-r');
  if (packet.dup) notes.push('# mosquitto_pub sets DUP itself, only when it re-sends; it cannot be asked for.');
  if (packet.qos > 0) notes.push(`# mosquitto_pub picks the packet identifier itself (here it was ${packet.packetId}).`);
  const props = packet.properties ?? {};
  for (const [key, value] of Object.entries(props)) {
    if (value === undefined) continue;
    const name = MOSQUITTO_PROPERTY[key];
    if (name === undefined) {
      notes.push(`# mosquitto_pub cannot send ${PROPERTY_BY_KEY.get(key as keyof Properties)?.label ?? key}${key === 'subscriptionIdentifiers' ? ': only a server puts it in a PUBLISH (MQTT-3.3.4-6)' : ''}.`);
      continue;
    }
    if (key === 'userProperties') for (const [n, v] of value as Array<[string, string]>) args.push(`-D publish user-property ${shellWord(n)} ${shellWord(v)}`);
    else if (value instanceof Uint8Array) {
      const t = asText(value);
      if (t === null || t.includes('\u0000')) notes.push(`# mosquitto_pub takes ${name} as text; these bytes are not text, so it is left out.`);
      else args.push(`-D publish ${name} ${shellWord(t)}`);
    } else args.push(`-D publish ${name} ${typeof value === 'string' ? shellWord(value) : String(value)}`);
  }
  let pipe = '';
  const payload = packet.payload;
  if (options.fill) {
    pipe = `head -c ${options.fill.length} /dev/zero | tr '\\0' ${shQuote(String.fromCharCode(options.fill.byte))} | `;
    args.push('-s');
  } else if (payload.length === 0) args.push('-n');
  else if (payload.length > INLINE_PAYLOAD_LIMIT) {
    notes.push(`# The ${payload.length.toLocaleString('en')}-byte payload is too long to inline: save it as payload.bin.`);
    args.push('-f payload.bin');
  } else {
    const t = asText(payload);
    if (t !== null && !t.includes('\u0000')) args.push(`-m ${shellWord(t)}`);
    else {
      pipe = `printf ${printfBytes(payload)} | `;
      args.push('-s');
    }
  }
  return `${notes.join('\n')}${notes.length > 0 ? '\n' : ''}${pipe}${args.join(' \\\n  ')}\n`;
}

// ---------------------------------------------------------------------------------------------
// Python, paho-mqtt 2.x

function pyBytes(bytes: Uint8Array): string {
  return `bytes.fromhex(${pyString(toHex(bytes))})`;
}

const pahoName = (key: string) => (PROPERTY_BY_KEY.get(key as keyof Properties)?.label ?? key).replace(/ /g, '');

function pyProperties(name: string, packetType: string, p: Properties | undefined, lines: string[]): string | null {
  if (p === undefined || Object.keys(p).length === 0) return null;
  lines.push(`${name} = Properties(PacketTypes.${packetType})`);
  for (const [key, value] of Object.entries(p)) {
    if (value === undefined) continue;
    const attr = pahoName(key);
    if (key === 'userProperties') for (const [n, v] of value as Array<[string, string]>) lines.push(`${name}.UserProperty = (${pyString(n)}, ${pyString(v)})`);
    else if (key === 'subscriptionIdentifiers') for (const id of value as number[]) lines.push(`${name}.SubscriptionIdentifier = ${id}`);
    else if (value instanceof Uint8Array) lines.push(`${name}.${attr} = ${pyBytes(value)}`);
    else if (typeof value === 'string') lines.push(`${name}.${attr} = ${pyString(value)}`);
    else lines.push(`${name}.${attr} = ${String(value)}`);
  }
  return name;
}

function paho(packet: Packet, bytes: Uint8Array, version: ProtocolVersion, options: CodeOptions): string {
  const proto = version === 5 ? 'mqtt.MQTTv5' : version === 3 ? 'mqtt.MQTTv31' : 'mqtt.MQTTv311';
  const imports = ['import paho.mqtt.client as mqtt'];
  const needProps = () => {
    if (!imports.includes('from paho.mqtt.properties import Properties')) imports.push('from paho.mqtt.properties import Properties', 'from paho.mqtt.packettypes import PacketTypes');
  };
  const body: string[] = [];
  const client = (clientId = '', clean?: boolean) => {
    const cleanArg = version !== 5 && clean !== undefined ? `, clean_session=${clean ? 'True' : 'False'}` : '';
    body.push(`client = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, client_id=${pyString(clientId)}${cleanArg}, protocol=${proto})`);
  };
  const connect = (keepalive = 60, clean?: boolean, props?: string | null) => {
    const extra = version === 5 ? `${clean !== undefined ? `, clean_start=${clean ? 'True' : 'False'}` : ''}${props ? `, properties=${props}` : ''}` : '';
    body.push(`client.connect('localhost', 1883, keepalive=${keepalive}${extra})`, 'client.loop_start()');
  };
  const finish = () => body.push('client.loop_stop()', 'client.disconnect()');
  switch (packet.type) {
    case 'CONNECT': {
      client(packet.clientId, packet.cleanSession);
      if (packet.username !== undefined || packet.password !== undefined) {
        const pw = packet.password === undefined ? 'None' : asText(packet.password) !== null ? pyString(asText(packet.password)!) : pyBytes(packet.password);
        body.push(`client.username_pw_set(${packet.username === undefined ? 'None' : pyString(packet.username)}, ${pw})`);
      }
      if (packet.will) {
        if (version === 5 && packet.will.properties) needProps();
        const wp = version === 5 ? pyProperties('will_props', 'WILLMESSAGE', packet.will.properties, body) : null;
        body.push(`client.will_set(${pyString(packet.will.topic)}, ${pyBytes(packet.will.payload)}, qos=${packet.will.qos}, retain=${packet.will.retain ? 'True' : 'False'}${wp ? `, properties=${wp}` : ''})`);
      }
      if (version === 5 && packet.properties && Object.keys(packet.properties).length > 0) needProps();
      const cp = version === 5 ? pyProperties('connect_props', 'CONNECT', packet.properties, body) : null;
      connect(packet.keepAlive, packet.cleanSession, cp);
      finish();
      break;
    }
    case 'PUBLISH': {
      client();
      connect();
      if (version === 5 && packet.properties && Object.keys(packet.properties).length > 0) needProps();
      const pp = version === 5 ? pyProperties('props', 'PUBLISH', packet.properties, body) : null;
      let payload: string;
      if (options.fill) payload = `${pyString(String.fromCharCode(options.fill.byte))} * ${options.fill.length}`;
      else if (packet.payload.length > INLINE_PAYLOAD_LIMIT) {
        body.push(`# The ${packet.payload.length.toLocaleString('en')}-byte payload is too long to inline: save it as payload.bin.`);
        payload = "open('payload.bin', 'rb').read()";
      } else {
        const t = asText(packet.payload);
        payload = t !== null ? pyString(t) : pyBytes(packet.payload);
      }
      if (packet.qos > 0) body.push(`# paho picks the packet identifier itself (here it was ${packet.packetId}).`);
      if (packet.dup) body.push('# paho sets DUP itself, only when it re-sends; it cannot be asked for.');
      body.push(`info = client.publish(${pyString(packet.topic)}, ${payload}, qos=${packet.qos}, retain=${packet.retain ? 'True' : 'False'}${pp ? `, properties=${pp}` : ''})`, 'info.wait_for_publish()');
      finish();
      break;
    }
    case 'SUBSCRIBE': {
      client();
      connect();
      if (version === 5) {
        imports.push('from paho.mqtt.subscribeoptions import SubscribeOptions');
        if (packet.properties && Object.keys(packet.properties).length > 0) needProps();
        const sp = pyProperties('props', 'SUBSCRIBE', packet.properties, body);
        const subs = packet.subscriptions.map((s) => `    (${pyString(s.topicFilter)}, SubscribeOptions(qos=${s.qos}, noLocal=${s.noLocal ? 'True' : 'False'}, retainAsPublished=${s.retainAsPublished ? 'True' : 'False'}, retainHandling=${s.retainHandling ?? 0})),`);
        body.push(`# paho picks the packet identifier itself (here it was ${packet.packetId}).`, `client.subscribe([\n${subs.join('\n')}\n]${sp ? `, properties=${sp}` : ''})`);
      } else {
        body.push(`# paho picks the packet identifier itself (here it was ${packet.packetId}).`, `client.subscribe([${packet.subscriptions.map((s) => `(${pyString(s.topicFilter)}, ${s.qos})`).join(', ')}])`);
      }
      body.push('client.loop_forever()');
      break;
    }
    case 'UNSUBSCRIBE': {
      client();
      connect();
      if (version === 5 && packet.properties && Object.keys(packet.properties).length > 0) needProps();
      const up = version === 5 ? pyProperties('props', 'UNSUBSCRIBE', packet.properties, body) : null;
      body.push(`# paho picks the packet identifier itself (here it was ${packet.packetId}).`, `client.unsubscribe([${packet.topicFilters.map(pyString).join(', ')}]${up ? `, properties=${up}` : ''})`);
      finish();
      break;
    }
    case 'DISCONNECT': {
      client();
      connect();
      if (version === 5) {
        imports.push('from paho.mqtt.reasoncodes import ReasonCode');
        if (!imports.includes('from paho.mqtt.packettypes import PacketTypes')) imports.push('from paho.mqtt.packettypes import PacketTypes');
        if (packet.properties && Object.keys(packet.properties).length > 0 && !imports.includes('from paho.mqtt.properties import Properties')) imports.push('from paho.mqtt.properties import Properties');
        const dp = pyProperties('props', 'DISCONNECT', packet.properties, body);
        body.push('client.loop_stop()', `client.disconnect(reasoncode=ReasonCode(PacketTypes.DISCONNECT, identifier=${packet.reasonCode ?? 0})${dp ? `, properties=${dp}` : ''})`);
      } else finish();
      break;
    }
    default:
      return `# paho-mqtt sends ${packet.type === 'PINGREQ' || ['PUBACK', 'PUBREC', 'PUBREL', 'PUBCOMP'].includes(packet.type) ? `${packet.type} by itself` : `no ${packet.type}: a server does`} and has no call to send one by hand.\n# These are its bytes, e.g. for a test that writes to a socket:\npacket = bytes.fromhex(${pyString(toHex(bytes, ' '))})\nprint(packet.hex(' '))\n`;
  }
  return `${imports.join('\n')}\n\n${body.join('\n')}\n`;
}
