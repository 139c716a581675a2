/**
 * Deterministic time and ids for hosts that want them (tests, step-by-step widgets). A real host
 * passes `{ now: () => Date.now() }` and its own id source instead; the broker can't tell.
 */
import type { Clock, IdSource } from './types.ts';

export interface ManualClock extends Clock {
  /** Moves time forward by `ms` and returns the new time. */
  advance(ms: number): number;
  set(ms: number): void;
}

export function createManualClock(start = 0): ManualClock {
  let time = start;
  return {
    now: () => time,
    advance(ms: number) {
      if (!(ms >= 0)) throw new RangeError(`time only moves forward: advance(${ms})`);
      time += ms;
      return time;
    },
    set(ms: number) {
      if (ms < time) throw new RangeError(`time only moves forward: set(${ms}) at ${time}`);
      time = ms;
    },
  };
}

/** `c1`, `c2`, … and `auto-1`, `auto-2`, …: one counter per prefix. */
export function sequentialIds(): IdSource {
  const counters = new Map<string, number>();
  return {
    next(prefix: string) {
      const n = (counters.get(prefix) ?? 0) + 1;
      counters.set(prefix, n);
      return `${prefix}${n}`;
    },
  };
}
