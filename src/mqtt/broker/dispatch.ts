/**
 * Each packet type a client may send, to its handler. The broker calls `dispatch` for every
 * packet a connection decodes (once its first packet has been checked to be CONNECT).
 */
import type { Packet, PacketType } from '../codec/index.ts';
import type { BrokerConnection } from './connection.ts';
import type { BrokerCore } from './core.ts';
import { handleAuth } from './handlers/auth.ts';
import { handleConnect } from './handlers/connect.ts';
import { handleDisconnect } from './handlers/disconnect.ts';
import { handlePingreq } from './handlers/pingreq.ts';
import { handlePuback } from './handlers/puback.ts';
import { handlePubcomp } from './handlers/pubcomp.ts';
import { handlePublish } from './handlers/publish.ts';
import { handlePubrec } from './handlers/pubrec.ts';
import { handlePubrel } from './handlers/pubrel.ts';
import { handleSubscribe } from './handlers/subscribe.ts';
import { handleUnsubscribe } from './handlers/unsubscribe.ts';

type Handler = (broker: BrokerCore, connection: BrokerConnection, packet: never) => void;

const HANDLERS: Partial<Record<PacketType, Handler>> = {
  CONNECT: handleConnect,
  PUBLISH: handlePublish,
  PUBACK: handlePuback,
  PUBREC: handlePubrec,
  PUBREL: handlePubrel,
  PUBCOMP: handlePubcomp,
  SUBSCRIBE: handleSubscribe,
  UNSUBSCRIBE: handleUnsubscribe,
  PINGREQ: handlePingreq,
  DISCONNECT: handleDisconnect,
  AUTH: handleAuth,
};

export function dispatch(broker: BrokerCore, connection: BrokerConnection, packet: Packet): void {
  const handler = HANDLERS[packet.type];
  if (handler === undefined) {
    // CONNACK, SUBACK, UNSUBACK, PINGRESP: only a server sends them (5.0 §4.13, 3.1.1 MQTT-4.8.0-1).
    connection.protocolError(0x82, `${packet.type} is sent only by servers; a client must not send it`, connection.version === 5 ? 'MQTT-5.0 §4.13' : 'MQTT-4.8.0-1');
    return;
  }
  (handler as (b: BrokerCore, c: BrokerConnection, p: Packet) => void)(broker, connection, packet);
}
