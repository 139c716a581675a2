/**
 * Getting messages out of a session: send now, hold in the in-flight window, or queue. The rules:
 * QoS 0 goes straight out to an online client (it needs no acknowledgement, so it takes no room in
 * the window); QoS 1/2 take a packet id and a place in the window, which is our maximum or the
 * client's Receive Maximum, whichever is lower (5.0 MQTT-3.3.4-9); whatever doesn't fit waits in
 * the queue, in order, up to `maxQueuedMessages`.
 */
import type { BrokerCore } from './core.ts';
import { isExpired, type Delivery } from './message.ts';
import type { Session, SessionConnection } from './session.ts';

/** How many QoS 1/2 PUBLISHes may await acknowledgement on this connection. */
export function sendQuota(broker: BrokerCore, connection: SessionConnection): number {
  const ours = broker.options.maxInflightMessages === 0 ? 0xffff : broker.options.maxInflightMessages;
  return Math.min(ours, connection.clientReceiveMaximum);
}

/** Hands one delivery to a session: sent, queued or dropped. */
export function offer(broker: BrokerCore, session: Session, delivery: Delivery): void {
  // 5.0 MQTT-3.3.2-5: an expired message is not delivered. (The clock is read only for messages
  // that can expire: this runs once per message per subscriber.)
  if (delivery.message.expiresAt !== undefined && isExpired(delivery.message, broker.clock.now())) {
    broker.emitDropped(session.clientId, delivery.message, delivery.qos, 'expired');
    return;
  }
  const connection = session.connection;
  if (connection !== null && connection.isOpen) {
    if (delivery.qos === 0) {
      connection.sendPublish(delivery, undefined, false);
      return;
    }
    if (session.queue.length === 0 && session.inflightOut.size < sendQuota(broker, connection)) {
      sendNew(session, connection, delivery);
      return;
    }
    enqueue(broker, session, delivery, 'inflight-window-full');
    return;
  }
  // Offline: 3.1.1 MQTT-3.1.2-5 keeps QoS 1 and 2 for a persistent session; QoS 0 only if configured.
  if (delivery.qos === 0 && !broker.options.queueQos0Messages) {
    broker.emitDropped(session.clientId, delivery.message, 0, 'qos0-offline');
    return;
  }
  enqueue(broker, session, delivery, 'offline');
}

function enqueue(broker: BrokerCore, session: Session, delivery: Delivery, why: 'offline' | 'inflight-window-full'): void {
  if (session.queue.length >= broker.options.maxQueuedMessages) {
    broker.emitDropped(session.clientId, delivery.message, delivery.qos, 'queue-full');
    return;
  }
  session.queue.push(delivery);
  broker.emitQueued(session, delivery, why);
}

/** Gives a QoS 1/2 delivery a free packet id, records it in flight and sends it (DUP=0). */
function sendNew(session: Session, connection: SessionConnection, delivery: Delivery): void {
  const packetId = session.allocatePacketId();
  if (packetId === null) {
    session.queue.unshift(delivery);
    return;
  }
  session.inflightOut.set(packetId, { ...delivery, packetId, state: 'publish' });
  // Too large for the client: discarded as if delivered (5.0 MQTT-3.1.2-25).
  if (!connection.sendPublish(delivery, packetId, false)) session.inflightOut.delete(packetId);
}

/** Sends queued deliveries while the window has room. Called whenever room appears. */
export function pump(broker: BrokerCore, session: Session): void {
  const connection = session.connection;
  if (connection === null || !connection.isOpen) return;
  const quota = sendQuota(broker, connection);
  const now = broker.clock.now();
  while (session.queue.length > 0) {
    const next = session.queue[0]!;
    if (isExpired(next.message, now)) {
      session.queue.shift();
      broker.emitDropped(session.clientId, next.message, next.qos, 'expired');
      continue;
    }
    if (next.qos === 0) {
      session.queue.shift();
      connection.sendPublish(next, undefined, false);
      continue;
    }
    if (session.inflightOut.size >= quota) break;
    session.queue.shift();
    sendNew(session, connection, next);
    if (!connection.isOpen) return;
  }
}

/**
 * A persistent session resumed: re-send every unacknowledged PUBLISH with DUP=1 and every PUBREL,
 * with their original packet ids, in the order first sent (3.1.1 MQTT-4.4.0-1 / MQTT-4.6.0-1,
 * 5.0 MQTT-4.4.0-1); then carry on with the queue.
 */
export function resume(broker: BrokerCore, session: Session): void {
  const connection = session.connection;
  if (connection === null || !connection.isOpen) return;
  for (const entry of [...session.inflightOut.values()]) {
    if (entry.state === 'pubrel') {
      connection.send({ type: 'PUBREL', packetId: entry.packetId });
    } else if (!connection.sendPublish(entry, entry.packetId, true)) {
      session.inflightOut.delete(entry.packetId);
    }
    if (!connection.isOpen) return;
  }
  pump(broker, session);
}
