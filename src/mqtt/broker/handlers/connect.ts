/**
 * CONNECT (3.1.1 §3.1, 5.0 §3.1): validate, authenticate, take over an existing connection with
 * the same client id, start or resume the session, answer CONNACK, then re-send what the session
 * still owes the client.
 */
import { encodePacket, type ConnackPacket, type ConnectPacket, type Properties, type ProtocolVersion } from '../../codec/index.ts';
import type { BrokerConnection } from '../connection.ts';
import type { BrokerCore } from '../core.ts';
import { acceptConnect, connackProperties } from '../connect-accept.ts';
import { beginAuthentication } from '../enhanced-auth.ts';

/** 3.1.1 CONNACK return codes for 5.0 reason codes a hook may give (5.0 §3.2.2.2 vs 3.1.1 Table 3.1). */
const TO_V4: Readonly<Record<number, number>> = {
  0x80: 0x03, 0x81: 0x03, 0x82: 0x01, 0x83: 0x03, 0x84: 0x01, 0x85: 0x02, 0x86: 0x04, 0x87: 0x05,
  0x88: 0x03, 0x89: 0x03, 0x8a: 0x05, 0x8c: 0x05, 0x97: 0x03, 0x9f: 0x03,
};
const TO_V5: Readonly<Record<number, number>> = { 0x01: 0x84, 0x02: 0x85, 0x03: 0x88, 0x04: 0x86, 0x05: 0x87 };

export function handleConnect(broker: BrokerCore, connection: BrokerConnection, packet: ConnectPacket): void {
  const options = broker.options;
  if (connection.state !== 'awaiting-connect' || connection.auth !== null) {
    // 3.1.1 MQTT-3.1.0-2 (protocol violation) / 5.0 MQTT-3.1.0-2 (Protocol Error 0x82).
    connection.protocolError(0x82, 'A second CONNECT on the same connection is a protocol error', 'MQTT-3.1.0-2');
    return;
  }
  const version: ProtocolVersion = packet.protocolLevel;
  connection.protocolVersion = version;
  // Named in the log from here on, even if refused.
  connection.clientId = packet.clientId === '' ? null : packet.clientId;
  const v5 = version === 5;
  const properties = packet.properties ?? {};

  if (!options.protocolVersions.includes(version)) {
    // 3.1.1 MQTT-3.1.2-2 answers 0x01; 5.0 says 0x84 Unsupported Protocol Version.
    connection.refuse(v5 ? 0x84 : 0x01, `This broker does not accept protocol level ${version}`);
    return;
  }
  const authenticator = v5 && properties.authenticationMethod !== undefined
    ? options.authenticators?.find((a) => a.method === properties.authenticationMethod)
    : undefined;
  if (v5 && properties.authenticationMethod !== undefined && authenticator === undefined) {
    // 5.0 MQTT-4.12.0-1: a method this broker does not offer.
    connection.refuse(0x8c, `Authentication method "${properties.authenticationMethod}" is not supported`);
    return;
  }

  let clientId = packet.clientId;
  let assigned = false;
  if (version === 3 && (clientId.length === 0 || clientId.length > 23)) {
    // MQTT 3.1 §3.1: the client identifier is 1 to 23 characters.
    connection.refuse(0x02, 'MQTT 3.1 client identifiers must be 1 to 23 characters long');
    return;
  }
  if (clientId.length === 0) {
    if (version === 4 && !packet.cleanSession) {
      // 3.1.1 MQTT-3.1.3-8: an empty client id needs Clean Session 1.
      connection.refuse(0x02, 'An empty client identifier requires Clean Session = 1');
      return;
    }
    // 3.1.1 MQTT-3.1.3-6, 5.0 MQTT-3.1.3-6/-7 and MQTT-3.2.2-16: assign a unique one.
    do clientId = broker.ids.next('auto-'); while (broker.sessions.has(clientId));
    assigned = true;
    connection.clientId = clientId;
  }

  const authenticate = options.authenticate;
  if (authenticate !== undefined) {
    const verdict = authenticate(clientId, packet.username, packet.password);
    if (verdict !== true) {
      const code = verdict === false ? (v5 ? 0x86 : 0x04) : v5 ? (verdict < 0x80 ? (TO_V5[verdict] ?? 0x87) : verdict) : (verdict < 0x80 ? verdict : (TO_V4[verdict] ?? 0x05));
      connection.refuse(code, verdict === false ? 'Bad user name or password' : 'Not authorized');
      return;
    }
  }

  const will = packet.will;
  if (will !== undefined) {
    if (will.qos > options.maximumQoS) {
      // 5.0 MQTT-3.2.2-12.
      connection.refuse(v5 ? 0x9b : 0x05, `Will QoS ${will.qos} is above this broker's maximum QoS ${options.maximumQoS}`);
      return;
    }
    if (will.retain && !options.retainAvailable) {
      // 5.0 MQTT-3.2.2-13.
      connection.refuse(v5 ? 0x9a : 0x05, 'This broker does not keep retained messages');
      return;
    }
  }

  const connackProps = v5 ? connackProperties(broker, assigned ? clientId : undefined) : undefined;
  if (connackProps !== undefined && authenticator !== undefined) connackProps.authenticationMethod = authenticator.method;
  if (v5 && properties.maximumPacketSize !== undefined) {
    // MQTT-3.1.2-24: nothing we send may exceed the client's Maximum Packet Size, the CONNACK
    // included. It has no Reason String or User Property to leave out, so the connection is
    // closed before anything is set up (no session, no will).
    const size = encodePacket({ type: 'CONNACK', sessionPresent: false, reasonCode: 0, properties: connackProps! }, { protocolVersion: 5 }).length;
    if (size > properties.maximumPacketSize) {
      connection.emitRefused(0x95, `the CONNACK (${size} bytes) would exceed the client's Maximum Packet Size of ${properties.maximumPacketSize} bytes`);
      connection.close('refused', `the CONNACK would exceed the client's Maximum Packet Size of ${properties.maximumPacketSize} bytes`);
      return;
    }
  }

  if (authenticator !== undefined) {
    // 5.0 §4.12: the CONNACK waits for the AUTH exchange to succeed.
    beginAuthentication(broker, connection, authenticator, { packet, clientId, assigned });
    return;
  }
  acceptConnect(broker, connection, { packet, clientId, assigned });
}
