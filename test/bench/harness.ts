/**
 * Interleaved A-B / B-A timing in one process: each round runs both contenders for a fixed slice
 * of time, alternating which goes first, so drift (JIT warm-up, GC, a busy neighbour core)
 * lands on both. The figure that matters is the median of the per-round ratios.
 */
import { performance } from 'node:perf_hooks';

export interface BenchRow {
  name: string;
  ours: number;
  peer: number;
  peerName: string;
  ratio: number;
  unit: string;
  target?: number;
}

export interface CompareOptions {
  rounds?: number;
  sliceMs?: number;
  /** Operations per call of the function (e.g. 100 packets per read), so rates are per operation. */
  opsPerCall?: number;
  unit?: string;
  target?: number;
  peerName?: string;
}

function rate(fn: () => void, sliceMs: number, opsPerCall: number): number {
  let calls = 0;
  let batch = 1;
  const start = performance.now();
  let elapsed = 0;
  while (elapsed < sliceMs) {
    for (let i = 0; i < batch; i++) fn();
    calls += batch;
    elapsed = performance.now() - start;
    if (elapsed < sliceMs / 20) batch *= 2;
  }
  return (calls * opsPerCall) / (elapsed / 1000);
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};

export function compare(name: string, ours: () => void, peer: () => void, options: CompareOptions = {}): BenchRow {
  const rounds = options.rounds ?? 7;
  const sliceMs = options.sliceMs ?? 150;
  const opsPerCall = options.opsPerCall ?? 1;
  // Warm both up so the first round does not time the JIT.
  rate(ours, 50, opsPerCall);
  rate(peer, 50, opsPerCall);
  const oursRates: number[] = [];
  const peerRates: number[] = [];
  const ratios: number[] = [];
  for (let round = 0; round < rounds; round++) {
    let a: number;
    let b: number;
    if (round % 2 === 0) { a = rate(ours, sliceMs, opsPerCall); b = rate(peer, sliceMs, opsPerCall); }
    else { b = rate(peer, sliceMs, opsPerCall); a = rate(ours, sliceMs, opsPerCall); }
    oursRates.push(a);
    peerRates.push(b);
    ratios.push(a / b);
  }
  const row: BenchRow = { name, ours: median(oursRates), peer: median(peerRates), peerName: options.peerName ?? 'peer', ratio: median(ratios), unit: options.unit ?? 'ops/s' };
  if (options.target !== undefined) row.target = options.target;
  return row;
}

const human = (n: number) => (n >= 1e6 ? `${(n / 1e6).toFixed(2)} M` : n >= 1e3 ? `${(n / 1e3).toFixed(1)} k` : n.toFixed(0));

export function printTable(title: string, rows: BenchRow[]): void {
  console.log(`\n${title}`);
  const nameWidth = Math.max(...rows.map((r) => r.name.length), 4);
  console.log(`${'case'.padEnd(nameWidth)}  ${'ours'.padStart(12)}  ${'peer'.padStart(12)}  ${'ratio'.padStart(7)}  target`);
  for (const r of rows) {
    const target = r.target === undefined ? '' : `${r.ratio >= r.target ? 'met' : 'MISSED'} (≥ ${r.target}×)`;
    console.log(`${r.name.padEnd(nameWidth)}  ${`${human(r.ours)} ${r.unit}`.padStart(12)}  ${`${human(r.peer)} ${r.unit}`.padStart(12)}  ${`${r.ratio.toFixed(2)}×`.padStart(7)}  ${target}`);
  }
}

export function isMain(metaUrl: string): boolean {
  return process.argv[1] !== undefined && metaUrl === new URL(`file://${process.argv[1]}`).href;
}
