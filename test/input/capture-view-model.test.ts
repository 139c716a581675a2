/**
 * What the capture view is given: every MQTT packet's bytes packed into one transferable buffer,
 * summaries per packet, and the sequence diagram's rows in frame order with gaps in place.
 */
import { describe, expect, it } from 'vitest';
import { encodePacket, type Packet } from '../../src/mqtt/codec/index.ts';
import { analyseCapture } from '../../src/input/index.ts';
import { clockText, diagramRows, packetBytes, summariseCapture } from '../../src/components/hex-decoder/capture-model.ts';
import { ascii, pcapFile, TcpConversation } from '../support/capture-builder.ts';

const CLIENT = { ip: '10.0.0.2', port: 50000 };
const BROKER = { ip: '10.0.0.1', port: 1883 };
const bytesOf = (p: Packet) => encodePacket(p, { protocolVersion: 4 });

describe('the capture view model', () => {
  it('packs each packet’s bytes into one buffer and summarises the packets', () => {
    const conv = new TcpConversation({ client: CLIENT, broker: BROKER, startSec: 1_700_000_000 });
    const publish: Packet = { type: 'PUBLISH', dup: false, qos: 1, retain: false, topic: 'a/b', packetId: 7, payload: ascii('hello') };
    const frames = [
      ...conv.handshake(),
      ...conv.send('client', bytesOf({ type: 'CONNECT', protocolName: 'MQTT', protocolLevel: 4, cleanSession: true, keepAlive: 60, clientId: 'view' })),
      ...conv.send('broker', bytesOf({ type: 'CONNACK', sessionPresent: false, reasonCode: 0 })),
      ...conv.send('client', bytesOf(publish)),
      ...conv.send('broker', bytesOf({ type: 'PUBACK', packetId: 7 })),
    ];
    const view = summariseCapture('x.pcap', analyseCapture(pcapFile(frames)));
    expect(view.connections).toHaveLength(1);
    const c = view.connections[0]!;
    expect([c.client, c.broker, c.clientId, c.version, c.packetCount]).toEqual(['10.0.0.2:50000', '10.0.0.1:1883', 'view', 4, 4]);
    const p = c.packets[2]!;
    expect(p).toMatchObject({ side: 'c2b', type: 'PUBLISH', topic: 'a/b', qos: 1, packetId: 7, payloadLength: 5, malformed: null, frame: 6 });
    expect([...packetBytes(view, p)]).toEqual([...bytesOf(publish)]);
    expect(view.buffer.byteLength).toBe(c.packets.reduce((n, q) => n + q.length, 0));
    expect(c.packets[3]).toMatchObject({ side: 'b2c', type: 'PUBACK', packetId: 7 });
    expect(p.clock).toBe('22:13:20.006000');
  });

  it('puts a gap in the diagram before the packets that follow it', () => {
    const conv = new TcpConversation({ client: CLIENT, broker: BROKER });
    const head = [...conv.handshake(), ...conv.send('client', bytesOf({ type: 'CONNECT', protocolName: 'MQTT', protocolLevel: 4, cleanSession: true, keepAlive: 60, clientId: 'g' }))];
    const lost = conv.send('client', bytesOf({ type: 'PUBLISH', dup: false, qos: 0, retain: false, topic: 'x', payload: new Uint8Array(100) }));
    const after = [...conv.send('client', bytesOf({ type: 'PINGREQ' })), ...conv.send('client', bytesOf({ type: 'PINGREQ' }))];
    const view = summariseCapture('g.pcap', analyseCapture(pcapFile([...head, ...after])));
    void lost;
    const rows = diagramRows(view.connections[0]!);
    expect(rows.map((r) => (r.kind === 'packet' ? r.packet.type : r.event.kind))).toEqual(['CONNECT', 'gap', 'PINGREQ', 'PINGREQ']);
  });

  it('shows wall-clock time in UTC to the microsecond', () => {
    expect(clockText({ sec: 0, nsec: 123_456_789 })).toBe('00:00:00.123456');
  });
});
