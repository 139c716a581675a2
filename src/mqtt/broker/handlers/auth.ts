/**
 * AUTH (5.0 §3.15). This broker offers no enhanced authentication method, so a CONNECT naming one
 * was already refused (0x8C) and any AUTH packet is a Protocol Error (5.0 MQTT-4.12.0-7).
 */
import type { AuthPacket } from '../../codec/index.ts';
import type { BrokerConnection } from '../connection.ts';
import type { BrokerCore } from '../core.ts';

export function handleAuth(broker: BrokerCore, connection: BrokerConnection, packet: AuthPacket): void {
  void packet;
  connection.protocolError(0x82, 'AUTH without an Authentication Method in CONNECT is a protocol error', 'MQTT-4.12.0-7');
}
