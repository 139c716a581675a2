/**
 * MQTT over WebSocket for the lab's real-broker mode, built on the browser's WebSocket so that
 * every byte can be shown: MQTT.js gets a Duplex (`new MqttClient(() => stream, options)`), and
 * the lab gets each chunk as it is sent and received. Subprotocol "mqtt", binary frames (MQTT
 * 5.0 §6, 3.1.1 §6). Failures are put into words, since browsers hide the network error itself.
 */
import { Duplex } from 'readable-stream';
import type { TransportTap } from '../../mqtt/lab/lab.ts';
import { isMixedContent } from '../../mqtt/lab/url-state.ts';

export const OPEN_TIMEOUT_MS = 8000;

export function openWebSocketStream(url: string, tap: TransportTap, timeoutMs = OPEN_TIMEOUT_MS): Duplex {
  let socket: WebSocket | null = null;
  let opened = false;
  let failed = false;
  let pending: Uint8Array[] = [];
  const send = (bytes: Uint8Array) => {
    tap.bytes('to-broker', bytes);
    socket!.send(bytes);
  };
  const fail = (message: string) => {
    if (failed) return;
    failed = true;
    tap.error(message);
    stream.destroy();
  };
  const stream = new Duplex({
    read() {
      // Pushed as frames arrive.
    },
    writev(chunks: Array<{ chunk: Uint8Array; encoding: string }>, callback: (error?: Error | null) => void) {
      // mqtt-packet corks the stream while it writes one packet in pieces: send them as one frame.
      const total = chunks.reduce((n, c) => n + c.chunk.length, 0);
      const joined = new Uint8Array(total);
      let at = 0;
      for (const { chunk } of chunks) { joined.set(chunk, at); at += chunk.length; }
      if (opened) send(joined); else pending.push(joined);
      callback();
    },
    write(chunk: Uint8Array, _encoding: string, callback: (error?: Error | null) => void) {
      const bytes = new Uint8Array(chunk);
      if (opened) send(bytes); else pending.push(bytes);
      callback();
    },
    final(callback: (error?: Error | null) => void) {
      socket?.close(1000);
      callback();
    },
    destroy(error: Error | null, callback: (error: Error | null) => void) {
      clearTimeout(timer);
      if (socket !== null && socket.readyState <= 1) socket.close();
      callback(error);
    },
  });
  const timer = setTimeout(() => {
    if (!opened) fail(`No answer from ${url} within ${timeoutMs / 1000} s: the connection timed out. Is the host reachable, and is the port right?`);
  }, timeoutMs);

  if (typeof location !== 'undefined' && isMixedContent(location.protocol, url)) {
    queueMicrotask(() => fail(`This page was loaded over https, and browsers block unencrypted ws:// connections from it (mixed content). Use the broker’s wss:// address, or open the lab from http://localhost.`));
    return stream;
  }
  try {
    socket = new WebSocket(url, ['mqtt']);
  } catch (error) {
    const name = error instanceof Error ? error.name : '';
    queueMicrotask(() => fail(name === 'SecurityError'
      ? `The browser refused to open ${url} (SecurityError): an https page may not open ws:// connections, and some ports are blocked.`
      : `${url} cannot be opened: ${error instanceof Error ? error.message : String(error)}`));
    return stream;
  }
  socket.binaryType = 'arraybuffer';
  socket.onopen = () => {
    opened = true;
    clearTimeout(timer);
    const queued = pending;
    pending = [];
    for (const bytes of queued) send(bytes);
  };
  socket.onmessage = (event: MessageEvent) => {
    if (!(event.data instanceof ArrayBuffer)) {
      fail('The broker sent a text frame; MQTT over WebSocket uses binary frames only. Is this an MQTT endpoint?');
      return;
    }
    const bytes = new Uint8Array(event.data);
    tap.bytes('to-client', bytes);
    stream.push(bytes);
  };
  socket.onerror = () => {
    // Browsers give no detail here (on purpose). The close event that follows says more.
  };
  socket.onclose = (event: CloseEvent) => {
    clearTimeout(timer);
    if (!opened) {
      fail(`Could not open a WebSocket to ${url}${event.code === 1006 ? '' : ` (close code ${event.code})`}. The connection was refused, the host is unreachable, or it is not an MQTT-over-WebSocket endpoint (check the path, e.g. /mqtt, and that the broker offers the "mqtt" subprotocol). Browsers do not say which.`);
      return;
    }
    if (!stream.destroyed) {
      if (event.code !== 1000 && event.code !== 1005) tap.error(`The WebSocket closed (code ${event.code}${event.reason ? `: ${event.reason}` : ''}).`);
      stream.push(null);
      stream.destroy();
    }
  };
  return stream;
}
