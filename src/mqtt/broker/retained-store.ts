/**
 * Retained messages: the last message published with RETAIN=1 on each topic (3.1.1 §3.3.1.3,
 * 5.0 §3.3.1.3). Not part of any session, so they outlive every client (3.1.1 MQTT-3.1.2.7).
 */
import { matches } from '../topics/index.ts';
import { isExpired, type Message } from './message.ts';

export class RetainedStore {
  /** Topic → message, in the order topics were first retained (a replace keeps the place). */
  private readonly messages = new Map<string, Message>();

  get size(): number {
    return this.messages.size;
  }

  get(topic: string): Message | undefined {
    return this.messages.get(topic);
  }

  /** Stores or replaces (3.1.1 MQTT-3.3.1-5, 5.0 MQTT-3.3.1-5). */
  set(message: Message): void {
    this.messages.set(message.topic, message);
  }

  /** Removes; true if there was one (3.1.1 MQTT-3.3.1-10, 5.0 MQTT-3.3.1-6). */
  delete(topic: string): boolean {
    return this.messages.delete(topic);
  }

  /** Unexpired retained messages whose topic the filter matches, in store order. */
  match(filter: string, now: number): Message[] {
    const out: Message[] = [];
    for (const message of this.messages.values()) {
      if (!isExpired(message, now) && matches(filter, message.topic)) out.push(message);
    }
    return out;
  }

  /** Drops expired messages (5.0 §3.3.2.3.3) and returns them. */
  purgeExpired(now: number): Message[] {
    const gone: Message[] = [];
    for (const [topic, message] of this.messages) {
      if (isExpired(message, now)) {
        this.messages.delete(topic);
        gone.push(message);
      }
    }
    return gone;
  }

  values(): IterableIterator<Message> {
    return this.messages.values();
  }

  /** The earliest expiry among retained messages, or null. */
  nextExpiry(): number | null {
    let next: number | null = null;
    for (const message of this.messages.values()) {
      if (message.expiresAt !== undefined && (next === null || message.expiresAt < next)) next = message.expiresAt;
    }
    return next;
  }
}
