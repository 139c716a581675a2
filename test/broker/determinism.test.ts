import { describe, expect, it } from 'vitest';
import { connected, setup, str, text, type TestBed } from './helpers.ts';

function script(bed: TestBed): string[] {
  const sub = connected(bed, 'sub', 5, { keepAlive: 5, properties: { sessionExpiryInterval: 30, topicAliasMaximum: 3 } });
  sub.subscribe('a/#', 2, { subscriptionIdentifiers: [3] });
  const pub = connected(bed, 'pub', 4, { will: { topic: 'a/will', payload: text('bye'), qos: 1, retain: true } });
  pub.publish('a/1', 'one', 1);
  pub.publish('a/2', 'two', 2, { retain: true });
  bed.advance(3000);
  sub.drop();
  pub.publish('a/3', 'three', 1, {}, 2);
  bed.advance(20_000);
  connected(bed, 'sub', 5, { cleanSession: false, properties: { sessionExpiryInterval: 30 } });
  bed.advance(60_000);
  return bed.events.map((e) => JSON.stringify(e, (_k, v) => (v instanceof Uint8Array ? Buffer.from(v).toString('hex') : v)));
}

describe('determinism and limits', () => {
  it('produces the same bytes and the same log for the same inputs and clock', () => {
    const first = script(setup());
    const second = script(setup());
    expect(first.length).toBeGreaterThan(30);
    expect(second).toEqual(first);
  });

  it('routes topics deeper than 100 levels, with exact, + and # filters and the retained store', () => {
    const bed = setup();
    const levels = Array.from({ length: 150 }, (_, i) => `l${i}`);
    const topic = levels.join('/');
    const plusFilter = levels.map((l, i) => (i % 2 === 0 ? '+' : l)).join('/');
    const sub = connected(bed, 'sub', 5);
    expect(sub.subscribe([{ topicFilter: topic }, { topicFilter: plusFilter }, { topicFilter: `${levels.slice(0, 120).join('/')}/#` }], 1).reasonCodes).toEqual([1, 1, 1]);
    connected(bed, 'pub', 5).publish(topic, 'deep', 1, { retain: true });
    // Three overlapping filters of one 5.0 client: one copy (MQTT-3.3.4-2).
    expect(sub.publishes().map((p) => [p.topic.split('/').length, str(p.payload)])).toEqual([[150, 'deep']]);
    const late = connected(bed, 'late', 4);
    late.subscribe('#', 0);
    expect(late.publishes().map((p) => p.topic)).toEqual([topic]);
  });
});
