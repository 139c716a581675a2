/**
 * A capture that joins an MQTT-over-WebSocket connection after its HTTP upgrade: no SYN, no
 * upgrade, the first bytes in the middle of a frame. The reader recognises the WebSocket framing,
 * resynchronises at the first frame boundary and reports the skipped bytes, as it does for plain
 * MQTT; plain MQTT joined midway stays MQTT. Hand-made captures (test/support/capture-builder.ts).
 */
import { describe, expect, it } from 'vitest';
import { encodePacket, type Packet } from '../../src/mqtt/codec/index.ts';
import { analyseCapture, type CaptureConnection } from '../../src/input/index.ts';
import { webSocketSyncPoint } from '../../src/input/capture/websocket.ts';
import { ascii, concat, pcapFile, TcpConversation, wsFrame, type BuiltFrame } from '../support/capture-builder.ts';

const CLIENT = { ip: '192.168.1.20', port: 51234 };
const BROKER = { ip: '192.168.1.10', port: 8083 };
const MASK: [number, number, number, number] = [0x37, 0xfa, 0x21, 0x3d];
const v5 = (p: Packet) => encodePacket(p, { protocolVersion: 5 });
const publish = (topic: string, payload: Uint8Array, packetId: number): Packet => ({ type: 'PUBLISH', dup: false, qos: 1, retain: false, topic, packetId, payload });
const types = (c: CaptureConnection) => c.packets.map((p) => `${p.direction === 'client-to-broker' ? '>' : '<'}${p.type}${p.packet !== null && 'packetId' in p.packet && p.packet.packetId !== undefined ? ` ${p.packet.packetId}` : ''}`);

/** A whole WebSocket session; returns its frames and the frames of the big PUBLISH's frame, cut in 1000-byte segments. */
function webSocketSession(mask: typeof MASK | undefined = MASK): { frames: BuiltFrame[]; bigFrame: Uint8Array; bigSegments: BuiltFrame[] } {
  const conv = new TcpConversation({ client: CLIENT, broker: BROKER });
  const upgrade = ascii('GET /mqtt HTTP/1.1\r\nHost: broker\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Protocol: mqtt\r\nSec-WebSocket-Version: 13\r\n\r\n');
  const accept = ascii('HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\nSec-WebSocket-Protocol: mqtt\r\n\r\n');
  const big = v5(publish('ws/big', ascii('0123456789'.repeat(300)), 5));
  const bigFrame = wsFrame(2, big, { mask });
  const split = v5(publish('ws/split', ascii('across two frames'), 7));
  const bigSegments: BuiltFrame[] = [];
  const frames: BuiltFrame[] = [
    ...conv.handshake(),
    ...conv.send('client', concat(upgrade, wsFrame(2, v5({ type: 'CONNECT', protocolName: 'MQTT', protocolLevel: 5, cleanSession: true, keepAlive: 60, clientId: 'ws-late' }), { mask }))),
    ...conv.send('broker', concat(accept, wsFrame(2, v5({ type: 'CONNACK', sessionPresent: false, reasonCode: 0 })))),
  ];
  bigSegments.push(...conv.send('client', bigFrame, 1000));
  frames.push(
    ...bigSegments,
    ...conv.send('broker', wsFrame(2, v5({ type: 'PUBACK', packetId: 5 }))),
    ...conv.send('client', wsFrame(2, v5(publish('ws/next', ascii('n'), 6)), { mask })),
    ...conv.send('broker', wsFrame(2, v5({ type: 'PUBACK', packetId: 6 }))),
    // One packet over two frames (a frame boundary inside a packet), then a ping in one frame.
    ...conv.send('client', concat(wsFrame(2, split.subarray(0, 10), { fin: false, mask }), wsFrame(0, split.subarray(10), { mask }))),
    ...conv.send('broker', wsFrame(2, concat(v5({ type: 'PUBACK', packetId: 7 }), v5({ type: 'PINGRESP' })))),
    ...conv.send('client', wsFrame(2, v5({ type: 'PINGREQ' }), { mask })),
  );
  return { frames, bigFrame, bigSegments };
}

describe('a capture that joins a WebSocket connection midway', () => {
  it('finds the WebSocket frames, skips to the first frame boundary and says how many bytes it skipped', () => {
    const { frames, bigFrame, bigSegments } = webSocketSession();
    // The capture starts with the big PUBLISH's second segment: 1000 bytes of its frame are missing.
    const from = frames.indexOf(bigSegments[1]!);
    const a = analyseCapture(pcapFile(frames.slice(from)));
    expect(a.connections).toHaveLength(1);
    const c = a.connections[0]!;
    expect([c.protocol, c.fromStart, c.clientBy]).toEqual(['mqtt-websocket', false, 'port']);
    expect(c.websocket).toEqual({ path: '', subprotocol: null });
    expect(types(c)).toEqual(['<PUBACK 5', '>PUBLISH 6', '<PUBACK 6', '>PUBLISH 7', '<PUBACK 7', '<PINGRESP', '>PINGREQ']);
    expect(c.malformed).toBe(0);
    expect(c.events).toEqual([expect.objectContaining({ kind: 'skipped', direction: 'client-to-broker', bytes: bigFrame.length - 1000 })]);
    const split = c.packets.find((p) => p.packet?.type === 'PUBLISH' && p.packet.topic === 'ws/split');
    // Put back together from two frames, byte for byte (its version is guessed: no CONNECT was captured).
    expect([...split!.bytes]).toEqual([...v5(publish('ws/split', ascii('across two frames'), 7))]);
    // Each packet keeps the frame that completed it, though the protocol was decided a few segments in.
    const next = c.packets.find((p) => p.packet?.type === 'PUBLISH' && p.packet.topic === 'ws/next')!;
    expect(next.frame).toBe(frames.slice(from).findIndex((f) => f === frames[frames.indexOf(bigSegments[bigSegments.length - 1]!) + 2]) + 1);
  });

  it('resynchronises when the capture starts on a frame boundary, skipping nothing', () => {
    const { frames, bigSegments } = webSocketSession();
    const from = frames.indexOf(bigSegments[bigSegments.length - 1]!) + 1;
    const c = analyseCapture(pcapFile(frames.slice(from))).connections[0]!;
    expect(c.protocol).toBe('mqtt-websocket');
    expect(types(c)).toEqual(['<PUBACK 5', '>PUBLISH 6', '<PUBACK 6', '>PUBLISH 7', '<PUBACK 7', '<PINGRESP', '>PINGREQ']);
    expect(c.events).toEqual([]);
  });

  it('keeps plain MQTT joined midway as MQTT, even when it opens with a SUBSCRIBE (0x82, like a binary frame header)', () => {
    const conv = new TcpConversation({ client: CLIENT, broker: { ip: BROKER.ip, port: 1883 } });
    conv.handshake();
    const subscribe = encodePacket({ type: 'SUBSCRIBE', packetId: 3, subscriptions: [{ topicFilter: 'a/b', qos: 1 }] }, { protocolVersion: 4 });
    expect(subscribe[0]).toBe(0x82);
    const frames = [
      ...conv.send('client', subscribe),
      ...conv.send('broker', encodePacket({ type: 'SUBACK', packetId: 3, reasonCodes: [1] }, { protocolVersion: 4 })),
      ...conv.send('client', encodePacket(publish('a/b', ascii('x'), 4), { protocolVersion: 4 })),
      ...conv.send('broker', encodePacket({ type: 'PUBACK', packetId: 4 }, { protocolVersion: 4 })),
    ];
    const c = analyseCapture(pcapFile(frames)).connections[0]!;
    expect(c.protocol).toBe('mqtt');
    expect(types(c)).toEqual(['>SUBSCRIBE 3', '<SUBACK 3', '>PUBLISH 4', '<PUBACK 4']);
  });

  it('takes only plausible frame chains as a boundary', () => {
    const one = wsFrame(2, ascii('abc'), { mask: MASK });
    const two = wsFrame(2, ascii('defg'), { mask: MASK });
    expect(webSocketSyncPoint(concat(ascii('xyz'), one, two), false)).toEqual({ offset: 3, masked: true });
    // Unmasked after masked: a client masks every frame (RFC 6455 §5.1).
    expect(webSocketSyncPoint(concat(one, wsFrame(2, ascii('defg'))), false)).toBeNull();
    // A text frame (opcode 1) never carries MQTT; RSV bits set mean an extension nobody negotiated.
    expect(webSocketSyncPoint(concat(wsFrame(1, ascii('abc')), wsFrame(1, ascii('d'))), false)).toBeNull();
    const rsv = concat(one, two);
    rsv[0] = rsv[0]! | 0x40;
    expect(webSocketSyncPoint(rsv, false)?.offset).not.toBe(0);
    // A continuation needs an unfinished message before it.
    expect(webSocketSyncPoint(concat(wsFrame(0, ascii('abc')), two), false)?.offset).not.toBe(0);
    // One frame alone is enough only at the very start, or at the end of the capture.
    expect(webSocketSyncPoint(one, false)).toEqual({ offset: 0, masked: true });
    expect(webSocketSyncPoint(concat(ascii('q'), one), false)).toBeNull();
    expect(webSocketSyncPoint(concat(ascii('q'), one), true)).toEqual({ offset: 1, masked: true });
  });
});
