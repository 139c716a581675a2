/**
 * npm run bench — every benchmark of the project, each as ratios against its peer measured in
 * this same process. Speed is claimed here, never in timed tests.
 */
import { existsSync } from 'node:fs';
import { runCodecBench } from './codec.bench.ts';
import { codecBundleSizes, printSizes } from './bundle-size.ts';
import { printTable, type BenchRow } from './harness.ts';

const only = process.argv.slice(2);
const wants = (name: string) => only.length === 0 || only.includes(name);

if (wants('codec')) {
  printTable('Codec: ours vs mqtt-packet (ops/s, median of 7 interleaved rounds)', runCodecBench());
  printSizes(await codecBundleSizes());
}

// Suites that live beside this file are picked up when they exist.
const suites: Array<{ name: string; file: string; run: string; title: string }> = [
  { name: 'topics', file: './topics.bench.ts', run: 'runTopicsBench', title: 'Topic matching: ours vs qlobber and mqtt-match' },
  { name: 'broker', file: './broker.bench.ts', run: 'runBrokerBench', title: 'Broker throughput: ours vs Aedes' },
  { name: 'soak', file: './broker-soak.ts', run: 'runSoakBench', title: 'Soak: ours vs mosquitto (messages/s over the whole soak; ratio = mosquitto time / our time, goal ≥ 1/1.2)' },
  { name: 'capture', file: './capture.bench.ts', run: 'runCaptureBench', title: 'Capture files: ours vs tshark (bytes of capture file per second, median of 3 interleaved rounds)' },
];
for (const suite of suites) {
  if (!wants(suite.name) || !existsSync(new URL(suite.file, import.meta.url))) continue;
  const module = (await import(suite.file)) as Record<string, () => Promise<BenchRow[]> | BenchRow[]>;
  const rows = await module[suite.run]!();
  if (Array.isArray(rows) && rows.length > 0 && 'ratio' in rows[0]!) printTable(suite.title, rows);
}
