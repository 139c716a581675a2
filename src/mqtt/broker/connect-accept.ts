/**
 * The second half of CONNECT, once it is known to be accepted (directly, or after an enhanced
 * authentication exchange): take over an existing connection with the same client id, start or
 * resume the session, answer CONNACK, then re-send what the session still owes the client.
 */
import type { ConnackPacket, Properties } from '../codec/index.ts';
import type { BrokerConnection, PendingConnect } from './connection.ts';
import type { BrokerCore } from './core.ts';
import { resume } from './delivery.ts';
import { NEVER_EXPIRES } from './session.ts';
import { OutboundTopicAliases } from './topic-alias.ts';
import { cancelPendingWill } from './will.ts';

/** `authProperties`: Authentication Method and Data for the CONNACK after enhanced authentication. */
export function acceptConnect(broker: BrokerCore, connection: BrokerConnection, pending: PendingConnect, authProperties?: Properties): void {
  const { packet, clientId, assigned } = pending;
  const options = broker.options;
  const version = packet.protocolLevel;
  const v5 = version === 5;
  const properties = packet.properties ?? {};
  const will = packet.will;
  // Accepted. Everything below changes state.
  const now = broker.clock.now();
  connection.keepAlive = v5 && options.serverKeepAlive !== undefined ? options.serverKeepAlive : packet.keepAlive;
  if (v5) {
    connection.clientReceiveMaximum = properties.receiveMaximum ?? 0xffff;
    connection.clientMaximumPacketSize = properties.maximumPacketSize ?? Infinity;
    connection.requestProblemInformation = properties.requestProblemInformation !== 0;
    connection.aliasesOut = new OutboundTopicAliases(properties.topicAliasMaximum ?? 0);
    connection.connectSessionExpiry = properties.sessionExpiryInterval ?? 0;
  }

  // 3.1.1 MQTT-3.1.4-2 / 5.0 MQTT-3.1.4-3: a client id already connected is taken over, and the
  // old connection closed as if the network had failed. Its will follows mosquitto: published
  // when the old session ends with the takeover (its expiry is 0, or this CONNECT has Clean
  // Start / Clean Session 1 — 5.0 §3.1.4), discarded when the session carries on. (5.0's
  // non-normative text would also publish a will without delay in that last case.)
  const existingSession = broker.sessions.get(clientId);
  const previous = existingSession?.connection ?? null;
  if (previous !== null) {
    broker.emit({ type: 'client-taken-over', time: now, clientId, oldConnectionId: previous.id, newConnectionId: connection.id });
    const sessionEnds = existingSession!.expiryInterval === 0 || packet.cleanSession;
    if (!sessionEnds && previous.will !== null) {
      broker.emit({ type: 'will-discarded', time: now, clientId, topic: previous.will.topic, reason: 'the session was taken over and carries on' });
      previous.will = null;
    }
    previous.close('taken-over', `client id ${clientId} connected again on ${connection.id}`, 0x8e);
  }

  // 3.1.1: Clean Session 0 keeps the session forever; 1 ends it with the connection.
  // 5.0: Session Expiry Interval, default 0 (5.0 §3.1.2.11.2).
  const expiryInterval = v5 ? (properties.sessionExpiryInterval ?? 0) : packet.cleanSession ? 0 : NEVER_EXPIRES;
  let session = broker.sessions.get(clientId);
  if (session !== undefined && packet.cleanSession) {
    // 3.1.1 MQTT-3.1.2-6, 5.0 MQTT-3.1.2-4: discard the old session (a waiting will goes out now).
    broker.endSession(session, 'session-discarded');
    session = undefined;
  }
  const sessionPresent = session !== undefined;
  if (session === undefined) {
    session = broker.createSession(clientId, connection, expiryInterval);
  } else {
    // 3.1.1 MQTT-3.1.2-4, 5.0 MQTT-3.1.2-5: resume.
    session.expiryInterval = expiryInterval;
    session.protocolVersion = version;
    // 5.0 MQTT-3.1.3-9: reconnected before the will delay passed, so the will is not sent.
    cancelPendingWill(broker, session);
    broker.emit({ type: 'session-resumed', time: now, clientId, expiryInterval });
  }
  session.connection = connection;
  session.disconnectedAt = null;
  connection.session = session;
  connection.will = will ?? null;
  connection.state = 'connected';

  const connack: ConnackPacket = { type: 'CONNACK', sessionPresent, reasonCode: 0 };
  if (v5) connack.properties = { ...connackProperties(broker, assigned ? clientId : undefined), ...authProperties };
  connection.connackSent = true;
  connection.send(connack);
  broker.emit({
    type: 'client-connected', time: now, connectionId: connection.id, clientId, protocolVersion: version, cleanSession: packet.cleanSession,
    keepAlive: connection.keepAlive, sessionPresent, assignedClientId: assigned,
  });
  if (sessionPresent) resume(broker, session);
}

/**
 * What a 5.0 client needs to know about us. Defaults are left out, and the order is mosquitto's
 * (Topic Alias Maximum, Server Keep Alive, Assigned Client Identifier, then Retain Available,
 * Maximum Packet Size, Receive Maximum, Maximum QoS), so the bytes can be compared with it.
 */
export function connackProperties(broker: BrokerCore, assignedClientId: string | undefined): Properties {
  const options = broker.options;
  const properties: Properties = {};
  if (options.topicAliasMaximum > 0) properties.topicAliasMaximum = options.topicAliasMaximum;
  if (options.serverKeepAlive !== undefined) properties.serverKeepAlive = options.serverKeepAlive;
  if (assignedClientId !== undefined) properties.assignedClientIdentifier = assignedClientId;
  if (!options.retainAvailable) properties.retainAvailable = 0;
  if (options.maximumPacketSize < 268_435_460) properties.maximumPacketSize = options.maximumPacketSize;
  if (options.receiveMaximum < 0xffff) properties.receiveMaximum = options.receiveMaximum;
  if (options.maximumQoS < 2) properties.maximumQoS = options.maximumQoS;
  // mosquitto never sends these; we do when a feature is switched off (5.0 §3.2.2.3.11–13).
  if (!options.wildcardSubscriptionAvailable) properties.wildcardSubscriptionAvailable = 0;
  if (!options.subscriptionIdentifiersAvailable) properties.subscriptionIdentifiersAvailable = 0;
  if (!options.sharedSubscriptionAvailable) properties.sharedSubscriptionAvailable = 0;
  return properties;
}
