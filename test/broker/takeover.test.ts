import { describe, expect, it } from 'vitest';
import { connected, setup, str, text, type FakeClient, type TestBed } from './helpers.ts';

describe('client id takeover', () => {
  it('closes the existing 3.1.1 connection when the same client id connects again (MQTT-3.1.4-2)', () => {
    const bed = setup();
    const first = connected(bed, 'dup', 4);
    const second = connected(bed, 'dup', 4);
    expect(first.closed).toBe(true);
    expect(first.take()).toEqual([]);
    expect(second.closed).toBe(false);
    expect(bed.eventsOf('client-taken-over')).toMatchObject([{ clientId: 'dup', oldConnectionId: first.connection.id, newConnectionId: second.connection.id }]);
    expect(bed.eventsOf('client-disconnected').map((e) => e.cause)).toEqual(['taken-over']);
  });

  it('tells the existing 5.0 connection DISCONNECT 0x8E Session taken over (MQTT-3.1.4-3)', () => {
    const bed = setup();
    const first = connected(bed, 'dup', 5);
    connected(bed, 'dup', 5);
    expect(first.next('DISCONNECT').reasonCode).toBe(0x8e);
    expect(first.closed).toBe(true);
  });

  it("publishes the old connection's will on takeover", () => {
    const bed = setup();
    const watch = connected(bed, 'watch', 4);
    watch.subscribe('status/#', 0);
    connected(bed, 'dup', 4, { will: { topic: 'status/dup', payload: text('offline'), qos: 0, retain: false } });
    connected(bed, 'dup', 4);
    expect(watch.publishes().map((p) => str(p.payload))).toEqual(['offline']);
  });

  it('discards, as mosquitto does, the will of a persistent session that is taken over and resumed', () => {
    const bed = setup();
    const watch = connected(bed, 'watch', 4);
    watch.subscribe('status/#', 0);
    connected(bed, 'dup', 4, { cleanSession: false, will: { topic: 'status/dup', payload: text('offline'), qos: 0, retain: false } });
    connected(bed, 'dup', 4, { cleanSession: false });
    expect(watch.publishes()).toEqual([]);
    expect(bed.eventsOf('will-discarded').map((e) => e.reason)).toEqual(['the session was taken over and carries on']);
    // …but publishes it when the new connection starts clean, ending the old session.
    connected(bed, 'dup2', 4, { cleanSession: false, will: { topic: 'status/dup2', payload: text('offline'), qos: 0, retain: false } });
    connected(bed, 'dup2', 4, { cleanSession: true });
    expect(watch.publishes().map((p) => p.topic)).toEqual(['status/dup2']);
  });

  it('hands a persistent session to the new connection, with its unacknowledged messages', () => {
    const bed = setup();
    const first = connected(bed, 'dup', 4, { cleanSession: false });
    first.subscribe('t', 1);
    connected(bed, 'pub', 4).publish('t', 'pending', 1);
    expect(first.publishes()).toHaveLength(1); // never acknowledged
    const second = bed.client(4);
    expect(second.connect({ clientId: 'dup', cleanSession: false }).sessionPresent).toBe(true);
    expect(second.publishes().map((p) => [p.dup, str(p.payload)])).toEqual([[true, 'pending']]);
  });

  it('ends a 5.0 session with expiry 0 on takeover, so the new connection starts afresh (5.0 §3.1.4)', () => {
    const bed = setup();
    const first = connected(bed, 'dup', 5);
    first.subscribe('t', 1);
    const second = bed.client(5);
    expect(second.connect({ clientId: 'dup', cleanSession: false }).sessionPresent).toBe(false);
    expect(bed.eventsOf('session-expired').map((e) => e.clientId)).toEqual(['dup']);
  });

  it('does not send a delayed will when the session is taken over and resumed', () => {
    const bed = setup();
    const watch = connected(bed, 'watch', 4);
    watch.subscribe('status/#', 0);
    connected(bed, 'dup', 5, {
      properties: { sessionExpiryInterval: 60 },
      will: { topic: 'status/dup', payload: text('offline'), qos: 0, retain: false, properties: { willDelayInterval: 5 } },
    });
    connected(bed, 'dup', 5, { cleanSession: false, properties: { sessionExpiryInterval: 60 } });
    bed.advance(10_000);
    expect(watch.publishes()).toEqual([]);
  });

  /**
   * The production problem: two devices flashed with the same client id, both with MQTT.js-style
   * auto-reconnect (1 s). Each connect takes the other over; each loss triggers a reconnect; the
   * broker log fills with takeovers and the "offline" will flaps forever.
   */
  function runFleet(bed: TestBed, ids: string[], seconds: number) {
    const watch = connected(bed, 'dashboard', 4);
    watch.subscribe('status/+', 0);
    interface Device { id: string; client: FakeClient | null; reconnectAt: number }
    const devices: Device[] = ids.map((id) => ({ id, client: null, reconnectAt: bed.clock.now() }));
    const connect = (device: Device) => {
      device.client = connected(bed, device.id, 4, {
        keepAlive: 60, will: { topic: `status/${device.id}`, payload: text('offline'), qos: 0, retain: false },
      });
    };
    const end = bed.clock.now() + seconds * 1000;
    while (bed.clock.now() < end) {
      for (const device of devices) {
        if (device.client !== null && device.client.closed) {
          device.client = null;
          device.reconnectAt = bed.clock.now() + 1000;
        }
        if (device.client === null && bed.clock.now() >= device.reconnectAt) connect(device);
      }
      bed.advance(250);
    }
    return { takeovers: bed.eventsOf('client-taken-over').length, wills: watch.publishes().length };
  }

  it('reproduces two clients with the same id and auto-reconnect knocking each other off', () => {
    const { takeovers, wills } = runFleet(setup(), ['sensor', 'sensor'], 10);
    // One takeover when the second device starts, then about one per reconnect period (1 s + detection).
    expect(takeovers).toBeGreaterThanOrEqual(8);
    expect(wills).toBe(takeovers);
  });

  it('shows that unique client ids fix it', () => {
    const { takeovers, wills } = runFleet(setup(), ['sensor-1', 'sensor-2'], 10);
    expect(takeovers).toBe(0);
    expect(wills).toBe(0);
  });
});
