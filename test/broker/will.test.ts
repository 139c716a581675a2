import { describe, expect, it } from 'vitest';
import type { ProtocolVersion, Will } from '../../src/mqtt/codec/index.ts';
import { connected, setup, str, text, type TestBed } from './helpers.ts';

const will = (extra: Partial<Will> = {}): Will => ({ topic: 'status/device', payload: text('offline'), qos: 1, retain: false, ...extra });

function watcher(bed: TestBed) {
  const client = connected(bed, 'watcher', 4);
  client.subscribe('status/#', 1);
  return client;
}

describe('wills', () => {
  it.each([3, 4, 5] as ProtocolVersion[])('publishes the will when the network connection is lost (protocol level %i)', (version) => {
    const bed = setup();
    const watch = watcher(bed);
    const device = connected(bed, 'device', version, { will: will() });
    device.drop();
    const [message] = watch.publishes();
    expect(message).toMatchObject({ topic: 'status/device', qos: 1 });
    expect(str(message!.payload)).toBe('offline');
    expect(bed.eventsOf('will-published').map((e) => e.clientId)).toEqual(['device']);
  });

  it.each([3, 4, 5] as ProtocolVersion[])('discards the will on a normal DISCONNECT (MQTT-3.14.4-3, level %i)', (version) => {
    const bed = setup();
    const watch = watcher(bed);
    const device = connected(bed, 'device', version, { will: will() });
    device.disconnect();
    device.drop();
    expect(watch.publishes()).toEqual([]);
    expect(bed.eventsOf('will-published')).toEqual([]);
  });

  it('publishes the will after DISCONNECT 0x04 "Disconnect with Will Message" (5.0)', () => {
    const bed = setup();
    const watch = watcher(bed);
    connected(bed, 'device', 5, { will: will() }).disconnect(0x04);
    expect(watch.publishes().map((p) => p.topic)).toEqual(['status/device']);
  });

  it('publishes the will after a 5.0 DISCONNECT with an error reason code: only 0x00 discards it (MQTT-3.1.2-10)', () => {
    const bed = setup();
    const watch = watcher(bed);
    connected(bed, 'device', 5, { will: will() }).disconnect(0x80);
    expect(watch.publishes().map((p) => p.topic)).toEqual(['status/device']);
  });

  it('publishes a retained will as retained (MQTT-3.1.2-17)', () => {
    const bed = setup();
    connected(bed, 'device', 4, { will: will({ retain: true }) }).drop();
    const late = connected(bed, 'late', 4);
    late.subscribe('status/device', 1);
    expect(late.publishes().map((p) => [p.topic, p.retain])).toEqual([['status/device', true]]);
  });

  it('closes a silent client after 1.5 × its keepalive and publishes its will (MQTT-3.1.2-24)', () => {
    const bed = setup();
    const watch = watcher(bed);
    const device = connected(bed, 'device', 4, { keepAlive: 10, will: will() });
    bed.advance(14_750);
    expect(device.closed).toBe(false);
    bed.advance(250);
    expect(device.closed).toBe(true);
    expect(bed.eventsOf('keepalive-expired').map((e) => [e.clientId, e.time - 1_000_000])).toEqual([['device', 15_000]]);
    expect(watch.publishes().map((p) => p.topic)).toEqual(['status/device']);
  });

  it('keeps a client that pings within its keepalive', () => {
    const bed = setup();
    const device = connected(bed, 'device', 4, { keepAlive: 10 });
    for (let i = 0; i < 6; i++) {
      bed.advance(10_000);
      device.send({ type: 'PINGREQ' });
      expect(device.take()).toEqual([{ type: 'PINGRESP' }]);
    }
    expect(device.closed).toBe(false);
  });

  it('tells a 5.0 client DISCONNECT 0x8D when its keepalive runs out', () => {
    const bed = setup();
    const device = connected(bed, 'device', 5, { keepAlive: 2 });
    bed.advance(3000);
    expect(device.next('DISCONNECT').reasonCode).toBe(0x8d);
    expect(device.closed).toBe(true);
  });

  it('holds a 5.0 client to the Server Keep Alive it was given', () => {
    const bed = setup({ serverKeepAlive: 4 });
    const device = bed.client(5);
    expect(device.connect({ clientId: 'd', keepAlive: 600 }).properties?.serverKeepAlive).toBe(4);
    bed.advance(6000);
    expect(device.closed).toBe(true);
  });

  it('delays a 5.0 will by its Will Delay Interval', () => {
    const bed = setup();
    const watch = watcher(bed);
    const device = connected(bed, 'device', 5, { properties: { sessionExpiryInterval: 300 }, will: will({ properties: { willDelayInterval: 30 } }) });
    device.drop();
    expect(bed.eventsOf('will-scheduled').map((e) => e.publishAt - 1_000_000)).toEqual([30_000]);
    bed.advance(29_750);
    expect(watch.publishes()).toEqual([]);
    bed.advance(250);
    expect(watch.publishes().map((p) => p.topic)).toEqual(['status/device']);
  });

  it('does not send a delayed will if the client reconnects in time (MQTT-3.1.3-9)', () => {
    const bed = setup();
    const watch = watcher(bed);
    connected(bed, 'device', 5, { properties: { sessionExpiryInterval: 300 }, will: will({ properties: { willDelayInterval: 30 } }) }).drop();
    bed.advance(10_000);
    connected(bed, 'device', 5, { cleanSession: false, properties: { sessionExpiryInterval: 300 } });
    bed.advance(60_000);
    expect(watch.publishes()).toEqual([]);
    expect(bed.eventsOf('will-discarded').map((e) => e.clientId)).toEqual(['device']);
  });

  it('publishes a delayed will when the session ends first (MQTT-3.1.2-8)', () => {
    const bed = setup();
    const watch = watcher(bed);
    connected(bed, 'device', 5, { properties: { sessionExpiryInterval: 5 }, will: will({ properties: { willDelayInterval: 30 } }) }).drop();
    bed.advance(4_750);
    expect(watch.publishes()).toEqual([]);
    bed.advance(250);
    expect(watch.publishes().map((p) => p.topic)).toEqual(['status/device']);
    expect(bed.eventsOf('will-published')[0]?.time).toBe(bed.eventsOf('session-expired')[0]?.time);
  });

  it('publishes a delayed will at once when the session ends with the connection (expiry 0)', () => {
    const bed = setup();
    const watch = watcher(bed);
    connected(bed, 'device', 5, { will: will({ properties: { willDelayInterval: 30 } }) }).drop();
    expect(watch.publishes().map((p) => p.topic)).toEqual(['status/device']);
  });

  it('publishes a delayed will when a Clean Start connection discards the session', () => {
    const bed = setup();
    const watch = watcher(bed);
    connected(bed, 'device', 5, { properties: { sessionExpiryInterval: 300 }, will: will({ properties: { willDelayInterval: 30 } }) }).drop();
    connected(bed, 'device', 5, { cleanSession: true });
    expect(watch.publishes().map((p) => p.topic)).toEqual(['status/device']);
  });

  it('forwards the will properties and starts its Message Expiry when it is published', () => {
    const bed = setup();
    const sub = connected(bed, 'sub', 5);
    sub.subscribe('status/#', 1);
    connected(bed, 'device', 5, {
      will: will({ properties: { contentType: 'text/plain', messageExpiryInterval: 60, userProperties: [['a', '1'], ['b', '2']] } }),
    }).drop();
    const [message] = sub.publishes();
    expect(message?.properties).toEqual({ contentType: 'text/plain', userProperties: [['a', '1'], ['b', '2']], messageExpiryInterval: 60 });
  });

  it('publishes no will for a $SYS topic', () => {
    const bed = setup();
    const sub = connected(bed, 'sub', 4);
    sub.subscribe('$SYS/#', 0);
    connected(bed, 'device', 4, { will: will({ topic: '$SYS/broker/fake' }) }).drop();
    expect(sub.publishes()).toEqual([]);
    expect(bed.eventsOf('message-dropped').map((e) => e.why)).toEqual(['not-authorized']);
  });
});
