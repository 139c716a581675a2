/**
 * What packet handlers, delivery and wills need from the broker: its state and the operations
 * that change it. Handlers receive it as an argument (they never reach through a connection for
 * it), and the broker implements it, so nothing below the broker imports broker.ts.
 */
import type { QoS } from '../codec/index.ts';
import type { BrokerConnection } from './connection.ts';
import type { Delivery, Message } from './message.ts';
import type { RetainedStore } from './retained-store.ts';
import type { Session, SubscriptionRecord } from './session.ts';
import type { BrokerEvent, BrokerEventType, Clock, IdSource, MessageDroppedEvent, ResolvedBrokerOptions } from './types.ts';

export interface BrokerCore {
  readonly clock: Clock;
  readonly ids: IdSource;
  readonly options: ResolvedBrokerOptions;
  /** Sessions by client id. */
  readonly sessions: ReadonlyMap<string, Session>;
  readonly retained: RetainedStore;
  /** Runs `task` now, or after the task in progress (for work that resumes later, e.g. an async authentication step). */
  run(task: () => void): void;
  nextMessageId(): number;
  /** Takes an Application Message: retained store, then every matching subscription. Returns the number of copies. */
  route(message: Message): number;
  /** Returns true when it replaced a subscription with the same filter. */
  addSubscription(session: Session, record: SubscriptionRecord): boolean;
  removeSubscription(session: Session, filter: string): boolean;
  createSession(clientId: string, connection: BrokerConnection, expiryInterval: number): Session;
  endSession(session: Session, why: 'session-expired' | 'session-discarded'): void;
  /** The open connection with this id, if any. */
  connectionById(id: string): BrokerConnection | undefined;
  wants(type: BrokerEventType): boolean;
  emit(event: BrokerEvent): void;
  emitDropped(clientId: string | null, message: Message, qos: QoS, why: MessageDroppedEvent['why']): void;
  emitQueued(session: Session, delivery: Delivery, why: 'offline' | 'inflight-window-full'): void;
}
