import { describe, expect, it } from 'vitest';
import { connected, fromHex, hex, setup, text } from './helpers.ts';

describe('CONNECT and CONNACK', () => {
  it('accepts a 3.1.1 CONNECT with CONNACK 20 02 00 00', () => {
    const bed = setup();
    const client = bed.client(4);
    client.connect({ clientId: 'a' });
    expect(client.wire).toEqual(['20020000']);
    expect(bed.eventsOf('client-connected')[0]).toMatchObject({ clientId: 'a', protocolVersion: 4, sessionPresent: false });
  });

  it('accepts an MQTT 3.1 (MQIsdp) CONNECT', () => {
    const bed = setup();
    const client = bed.client(3);
    expect(client.connect({ clientId: 'old-client' }).reasonCode).toBe(0);
    expect(client.wire).toEqual(['20020000']);
  });

  it('tells a 5.0 client its Receive Maximum and Topic Alias Maximum, as mosquitto does', () => {
    const bed = setup();
    const client = bed.client(5);
    const connack = client.connect({ clientId: 'a' });
    expect(connack.properties).toEqual({ topicAliasMaximum: 10, receiveMaximum: 20 });
    // mosquitto 2.0 answers the same bytes: 22 00 0a (Topic Alias Maximum 10), 21 00 14 (Receive Maximum 20).
    expect(client.wire).toEqual(['200900000622000a210014']);
  });

  it('closes without a word when the first packet is not CONNECT (MQTT-3.1.0-1)', () => {
    const bed = setup();
    const client = bed.client(4);
    client.send({ type: 'PINGREQ' });
    expect(client.closed).toBe(true);
    expect(client.wire).toEqual([]);
    expect(bed.eventsOf('protocol-error')[0]?.rule).toBe('MQTT-3.1.0-1');
  });

  it('treats a second CONNECT as a protocol violation: 3.1.1 closes (MQTT-3.1.0-2)', () => {
    const bed = setup();
    const client = connected(bed, 'a', 4);
    client.send({ type: 'CONNECT', protocolName: 'MQTT', protocolLevel: 4, cleanSession: true, keepAlive: 0, clientId: 'a' });
    expect(client.take()).toEqual([]);
    expect(client.closed).toBe(true);
    expect(bed.eventsOf('protocol-error')[0]?.rule).toBe('MQTT-3.1.0-2');
  });

  it('treats a second CONNECT as a Protocol Error: 5.0 sends DISCONNECT 0x82 and closes (MQTT-3.1.0-2)', () => {
    const bed = setup();
    const client = connected(bed, 'a', 5);
    client.send({ type: 'CONNECT', protocolName: 'MQTT', protocolLevel: 5, cleanSession: true, keepAlive: 0, clientId: 'a' });
    const disconnect = client.next('DISCONNECT');
    expect(disconnect.reasonCode).toBe(0x82);
    expect(client.closed).toBe(true);
  });

  it('answers an unknown protocol level with CONNACK 0x01 in the 3.1.1 format, then closes', () => {
    const bed = setup();
    const client = bed.client(4);
    // CONNECT, "MQTT", level 6, clean session, keepalive 60, client id "x".
    client.raw('10 0d 00 04 4d 51 54 54 06 02 00 3c 00 01 78');
    expect(client.wire).toEqual(['20020001']);
    expect(client.closed).toBe(true);
  });

  it('refuses a version it was configured not to accept: 0x84 for 5.0, 0x01 for 3.1.1', () => {
    const bed = setup({ protocolVersions: [4] });
    const v5 = bed.client(5);
    const connack = v5.connect({ clientId: 'a' });
    expect(connack.reasonCode).toBe(0x84);
    expect(v5.closed).toBe(true);
    const bed2 = setup({ protocolVersions: [5] });
    const v4 = bed2.client(4);
    expect(v4.connect({ clientId: 'a' }).reasonCode).toBe(0x01);
    expect(v4.closed).toBe(true);
  });

  it('assigns a client id to a 5.0 client that sent an empty one (MQTT-3.2.2-16)', () => {
    const bed = setup();
    const client = bed.client(5);
    const connack = client.connect({ clientId: '' });
    expect(connack.reasonCode).toBe(0);
    expect(connack.properties?.assignedClientIdentifier).toBe('auto-1');
    expect(bed.broker.inspect().sessions.map((s) => s.clientId)).toEqual(['auto-1']);
  });

  it('accepts an empty 3.1.1 client id only with Clean Session 1 (MQTT-3.1.3-8)', () => {
    const bed = setup();
    const ok = bed.client(4);
    expect(ok.connect({ clientId: '', cleanSession: true }).reasonCode).toBe(0);
    expect(bed.eventsOf('client-connected')[0]).toMatchObject({ clientId: 'auto-1', assignedClientId: true });
    const refused = bed.client(4);
    expect(refused.connect({ clientId: '', cleanSession: false }).reasonCode).toBe(0x02);
    expect(refused.closed).toBe(true);
  });

  it('requires 1 to 23 characters of client id in MQTT 3.1', () => {
    const bed = setup();
    expect(bed.client(3).connect({ clientId: '' }).reasonCode).toBe(0x02);
    expect(bed.client(3).connect({ clientId: 'x'.repeat(24) }).reasonCode).toBe(0x02);
    expect(bed.client(3).connect({ clientId: 'x'.repeat(23) }).reasonCode).toBe(0);
    // 3.1.1 has no such limit.
    expect(bed.client(4).connect({ clientId: 'y'.repeat(100) }).reasonCode).toBe(0);
  });

  it('refuses bad credentials with 0x04 in 3.1.1 and 0x86 in 5.0', () => {
    const authenticate = (_id: string, user: string | undefined, password: Uint8Array | undefined) =>
      user === 'alice' && password !== undefined && new TextDecoder().decode(password) === 'secret';
    const bed = setup({ authenticate });
    expect(bed.client(4).connect({ clientId: 'a', username: 'alice', password: text('wrong') }).reasonCode).toBe(0x04);
    expect(bed.client(5).connect({ clientId: 'b', username: 'alice', password: text('wrong') }).reasonCode).toBe(0x86);
    expect(bed.client(4).connect({ clientId: 'c', username: 'alice', password: text('secret') }).reasonCode).toBe(0);
    expect(bed.eventsOf('connection-refused').map((e) => e.reasonCode)).toEqual([0x04, 0x86]);
  });

  it('maps a "not authorized" verdict to 0x05 in 3.1.1 and 0x87 in 5.0', () => {
    const bed = setup({ authenticate: () => 0x87 });
    expect(bed.client(4).connect({ clientId: 'a' }).reasonCode).toBe(0x05);
    expect(bed.client(5).connect({ clientId: 'b' }).reasonCode).toBe(0x87);
    const bed2 = setup({ authenticate: () => 0x05 });
    expect(bed2.client(5).connect({ clientId: 'b' }).reasonCode).toBe(0x87);
  });

  it('does not process packets that follow a refused CONNECT in the same chunk (MQTT-3.1.4-5)', () => {
    const bed = setup({ authenticate: () => false });
    const client = bed.client(4);
    const publish = hex(new Uint8Array([0x30, 0x05, 0x00, 0x01, 0x74, 0x68, 0x69]));
    // CONNECT "a", then PUBLISH to "t".
    client.raw('10 0d 00 04 4d 51 54 54 04 02 00 00 00 01 61' + publish);
    expect(client.wire).toEqual(['20020004']);
    expect(bed.eventsOf('message-published')).toEqual([]);
  });

  it('refuses an Authentication Method it does not know with 0x8C', () => {
    const bed = setup();
    const connack = bed.client(5).connect({ clientId: 'a', properties: { authenticationMethod: 'SCRAM-SHA-1' } });
    expect(connack.reasonCode).toBe(0x8c);
  });

  it('refuses a will above its maximum QoS with 0x9B (MQTT-3.2.2-12)', () => {
    const bed = setup({ maximumQoS: 1 });
    const connack = bed.client(5).connect({ clientId: 'a', will: { topic: 'w', payload: text('x'), qos: 2, retain: false } });
    expect(connack.reasonCode).toBe(0x9b);
  });

  it('answers a server-only packet from a 5.0 client with DISCONNECT 0x82', () => {
    const bed = setup();
    const client = connected(bed, 'a', 5);
    client.send({ type: 'SUBACK', packetId: 1, reasonCodes: [0] });
    expect(client.next('DISCONNECT').reasonCode).toBe(0x82);
    expect(client.closed).toBe(true);
  });

  it('answers AUTH without an Authentication Method with DISCONNECT 0x82', () => {
    const bed = setup();
    const client = connected(bed, 'a', 5);
    client.send({ type: 'AUTH', reasonCode: 0x19, properties: { authenticationMethod: 'x' } });
    expect(client.next('DISCONNECT').reasonCode).toBe(0x82);
  });

  it('answers a malformed packet from a 5.0 client with DISCONNECT 0x81 and a reason string, and publishes the will', () => {
    const bed = setup();
    const watcher = connected(bed, 'watcher', 4);
    watcher.subscribe('status/#', 0);
    const client = connected(bed, 'a', 5, { will: { topic: 'status/a', payload: text('gone'), qos: 0, retain: false } });
    client.raw('60 02 00 01'); // PUBREL with reserved flags 0000: malformed (MQTT-3.6.1-1)
    const disconnect = client.take().find((p) => p.type === 'DISCONNECT');
    expect(disconnect).toMatchObject({ type: 'DISCONNECT', reasonCode: 0x81 });
    expect((disconnect as { properties?: { reasonString?: string } }).properties?.reasonString).toMatch(/codec\.e\.reservedFlags type=PUBREL expected=0010 flags=0000/);
    expect(client.closed).toBe(true);
    expect(watcher.publishes().map((p) => p.topic)).toEqual(['status/a']);
  });

  it('just closes a 3.1.1 connection that sends a malformed packet', () => {
    const bed = setup();
    const client = connected(bed, 'a', 4);
    client.raw('60 02 00 01');
    expect(client.take()).toEqual([]);
    expect(client.closed).toBe(true);
    expect(bed.eventsOf('protocol-error')[0]?.rule).toBe('MQTT-3.6.1-1');
  });

  it('handles the packets that came before a malformed one in the same chunk, then closes', () => {
    const bed = setup();
    const sub = connected(bed, 'sub', 4);
    sub.subscribe('t', 0);
    const client = bed.client(4);
    // CONNECT "a", PUBLISH "t" "hi", then a PUBREL with bad reserved flags — all in one chunk.
    client.raw('10 0d 00 04 4d 51 54 54 04 02 00 00 00 01 61' + '30 05 00 01 74 68 69' + '60 02 00 01');
    expect(client.wire).toEqual(['20020000']);
    expect(client.closed).toBe(true);
    expect(sub.publishes().map((p) => p.topic)).toEqual(['t']);
    expect(bed.eventsOf('packet').filter((e) => e.direction === 'in' && e.connectionId === client.connection.id).map((e) => [e.packet.type, hex(e.bytes)]))
      .toEqual([['CONNECT', '100d00044d51545404020000000161'], ['PUBLISH', '30050001746869']]);
  });

  it('answers a packet above its Maximum Packet Size with DISCONNECT 0x95', () => {
    const bed = setup({ maximumPacketSize: 64 });
    const client = bed.client(5);
    expect(client.connect({ clientId: 'a' }).properties?.maximumPacketSize).toBe(64);
    client.send({ type: 'PUBLISH', dup: false, qos: 0, retain: false, topic: 't', payload: new Uint8Array(100) });
    expect(client.next('DISCONNECT').reasonCode).toBe(0x95);
    expect(client.closed).toBe(true);
  });

  it('closes a connection that sends no CONNECT within the connect timeout', () => {
    const bed = setup({ connectTimeout: 5000 });
    const client = bed.client(4);
    bed.advance(4750);
    expect(client.closed).toBe(false);
    bed.advance(250);
    expect(client.closed).toBe(true);
    expect(bed.eventsOf('client-disconnected')[0]?.cause).toBe('connect-timeout');
  });

  it('accepts CONNECT bytes split at every possible point', () => {
    const connect = fromHex('10 0d 00 04 4d 51 54 54 04 02 00 00 00 01 61');
    for (let cut = 1; cut < connect.length; cut++) {
      const bed = setup();
      const client = bed.client(4);
      client.raw(connect.subarray(0, cut));
      expect(client.wire).toEqual([]);
      client.raw(connect.subarray(cut));
      expect(client.wire).toEqual(['20020000']);
    }
  });

  it('logs every packet both ways with its exact bytes', () => {
    const bed = setup();
    const client = connected(bed, 'a', 4);
    client.send({ type: 'PINGREQ' });
    const packets = bed.eventsOf('packet').map((e) => [e.direction, e.packet.type, hex(e.bytes)]);
    expect(packets).toEqual([
      ['in', 'CONNECT', '100d00044d51545404020000000161'],
      ['out', 'CONNACK', '20020000'],
      ['in', 'PINGREQ', 'c000'],
      ['out', 'PINGRESP', 'd000'],
    ]);
  });
});
