/**
 * AUTH (5.0 §3.15): part of the enhanced authentication exchange a CONNECT started, or a
 * re-authentication. Without an Authentication Method in CONNECT it is a Protocol Error
 * (5.0 MQTT-4.12.0-7).
 */
import type { AuthPacket } from '../../codec/index.ts';
import type { BrokerConnection } from '../connection.ts';
import type { BrokerCore } from '../core.ts';
import { continueAuthentication } from '../enhanced-auth.ts';

export function handleAuth(broker: BrokerCore, connection: BrokerConnection, packet: AuthPacket): void {
  if (connection.auth === null) {
    connection.protocolError(0x82, 'AUTH without an Authentication Method in CONNECT is a protocol error', 'MQTT-4.12.0-7');
    return;
  }
  continueAuthentication(broker, connection, packet);
}
