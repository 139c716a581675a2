/** PINGREQ: answer PINGRESP (3.1.1 MQTT-3.12.4-1, 5.0 MQTT-3.12.4-1). Receiving it already reset the keepalive. */
import type { PingreqPacket } from '../../codec/index.ts';
import type { BrokerConnection } from '../connection.ts';
import type { BrokerCore } from '../core.ts';

export function handlePingreq(broker: BrokerCore, connection: BrokerConnection, packet: PingreqPacket): void {
  void packet;
  connection.send({ type: 'PINGRESP' });
}
