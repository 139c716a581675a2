/**
 * DISCONNECT from a client (3.1.1 §3.14, 5.0 §3.14). 3.1.1 discards the will (MQTT-3.14.4-3);
 * 5.0 discards it only for 0x00 Normal disconnection (MQTT-3.14.4-3, MQTT-3.1.2-10) — 0x04
 * "Disconnect with Will Message" and error codes keep it. 5.0 may also change the Session Expiry
 * Interval here, but not from 0 to something else (§3.14.2.2.2: Protocol Error).
 */
import type { DisconnectPacket } from '../../codec/index.ts';
import type { BrokerConnection } from '../connection.ts';
import type { BrokerCore } from '../core.ts';

export function handleDisconnect(broker: BrokerCore, connection: BrokerConnection, packet: DisconnectPacket): void {
  const reasonCode = packet.reasonCode ?? 0;
  if (connection.state !== 'connected') {
    // During an enhanced authentication exchange, before CONNACK (5.0 §4.12): nothing to keep.
    connection.will = null;
    connection.close('disconnect', 'the client sent DISCONNECT during authentication');
    return;
  }
  if (connection.version === 5) {
    const expiry = packet.properties?.sessionExpiryInterval;
    if (expiry !== undefined) {
      if (connection.connectSessionExpiry === 0 && expiry !== 0) {
        connection.protocolError(0x82, 'The Session Expiry Interval was 0 at CONNECT; DISCONNECT may not set it', 'MQTT-5.0 §3.14.2.2.2');
        return;
      }
      connection.session!.expiryInterval = expiry;
    }
  }
  if (connection.version !== 5 || reasonCode === 0x00) connection.will = null;
  connection.close('disconnect', reasonCode === 0 ? 'the client sent DISCONNECT' : `the client sent DISCONNECT with reason code 0x${reasonCode.toString(16).padStart(2, '0')}`);
}
