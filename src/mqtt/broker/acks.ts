/** Acknowledgements shared by the PUBLISH, PUBREC and PUBREL handlers. */
import type { PubAckLikePacket } from '../codec/index.ts';

/** An acknowledgement in its shortest form: the reason code only when it isn't 0x00 (5.0 §3.4.2.1). */
export function ack(type: PubAckLikePacket['type'], packetId: number, reasonCode: number, reason: string): PubAckLikePacket {
  const packet: PubAckLikePacket = { type, packetId };
  if (reasonCode !== 0) {
    packet.reasonCode = reasonCode;
    if (reason !== '' && reasonCode >= 0x80) packet.properties = { reasonString: reason };
  }
  return packet;
}
