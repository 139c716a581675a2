/**
 * Which 5.0 reason code a broken or out-of-place packet earns, and MQTT 3.1's looser CONNECT.
 * The spec separates Malformed Packet (0x81: the bytes cannot be parsed as this packet) from
 * Protocol Error (0x82: they parse, but the packet or its data is not allowed here), §1.2 / §4.13.
 */
import { describe, expect, it } from 'vitest';
import { encodePacket } from '../../src/mqtt/codec/index.ts';
import { connected, setup, type FakeClient } from './helpers.ts';

/** A connected 5.0 client that sends `bytes`; returns the DISCONNECT reason code it got, or null. */
function disconnectCodeFor(bytes: string): { code: number | null; closed: boolean } {
  const bed = setup();
  const client = connected(bed, 'x', 5);
  client.raw(bytes);
  const disconnect = client.take().find((p) => p.type === 'DISCONNECT');
  return { code: disconnect === undefined ? null : (disconnect.reasonCode ?? 0), closed: client.closed };
}

const properties = (body: string) => {
  const bytes = body.replace(/\s+/g, '');
  return `${(bytes.length / 2).toString(16).padStart(2, '0')}${bytes}`;
};

/** A 5.0 QoS 1 PUBLISH to "t", packet id 1, with the given property bytes. */
function publishWith(props: string): string {
  const block = properties(props);
  const body = `0001 74 0001 ${block} 68`.replace(/\s+/g, '');
  return `32${(body.length / 2).toString(16).padStart(2, '0')}${body}`;
}

describe('a packet only a server may send, or a reserved type, is a Protocol Error by its type alone (5.0 §4.13, MQTT-4.8.0-1)', () => {
  const cases: Array<[string, string]> = [
    ['a CONNACK with a body that is not a CONNACK', '20 01 00'],
    ['a CONNACK with a well-formed body', '20 03 00 00 00'],
    ['a SUBACK without reason codes', '90 03 00 01 00'],
    ['an UNSUBACK without reason codes', 'b0 03 00 01 00'],
    ['a PINGRESP with a body', 'd0 01 00'],
    ['a PINGRESP', 'd0 00'],
    ['the reserved packet type 0', '00 00'],
    ['the reserved packet type 0 with a body', '00 02 ff ff'],
  ];
  for (const [what, bytes] of cases) {
    it(`${what} (${bytes}) gets DISCONNECT 0x82, not 0x81`, () => {
      expect(disconnectCodeFor(bytes)).toEqual({ code: 0x82, closed: true });
    });
  }

  it('AUTH after a CONNECT without Authentication Method gets 0x82 whatever its body holds (MQTT-4.12.0-7)', () => {
    expect(disconnectCodeFor('f0 00')).toEqual({ code: 0x82, closed: true });
    // 0x99 is no AUTH reason code: the body is malformed, but the packet type decides first.
    expect(disconnectCodeFor('f0 02 99 00')).toEqual({ code: 0x82, closed: true });
    expect(disconnectCodeFor('f0 01 18')).toEqual({ code: 0x82, closed: true });
  });

  it('a malformed packet a client may send still gets 0x81', () => {
    // PUBACK with a reason code no PUBACK may carry.
    expect(disconnectCodeFor('40 03 00 01 05')).toEqual({ code: 0x81, closed: true });
  });
});

describe('a property included twice is a Protocol Error (0x82); an identifier not valid for the packet is Malformed (0x81)', () => {
  const twice: Array<[string, string]> = [
    ['Payload Format Indicator', '01 00 01 01'],
    ['Message Expiry Interval', '02 0000000a 02 0000000a'],
    ['Content Type', '03 0001 61 03 0001 62'],
    ['Response Topic', '08 0001 72 08 0001 72'],
    ['Correlation Data', '09 0001 01 09 0001 02'],
    ['Topic Alias', '23 0001 23 0001'],
  ];
  for (const [name, props] of twice) {
    it(`a PUBLISH with ${name} twice gets DISCONNECT 0x82`, () => {
      expect(disconnectCodeFor(publishWith(props))).toEqual({ code: 0x82, closed: true });
    });
  }

  it('a SUBSCRIBE with two Subscription Identifiers gets DISCONNECT 0x82 (§3.8.2.1.2)', () => {
    const body = `0001 ${properties('0b 01 0b 02')} 0001 61 00`.replace(/\s+/g, '');
    expect(disconnectCodeFor(`82${(body.length / 2).toString(16).padStart(2, '0')}${body}`)).toEqual({ code: 0x82, closed: true });
  });

  it('a PUBACK with Reason String twice gets DISCONNECT 0x82', () => {
    const body = `0001 00 ${properties('1f 0001 61 1f 0001 62')}`.replace(/\s+/g, '');
    expect(disconnectCodeFor(`40${(body.length / 2).toString(16).padStart(2, '0')}${body}`)).toEqual({ code: 0x82, closed: true });
  });

  it('a DISCONNECT with Session Expiry Interval twice gets DISCONNECT 0x82', () => {
    const body = `00 ${properties('11 00000000 11 00000000')}`.replace(/\s+/g, '');
    expect(disconnectCodeFor(`e0${(body.length / 2).toString(16).padStart(2, '0')}${body}`)).toEqual({ code: 0x82, closed: true });
  });

  it('a PUBLISH carrying Session Expiry Interval (a CONNECT/CONNACK/DISCONNECT property) stays Malformed: 0x81 (§2.2.2.2)', () => {
    expect(disconnectCodeFor(publishWith('11 0000000a'))).toEqual({ code: 0x81, closed: true });
  });

  it('a PUBLISH with a property identifier MQTT 5.0 does not define stays Malformed: 0x81', () => {
    expect(disconnectCodeFor(publishWith('05 00'))).toEqual({ code: 0x81, closed: true });
  });

  it('User Property twice is allowed', () => {
    const bed = setup();
    const client = connected(bed, 'x', 5);
    client.raw(publishWith('26 0001 61 0001 62 26 0001 61 0001 63'));
    expect(client.take().map((p) => p.type)).toEqual(['PUBACK']);
  });
});

describe('Response Topic (MQTT-3.3.2-14)', () => {
  for (const topic of ['a/+', 'a/#', '#']) {
    it(`a PUBLISH whose Response Topic is "${topic}" gets DISCONNECT 0x82 and is not routed`, () => {
      const bed = setup();
      const subscriber = connected(bed, 'sub', 5);
      subscriber.subscribe('t', 1);
      const client = connected(bed, 'x', 5);
      client.send({ type: 'PUBLISH', dup: false, qos: 1, retain: false, topic: 't', packetId: 1, payload: new Uint8Array([1]), properties: { responseTopic: topic } });
      const got = client.take();
      expect(got.map((p) => p.type)).toEqual(['DISCONNECT']);
      expect((got[0] as { reasonCode?: number }).reasonCode).toBe(0x82);
      expect(subscriber.publishes()).toEqual([]);
    });
  }

  it('a Response Topic without wildcards is forwarded', () => {
    const bed = setup();
    const subscriber = connected(bed, 'sub', 5);
    subscriber.subscribe('t', 1);
    const client = connected(bed, 'x', 5);
    client.publish('t', 'q', 1, { properties: { responseTopic: 'reply/to/me' } });
    expect(subscriber.publishes()[0]?.properties?.responseTopic).toBe('reply/to/me');
  });
});

describe('MQTT 3.1 CONNECT: no reserved bits yet (they came with 3.1.1, MQTT-3.1.2-3 and MQTT-2.2.2-1)', () => {
  // "MQIsdp", level 3, connect flags, keepalive 60, client id "old".
  const connect31 = (first: string, flags: string) => `${first} 11 0006 4d5149736470 03 ${flags} 003c 0003 6f6c64`;
  const connect311 = (first: string, flags: string) => `${first} 0f 0004 4d515454 04 ${flags} 003c 0003 6f6c64`;

  const outcome = (client: FakeClient) => ({ packets: client.take().map((p) => p.type === 'CONNACK' ? `CONNACK ${p.reasonCode}` : p.type), closed: client.closed });

  it('accepts a 3.1 CONNECT with the reserved connect-flag bit set, as mosquitto does', () => {
    const bed = setup();
    const client = bed.client(3);
    client.raw(connect31('10', '03'));
    expect(outcome(client)).toEqual({ packets: ['CONNACK 0'], closed: false });
  });

  for (const first of ['18', '12', '11', '1f']) {
    it(`accepts a 3.1 CONNECT whose fixed header is 0x${first} (DUP/QoS/RETAIN bits set)`, () => {
      const bed = setup();
      const client = bed.client(3);
      client.raw(connect31(first, '02'));
      expect(outcome(client)).toEqual({ packets: ['CONNACK 0'], closed: false });
    });
  }

  it('still closes a 3.1.1 CONNECT with the reserved connect-flag bit set (MQTT-3.1.2-3)', () => {
    const bed = setup();
    const client = bed.client(4);
    client.raw(connect311('10', '03'));
    expect(outcome(client)).toEqual({ packets: [], closed: true });
    expect(bed.eventsOf('protocol-error')[0]?.rule).toBe('MQTT-3.1.2-3');
  });

  it('still closes a 3.1.1 CONNECT with fixed-header flags set (MQTT-2.2.2-1)', () => {
    const bed = setup();
    const client = bed.client(4);
    client.raw(connect311('12', '02'));
    expect(outcome(client)).toEqual({ packets: [], closed: true });
  });

  it('a 3.1 client connected that way works normally', () => {
    const bed = setup();
    const client = bed.client(3);
    client.raw(connect31('12', '03'));
    client.take();
    client.raw(encodePacket({ type: 'PINGREQ' }, { protocolVersion: 3 }));
    expect(client.take().map((p) => p.type)).toEqual(['PINGRESP']);
  });
});
