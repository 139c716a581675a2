/**
 * Topic matching speed: our SubscriptionIndex against qlobber (the trie Aedes routes with) and
 * against mqtt-match (a filter-by-filter matcher, so a linear scan over every subscription), at
 * 1k, 10k and 100k subscriptions built by a seeded generator. Before timing, every published
 * topic must give the same set of matching filters from all three, or the bench aborts.
 *
 *   npx node --experimental-strip-types --no-warnings test/bench/topics.bench.ts
 */
// @ts-expect-error qlobber 8 ships no type declarations; QlobberLike below is the part we use.
import { Qlobber as QlobberUntyped } from 'qlobber';
import mqttMatch from 'mqtt-match';
import { SubscriptionIndex } from '../../src/mqtt/topics/index.ts';
import { compare, isMain, type BenchRow } from './harness.ts';

const Qlobber = QlobberUntyped as new (options: Record<string, unknown>) => QlobberLike;

interface QlobberLike {
  add(topic: string, value: number): unknown;
  match(topic: string): number[];
}

/** mulberry32: a tiny seeded PRNG, so every run benches the same subscriptions and topics. */
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

const range = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `${prefix}${i}`);

/**
 * Vocabulary per level position: site/building/floor/room/sensor/field/detail. The number of
 * buildings grows with the number of subscriptions, as a real fleet would: with a fixed
 * vocabulary, 100k subscriptions would pile hundreds of subscribers onto each wildcard filter and
 * the bench would time copying the fan-out more than matching.
 */
function vocabulary(size: number): string[][] {
  return [
    ['campus-north', 'campus-south', 'plant-1', 'plant-2', 'hq'],
    range('building-', 4 + Math.ceil(size / 1000)),
    range('floor-', 30),
    range('room-', 120),
    ['temperature', 'humidity', 'co2', 'occupancy', 'light', 'door', 'window', 'motion', 'power', 'voltage', 'smoke', 'noise'],
    ['value', 'status', 'battery', 'config', 'alarm', 'rssi'],
    ['raw', 'avg-1m', 'avg-1h'],
  ];
}

function pick<T>(random: () => number, items: readonly T[]): T {
  return items[Math.floor(random() * items.length)]!;
}

function concreteLevels(random: () => number, words: string[][]): string[] {
  const depth = 3 + Math.floor(random() * 5); // 3..7 levels
  return Array.from({ length: depth }, (_, i) => pick(random, words[i]!));
}

/** ~60% literal, ~25% with one or two '+', ~15% ending in '#'. No filter starts with '$'. */
function makeFilters(count: number, seed: number, words: string[][]): string[] {
  const random = mulberry32(seed);
  const filters: string[] = [];
  for (let i = 0; i < count; i++) {
    const levels = concreteLevels(random, words);
    const kind = random();
    if (kind < 0.6) {
      // literal
    } else if (kind < 0.85) {
      levels[Math.floor(random() * levels.length)] = '+';
      // A second '+' only in deep filters: "site/+/+" would match a large share of all traffic.
      if (levels.length >= 5 && random() < 0.2) levels[Math.floor(random() * levels.length)] = '+';
    } else {
      // Keep at least site/building, and a '+' only below three levels: "site/#" or "site/+/#"
      // held by thousands of clients is not typical and would make the bench time the copying
      // of a huge fan-out rather than the matching.
      const keep = 2 + Math.floor(random() * (levels.length - 2));
      levels.length = keep;
      if (keep >= 3 && random() < 0.2) levels[1 + Math.floor(random() * (keep - 1))] = '+';
      levels.push('#');
    }
    filters.push(levels.join('/'));
  }
  return filters;
}

/** Half the topics are instances of subscribed filters (so they match something), half random. */
function makeTopics(filters: string[], count: number, seed: number, words: string[][]): string[] {
  const random = mulberry32(seed);
  const topics: string[] = [];
  for (let i = 0; i < count; i++) {
    if (i % 2 === 0) {
      topics.push(concreteLevels(random, words).join('/'));
      continue;
    }
    const levels = pick(random, filters).split('/');
    const concrete: string[] = [];
    for (let d = 0; d < levels.length; d++) {
      const level = levels[d]!;
      if (level === '#') {
        // zero or more further levels, the parent level included
        const extra = Math.floor(random() * 3);
        for (let e = 0; e < extra && concrete.length < words.length; e++) concrete.push(pick(random, words[concrete.length]!));
      } else {
        concrete.push(level === '+' ? pick(random, words[d]!) : level);
      }
    }
    topics.push(concrete.join('/'));
  }
  return topics;
}

interface Contenders {
  ours: SubscriptionIndex<number>;
  qlobber: QlobberLike;
  filters: string[];
}

function build(filters: string[]): Contenders {
  const ours = new SubscriptionIndex<number>();
  const q = new Qlobber({ separator: '/', wildcard_one: '+', wildcard_some: '#', match_empty_levels: true });
  filters.forEach((filter, i) => {
    ours.add(filter, `client-${i}`, i);
    q.add(filter, i);
  });
  return { ours, qlobber: q, filters };
}

function linearScan(filters: string[], topic: string): number[] {
  const out: number[] = [];
  for (let i = 0; i < filters.length; i++) if (mqttMatch(filters[i]!, topic)) out.push(i);
  return out;
}

const asFilterSet = (indices: Iterable<number>, filters: string[]) => [...new Set([...indices].map((i) => filters[i]!))].sort();

/** Aborts unless all three matchers give the same set of filters for every topic. */
function checkAgreement(c: Contenders, topics: string[]): number {
  let total = 0;
  for (const topic of topics) {
    const ours = asFilterSet(c.ours.match(topic).map((e) => e.value), c.filters);
    const peer = asFilterSet(c.qlobber.match(topic), c.filters);
    const scan = asFilterSet(linearScan(c.filters, topic), c.filters);
    const a = JSON.stringify(ours);
    if (a !== JSON.stringify(peer) || a !== JSON.stringify(scan)) {
      throw new Error(
        `Matchers disagree on ${JSON.stringify(topic)} with ${c.filters.length} subscriptions:\n` +
          `  ours:        ${a}\n  qlobber:     ${JSON.stringify(peer)}\n  mqtt-match:  ${JSON.stringify(scan)}`,
      );
    }
    total += ours.length;
  }
  return total;
}

let sink = 0;

export async function runTopicsBench(options: { sizes?: number[]; rounds?: number; sliceMs?: number } = {}): Promise<BenchRow[]> {
  const sizes = options.sizes ?? [1_000, 10_000, 100_000];
  const rounds = options.rounds ?? 7;
  const sliceMs = options.sliceMs ?? 200;
  const rows: BenchRow[] = [];
  for (const size of sizes) {
    const words = vocabulary(size);
    const filters = makeFilters(size, 0x5eed + size, words);
    const contenders = build(filters);
    const topics = makeTopics(filters, 1000, 0x70b1c + size, words);
    const matched = checkAgreement(contenders, topics);
    const label = `${size >= 1000 ? `${size / 1000}k` : size} subscriptions`;
    console.log(`${label}: ${topics.length} topics, all three matchers agree (${(matched / topics.length).toFixed(1)} distinct matching filters per topic)`);

    // Each call matches the next topic of the fixed list, round robin.
    let i = 0;
    let j = 0;
    const { ours, qlobber: q } = contenders;
    const n = topics.length;
    rows.push(compare(
      `match, ${label}`,
      () => { sink += ours.match(topics[i++ % n]!).length; },
      () => { sink += q.match(topics[j++ % n]!).length; },
      { rounds, sliceMs, peerName: 'qlobber', unit: 'match/s', target: 1 },
    ));
    // A linear scan costs one mqtt-match call per subscription: fewer, shorter rounds.
    let k = 0;
    let m = 0;
    rows.push(compare(
      `match vs mqtt-match scan, ${label}`,
      () => { sink += ours.match(topics[k++ % n]!).length; },
      () => { sink += linearScan(filters, topics[m++ % n]!).length; },
      { rounds: Math.min(rounds, size >= 100_000 ? 3 : 5), sliceMs, peerName: 'mqtt-match', unit: 'match/s' },
    ));
  }
  if (sink === -1) console.log('unreachable');
  return rows;
}

const human = (n: number) => (n >= 1e6 ? `${(n / 1e6).toFixed(2)} M` : n >= 1e3 ? `${(n / 1e3).toFixed(1)} k` : n.toFixed(0));

/** One line per size: each matcher's rate and the two median ratios. */
function printBySize(rows: BenchRow[]): void {
  const header = ['subscriptions', 'ours', 'qlobber', 'ours/qlobber', 'mqtt-match scan', 'ours/mqtt-match'];
  const lines: string[][] = [];
  for (let i = 0; i + 1 < rows.length; i += 2) {
    const q = rows[i]!;
    const m = rows[i + 1]!;
    lines.push([
      q.name.replace('match, ', '').replace(' subscriptions', ''),
      `${human(q.ours)}/s`, `${human(q.peer)}/s`, `${q.ratio.toFixed(2)}×${q.ratio >= 1 ? '' : '  (below 1×)'}`,
      `${human(m.peer)}/s`, `${m.ratio.toFixed(0)}×`,
    ]);
  }
  const widths = header.map((h, c) => Math.max(h.length, ...lines.map((l) => l[c]!.length)));
  const format = (cells: string[]) => cells.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join('  ');
  console.log('\nTopic matching, matches per second (median of interleaved rounds; ratios are medians of per-round ratios)');
  console.log(format(header));
  for (const line of lines) console.log(format(line));
}

if (isMain(import.meta.url)) {
  printBySize(await runTopicsBench());
}
