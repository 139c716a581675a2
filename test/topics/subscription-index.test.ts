/**
 * SubscriptionIndex: add / replace / remove semantics, several keys per filter, iteration, the
 * '$' rule, very deep topics, and 100k subscriptions checked against the reference `matches`.
 */
import { describe, expect, it } from 'vitest';
import { matches, SubscriptionIndex, type IndexEntry } from '../../src/mqtt/topics/index.ts';

const byFilterThenKey = <T>(entries: Array<IndexEntry<T>>) =>
  [...entries].sort((a, b) => (a.filter === b.filter ? (a.key < b.key ? -1 : a.key > b.key ? 1 : 0) : a.filter < b.filter ? -1 : 1));

describe('add, replace and remove', () => {
  it('starts empty and matches nothing', () => {
    const index = new SubscriptionIndex<number>();
    expect(index.size).toBe(0);
    expect(index.match('a')).toEqual([]);
    expect([...index.filters()]).toEqual([]);
  });

  it('finds an added subscription with its value', () => {
    const index = new SubscriptionIndex<{ qos: number }>();
    index.add('sport/+', 'client-1', { qos: 1 });
    expect(index.size).toBe(1);
    expect(index.match('sport/tennis')).toEqual([{ filter: 'sport/+', key: 'client-1', value: { qos: 1 } }]);
    expect(index.match('sport')).toEqual([]);
    expect(index.get('sport/+', 'client-1')).toEqual({ qos: 1 });
    expect(index.has('sport/+', 'client-1')).toBe(true);
    expect(index.has('sport/+', 'client-2')).toBe(false);
  });

  it('replaces the value when the same (filter, key) is added again', () => {
    const index = new SubscriptionIndex<number>();
    index.add('a/b', 'k', 1);
    const before = index.match('a/b');
    index.add('a/b', 'k', 2);
    expect(index.size).toBe(1);
    expect(index.match('a/b')).toEqual([{ filter: 'a/b', key: 'k', value: 2 }]);
    // Entries handed out earlier are not changed behind the caller's back.
    expect(before).toEqual([{ filter: 'a/b', key: 'k', value: 1 }]);
  });

  it('keeps one entry per key on the same filter', () => {
    const index = new SubscriptionIndex<string>();
    index.add('a/#', 'k1', 'x');
    index.add('a/#', 'k2', 'y');
    index.add('a/#', 'k3', 'z');
    expect(index.size).toBe(3);
    expect(byFilterThenKey(index.match('a/b/c')).map((e) => `${e.key}=${e.value}`)).toEqual(['k1=x', 'k2=y', 'k3=z']);
    expect([...index.filters()]).toEqual(['a/#']);
  });

  it('keeps the same key on different filters apart', () => {
    const index = new SubscriptionIndex<number>();
    index.add('a/+', 'k', 1);
    index.add('a/b', 'k', 2);
    index.add('#', 'k', 3);
    expect(byFilterThenKey(index.match('a/b')).map((e) => [e.filter, e.value])).toEqual([['#', 3], ['a/+', 1], ['a/b', 2]]);
  });

  it('removes one entry and reports whether it existed', () => {
    const index = new SubscriptionIndex<number>();
    index.add('a/b', 'k1', 1);
    index.add('a/b', 'k2', 2);
    expect(index.remove('a/b', 'k1')).toBe(true);
    expect(index.remove('a/b', 'k1')).toBe(false);
    expect(index.remove('a/c', 'k2')).toBe(false);
    expect(index.remove('a/b', 'nobody')).toBe(false);
    expect(index.size).toBe(1);
    expect(index.match('a/b')).toEqual([{ filter: 'a/b', key: 'k2', value: 2 }]);
  });

  it('forgets a filter when its last entry is removed, and can add it again', () => {
    const index = new SubscriptionIndex<number>();
    index.add('a/+/c', 'k', 1);
    index.add('a/b', 'k', 2);
    expect(index.remove('a/+/c', 'k')).toBe(true);
    expect([...index.filters()]).toEqual(['a/b']);
    expect(index.match('a/x/c')).toEqual([]);
    // The shared prefix "a" must survive for "a/b".
    expect(index.match('a/b')).toHaveLength(1);
    index.add('a/+/c', 'k', 3);
    expect(index.match('a/x/c')).toEqual([{ filter: 'a/+/c', key: 'k', value: 3 }]);
  });

  it('removes from a filter with many subscribers, in any order', () => {
    const index = new SubscriptionIndex<number>();
    for (let i = 0; i < 100; i++) index.add('big/#', `k${i}`, i);
    // Remove every third, from the middle outwards, to exercise the swap-with-last removal.
    const removed = new Set<number>();
    for (let i = 50; i >= 0; i -= 3) { expect(index.remove('big/#', `k${i}`)).toBe(true); removed.add(i); }
    for (let i = 51; i < 100; i += 3) { expect(index.remove('big/#', `k${i}`)).toBe(true); removed.add(i); }
    const expected = Array.from({ length: 100 }, (_, i) => i).filter((i) => !removed.has(i));
    expect(index.match('big').map((e) => e.value).sort((a, b) => a - b)).toEqual(expected);
    expect(index.size).toBe(expected.length);
    for (const i of expected) expect(index.get('big/#', `k${i}`)).toBe(i);
    // Replacing works after the moves too.
    index.add('big/#', `k${expected[0]}`, -1);
    expect(index.size).toBe(expected.length);
    expect(index.get('big/#', `k${expected[0]}`)).toBe(-1);
  });

  it('iterates over filters and entries', () => {
    const index = new SubscriptionIndex<number>();
    index.add('a', 'k1', 1);
    index.add('a', 'k2', 2);
    index.add('b/+', 'k1', 3);
    expect([...index.filters()].sort()).toEqual(['a', 'b/+']);
    expect(byFilterThenKey([...index.entries()])).toEqual([
      { filter: 'a', key: 'k1', value: 1 }, { filter: 'a', key: 'k2', value: 2 }, { filter: 'b/+', key: 'k1', value: 3 },
    ]);
  });

  it('clears everything', () => {
    const index = new SubscriptionIndex<number>();
    index.add('#', 'k', 1);
    index.add('a', 'k', 2);
    index.clear();
    expect(index.size).toBe(0);
    expect(index.match('a')).toEqual([]);
    expect([...index.filters()]).toEqual([]);
    index.add('a', 'k', 3);
    expect(index.match('a')).toEqual([{ filter: 'a', key: 'k', value: 3 }]);
  });

  it('rejects an invalid filter with the rule in the message', () => {
    const index = new SubscriptionIndex<number>();
    expect(() => index.add('a/#/b', 'k', 1)).toThrow(/MQTT-4\.7\.1-2/);
    expect(() => index.add('sport+', 'k', 1)).toThrow(TypeError);
    expect(() => index.add('', 'k', 1)).toThrow(/MQTT-4\.7\.3-1/);
    expect(index.size).toBe(0);
  });

  it('stores a $share filter as given, without interpreting it', () => {
    const index = new SubscriptionIndex<number>();
    index.add('$share/g/a', 'k', 1);
    expect(index.match('a')).toEqual([]);
    expect(index.match('$share/g/a')).toHaveLength(1);
  });
});

describe('matching rules', () => {
  it("does not match '$' topics with a leading wildcard but does with a literal $ level", () => {
    const index = new SubscriptionIndex<string>();
    for (const f of ['#', '+/broker/uptime', '+/#', '$SYS/#', '$SYS/+/uptime', 'a/#']) index.add(f, 'k', f);
    expect(index.match('$SYS/broker/uptime').map((e) => e.value).sort()).toEqual(['$SYS/#', '$SYS/+/uptime']);
    expect(index.match('SYS/broker/uptime').map((e) => e.value).sort()).toEqual(['#', '+/#', '+/broker/uptime']);
    expect(index.match('a/$x').map((e) => e.value).sort()).toEqual(['#', '+/#', 'a/#']);
  });

  it("matches the parent level with '#'", () => {
    const index = new SubscriptionIndex<number>();
    index.add('sport/#', 'k', 1);
    index.add('sport/tennis/#', 'k', 2);
    expect(index.match('sport').map((e) => e.value)).toEqual([1]);
    expect(index.match('sport/tennis').map((e) => e.value).sort()).toEqual([1, 2]);
    expect(index.match('sports')).toEqual([]);
  });

  it("matches empty levels literally and with '+'", () => {
    const index = new SubscriptionIndex<string>();
    for (const f of ['a//b', 'a/+/b', '/', '+/+', '+', '/#']) index.add(f, 'k', f);
    expect(index.match('a//b').map((e) => e.value).sort()).toEqual(['a/+/b', 'a//b']);
    expect(index.match('/').map((e) => e.value).sort()).toEqual(['+/+', '/', '/#']);
    expect(index.match('a/b').map((e) => e.value).sort()).toEqual(['+/+']);
  });

  it('matches a 150-level deep topic', () => {
    const levels = Array.from({ length: 150 }, (_, i) => `l${i}`);
    const name = levels.join('/');
    const index = new SubscriptionIndex<string>();
    const plusEverywhere = levels.map(() => '+').join('/');
    const plusAtOdd = levels.map((l, i) => (i % 2 ? '+' : l)).join('/');
    const hashAt120 = `${levels.slice(0, 120).join('/')}/#`;
    const tooLong = `${name}/l150`;
    const tooShort = levels.slice(0, 149).join('/');
    for (const f of [name, plusEverywhere, plusAtOdd, hashAt120, tooLong, tooShort, `${name}/#`]) index.add(f, 'k', f);
    const got = index.match(name).map((e) => e.value).sort();
    expect(got).toEqual([name, `${name}/#`, plusEverywhere, plusAtOdd, hashAt120].sort());
    for (const f of [...index.filters()]) expect(matches(f, name), f.slice(-20)).toBe(got.includes(f));
  });

  it('matches a topic of 30000 levels without running out of stack', () => {
    const name = '/'.repeat(30_000);
    const filter = Array.from({ length: 30_001 }, (_, i) => (i % 2 ? '+' : '')).join('/');
    const index = new SubscriptionIndex<number>();
    index.add(filter, 'k', 1);
    index.add('#', 'k', 2);
    index.add(`${filter}/x`, 'k', 3);
    expect(index.match(name).map((e) => e.value).sort()).toEqual([1, 2]);
  });

  it('returns each (filter, key) entry once', () => {
    const index = new SubscriptionIndex<number>();
    const filters = ['#', '+/#', '+/+/#', 'a/#', 'a/+/#', 'a/b/#', '+/+/+', 'a/+/c', '+/b/c', 'a/b/c'];
    filters.forEach((f, i) => { index.add(f, 'x', i); index.add(f, 'y', i); });
    const got = index.match('a/b/c');
    expect(got).toHaveLength(filters.length * 2);
    expect(new Set(got.map((e) => `${e.filter}|${e.key}`)).size).toBe(filters.length * 2);
  });
});

/** Same idea as the benchmark's generator: a seeded PRNG so a failure can be reproduced. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('at scale', () => {
  it('agrees with the reference matcher with 100k subscriptions, and after removing half', () => {
    const random = mulberry32(42);
    const words = ['', '$SYS', 'a', 'b', 'c', 'home', 'kitchen', 'temp', 'Temp', '温度', ...Array.from({ length: 40 }, (_, i) => `w${i}`)];
    const word = () => words[Math.floor(random() * words.length)]!;
    const filters: string[] = [];
    for (let i = 0; i < 100_000; i++) {
      const depth = 1 + Math.floor(random() * 6);
      const levels = Array.from({ length: depth }, () => { const r = random(); return r < 0.2 ? '+' : word(); });
      if (random() < 0.15) levels.push('#');
      // A single empty level would be the empty string, which is not a filter (MQTT-4.7.3-1).
      filters.push(levels.join('/') || '/');
    }
    const names: string[] = [];
    for (let i = 0; i < 60; i++) {
      const depth = 1 + Math.floor(random() * 7);
      names.push(Array.from({ length: depth }, word).join('/') || '/');
    }
    // Names guaranteed to hit some filters: instances of subscribed filters.
    for (let i = 0; i < 60; i++) {
      const f = filters[Math.floor(random() * filters.length)]!.split('/');
      names.push(f.flatMap((l) => (l === '#' ? [] : [l === '+' ? word() : l])).join('/') || '/');
    }

    const index = new SubscriptionIndex<number>();
    filters.forEach((f, i) => index.add(f, `client-${i}`, i));
    expect(index.size).toBe(100_000);

    const check = (alive: (i: number) => boolean) => {
      let total = 0;
      for (const name of names) {
        const got = index.match(name).map((e) => e.value).sort((a, b) => a - b);
        const want: number[] = [];
        for (let i = 0; i < filters.length; i++) if (alive(i) && matches(filters[i]!, name)) want.push(i);
        expect(got, name).toEqual(want);
        total += want.length;
      }
      return total;
    };
    // The sample must actually exercise matching, not agree on empty sets.
    expect(check(() => true)).toBeGreaterThan(1000);

    for (let i = 0; i < filters.length; i += 2) expect(index.remove(filters[i]!, `client-${i}`)).toBe(true);
    expect(index.size).toBe(50_000);
    expect(check((i) => i % 2 === 1)).toBeGreaterThan(500);
  }, 120_000);
});
