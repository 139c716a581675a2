/**
 * Interval timers on the lab's virtual clock, in the shape MQTT.js accepts as `timerVariant`
 * (`{ set(fn, ms), clear(id) }`, interval semantics). MQTT.js schedules its keepalive with them,
 * so a client's PINGREQs happen in virtual time, on the same clock as the broker's keepalive
 * deadline: advancing the clock by a minute makes a client with keepalive 10 s ping six times,
 * and the broker sees each ping at the right virtual moment. Nothing here reads a real clock.
 *
 * A group's timers can be paused: that is how the lab makes a client "stop sending pings" (a hung
 * process whose socket stays open). Its keepalive timer no longer fires, so no PINGREQ goes out
 * and the broker's 1.5 × keepalive deadline passes.
 */
import type { Clock } from '../broker/types.ts';

interface Interval {
  id: number;
  fn: () => void;
  every: number;
  next: number;
  group: TimerGroup;
}

/** The shape of MQTT.js's `Timer` (its `timerVariant` option). */
export interface IntervalTimer {
  set: (fn: () => void, ms: number) => number;
  clear: (id: number) => void;
}

export class TimerGroup {
  paused = false;
  readonly timer: IntervalTimer;
  private readonly owner: VirtualTimers;

  constructor(owner: VirtualTimers) {
    this.owner = owner;
    this.timer = {
      set: (fn, ms) => owner.add(this, fn, ms),
      clear: (id) => owner.remove(id),
    };
  }

  /** Resumes firing; intervals that were due while paused start afresh from now. */
  resume(): void {
    if (!this.paused) return;
    this.paused = false;
    this.owner.restart(this);
  }

  /** Forgets every interval of this group (the client object is discarded). */
  dispose(): void {
    this.owner.removeGroup(this);
  }
}

export class VirtualTimers {
  private readonly clock: Clock;
  private readonly intervals = new Map<number, Interval>();
  private nextId = 1;

  constructor(clock: Clock) {
    this.clock = clock;
  }

  group(): TimerGroup {
    return new TimerGroup(this);
  }

  /** @internal */
  add(group: TimerGroup, fn: () => void, ms: number): number {
    const id = this.nextId++;
    const every = Math.max(1, Math.floor(ms));
    this.intervals.set(id, { id, fn, every, next: this.clock.now() + every, group });
    return id;
  }

  /** @internal */
  remove(id: number): void {
    this.intervals.delete(id);
  }

  /** @internal */
  removeGroup(group: TimerGroup): void {
    for (const [id, interval] of this.intervals) if (interval.group === group) this.intervals.delete(id);
  }

  /** @internal */
  restart(group: TimerGroup): void {
    const now = this.clock.now();
    for (const interval of this.intervals.values()) if (interval.group === group) interval.next = now + interval.every;
  }

  /** The earliest time an unpaused interval fires, or null. */
  nextDue(): number | null {
    let next: number | null = null;
    for (const interval of this.intervals.values()) {
      if (interval.group.paused) continue;
      if (next === null || interval.next < next) next = interval.next;
    }
    return next;
  }

  /**
   * Fires every unpaused interval due at the clock's time, earliest first, once each (an interval
   * that fell behind catches up one firing per call, as a throttled browser timer does).
   * Returns how many fired.
   */
  fireDue(): number {
    const now = this.clock.now();
    const due = [...this.intervals.values()].filter((i) => !i.group.paused && i.next <= now).sort((a, b) => a.next - b.next || a.id - b.id);
    for (const interval of due) {
      if (!this.intervals.has(interval.id)) continue;
      interval.next = Math.max(interval.next + interval.every, now + 1);
      interval.fn();
    }
    return due.length;
  }

  get size(): number {
    return this.intervals.size;
  }
}
