/**
 * Connects a real MQTT.js client to the in-memory broker, in the page or in Node, with no network:
 *
 *   const client = new MqttClient(() => createBrokerStream(broker), { clientId: 'a', protocolVersion: 5 });
 *
 * MQTT.js asks its stream builder for a new Duplex on every (re)connect, writes packets into it
 * and reads the broker's packets out of it. The Duplex comes from `readable-stream`, the userland
 * copy of Node streams that MQTT.js itself uses in browsers, so nothing here needs `node:` modules.
 *
 * Closing works both ways: the client ending or destroying the stream is a network close for the
 * broker (`connection.drop()`, so a will goes out unless a DISCONNECT came first); the broker
 * closing the connection ends the readable side and then destroys the stream, which MQTT.js sees
 * as 'close' (and, with reconnectPeriod > 0, reconnects).
 */
import { Duplex } from 'readable-stream';
import type { Broker } from './broker.ts';
import type { BrokerConnection } from './connection.ts';
import type { ConnectionMeta } from './types.ts';

export function createBrokerStream(broker: Broker, meta: ConnectionMeta = { transport: 'memory' }): Duplex & { connection: BrokerConnection } {
  let connection: BrokerConnection | null = null;
  let ended = false;
  const stream = new Duplex({
    read() {
      // Data is pushed as the broker sends it.
    },
    write(chunk: Uint8Array, _encoding: string, callback: (error?: Error | null) => void) {
      connection?.receive(chunk);
      callback();
    },
    final(callback: (error?: Error | null) => void) {
      connection?.drop();
      callback();
    },
    destroy(error: Error | null, callback: (error: Error | null) => void) {
      connection?.drop();
      callback(error);
    },
  });
  connection = broker.accept({
    send(bytes) {
      if (!ended) stream.push(bytes);
    },
    close() {
      if (ended) return;
      ended = true;
      // Let the client read what is already buffered (a DISCONNECT, say) before the stream goes.
      stream.push(null);
      stream.once('end', () => stream.destroy());
    },
  }, meta);
  return Object.assign(stream, { connection });
}
