/**
 * Wills (3.1.1 §3.1.2.5, 5.0 §3.1.2.5 and §3.1.3.2.2). A will is published when the network
 * connection closes without a DISCONNECT that discards it: at once, or — 5.0 — after the Will
 * Delay Interval, or when the session ends, whichever comes first (MQTT-3.1.2-8). Reconnecting to
 * the session before then cancels it (MQTT-3.1.3-9).
 */
import type { Will } from '../codec/index.ts';
import { isDeniedTopic } from './acl.ts';
import type { BrokerCore } from './core.ts';
import { messageFromWill } from './message.ts';
import type { Session } from './session.ts';

/** The connection that carried `will` has closed abnormally: publish now or schedule. */
export function willAfterClose(broker: BrokerCore, session: Session, will: Will, delaySeconds: number): void {
  const now = broker.clock.now();
  if (delaySeconds === 0) {
    publishWill(broker, session.clientId, will);
    return;
  }
  session.pendingWill = { will, publishAt: now + delaySeconds * 1000 };
  broker.emit({ type: 'will-scheduled', time: now, clientId: session.clientId, topic: will.topic, publishAt: now + delaySeconds * 1000 });
}

/** The client came back to its session in time: the waiting will is not sent. */
export function cancelPendingWill(broker: BrokerCore, session: Session): void {
  const pending = session.pendingWill;
  if (pending === null) return;
  session.pendingWill = null;
  broker.emit({ type: 'will-discarded', time: broker.clock.now(), clientId: session.clientId, topic: pending.will.topic, reason: 'the client reconnected before the will delay passed' });
}

/** The will delay has passed, or the session is ending: publish the waiting will, if any. */
export function releasePendingWill(broker: BrokerCore, session: Session): void {
  const pending = session.pendingWill;
  if (pending === null) return;
  session.pendingWill = null;
  publishWill(broker, session.clientId, pending.will);
}

export function publishWill(broker: BrokerCore, clientId: string, will: Will): void {
  const now = broker.clock.now();
  const message = messageFromWill(broker.nextMessageId(), will, now, clientId);
  broker.emit({ type: 'will-published', time: now, clientId, topic: will.topic, qos: will.qos, retain: will.retain });
  if (isDeniedTopic(will.topic)) {
    broker.emitDropped(clientId, message, will.qos, 'not-authorized');
    return;
  }
  broker.route(message);
}
