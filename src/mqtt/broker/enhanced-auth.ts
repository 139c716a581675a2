/**
 * Enhanced authentication (5.0 §4.12): the AUTH exchange between a CONNECT naming an
 * Authentication Method and its CONNACK, and re-authentication (AUTH 0x19) on a connected
 * client. The method itself is pluggable (`BrokerOptions.authenticators`; scram.ts is one).
 *
 * An authenticator may answer asynchronously (Web Crypto does). While a step is pending the
 * connection holds the packets that arrive and handles them, in order, once the step is done.
 */
import type { AuthPacket } from '../codec/index.ts';
import { acceptConnect } from './connect-accept.ts';
import type { BrokerConnection, PendingConnect } from './connection.ts';
import type { BrokerCore } from './core.ts';
import type { AuthExchange, AuthVerdict, EnhancedAuthenticator } from './types.ts';

/** CONNACK failure codes an authenticator may use; anything else becomes 0x87 Not authorized. */
const CONNACK_FAILURES = new Set([0x80, 0x81, 0x82, 0x83, 0x84, 0x85, 0x86, 0x87, 0x88, 0x89, 0x8a, 0x8c, 0x90, 0x95, 0x97, 0x99, 0x9a, 0x9b, 0x9c, 0x9d, 0x9f]);
/** DISCONNECT failure codes (5.0 §3.14.2.1). */
const DISCONNECT_FAILURES = new Set([0x80, 0x81, 0x82, 0x83, 0x87, 0x89, 0x8b, 0x8d, 0x8e, 0x8f, 0x90, 0x93, 0x94, 0x95, 0x96, 0x97, 0x98, 0x99, 0x9a, 0x9b, 0x9c, 0x9d, 0x9e, 0x9f, 0xa0, 0xa1, 0xa2]);

export function beginAuthentication(broker: BrokerCore, connection: BrokerConnection, authenticator: EnhancedAuthenticator, pending: PendingConnect): void {
  const exchange = authenticator.start({ clientId: pending.clientId, username: pending.packet.username, reauthenticate: false });
  connection.auth = { method: authenticator.method, exchange, pending, identity: undefined };
  step(broker, connection, exchange, pending.packet.properties?.authenticationData);
}

/** AUTH from a client whose CONNECT named an Authentication Method. */
export function continueAuthentication(broker: BrokerCore, connection: BrokerConnection, packet: AuthPacket): void {
  const state = connection.auth!;
  const code = packet.reasonCode ?? 0x00;
  const method = packet.properties?.authenticationMethod;
  if (method !== state.method) {
    // 5.0 §3.15.2.2.2: AUTH must name the method of the CONNECT (MQTT-4.12.0-5 / MQTT-4.12.1-1).
    fail(connection, 0x82, `AUTH names the Authentication Method ${JSON.stringify(method ?? null)}, not ${JSON.stringify(state.method)} from CONNECT`, 'MQTT-4.12.0-5');
    return;
  }
  if (state.pending !== null) {
    // Before CONNACK only "Continue authentication" is expected from the client (5.0 §4.12).
    if (code !== 0x18 || state.exchange === null) {
      fail(connection, 0x82, `AUTH 0x${code.toString(16)} before CONNACK: only 0x18 Continue authentication answers the server's AUTH`, 'MQTT-5.0 §4.12');
      return;
    }
    step(broker, connection, state.exchange, packet.properties?.authenticationData);
    return;
  }
  if (code === 0x19) {
    if (state.exchange !== null) {
      fail(connection, 0x82, 'AUTH 0x19 while a re-authentication is already in progress', 'MQTT-5.0 §4.12.1');
      return;
    }
    // 5.0 §4.12.1: re-authentication, on the same method; the connection carries on meanwhile.
    const authenticator = broker.options.authenticators?.find((a) => a.method === state.method);
    if (authenticator === undefined) {
      fail(connection, 0x87, `Authentication method ${state.method} is no longer offered`, 'MQTT-5.0 §4.12.1');
      return;
    }
    state.exchange = authenticator.start({ clientId: connection.clientId ?? '', username: undefined, reauthenticate: true });
    step(broker, connection, state.exchange, packet.properties?.authenticationData);
    return;
  }
  if (code === 0x18 && state.exchange !== null) {
    step(broker, connection, state.exchange, packet.properties?.authenticationData);
    return;
  }
  fail(connection, 0x82, `AUTH 0x${code.toString(16)} is not expected now`, 'MQTT-5.0 §4.12');
}

function step(broker: BrokerCore, connection: BrokerConnection, exchange: AuthExchange, data: Uint8Array | undefined): void {
  let result: AuthVerdict | Promise<AuthVerdict>;
  try {
    result = exchange.step(data);
  } catch (error) {
    result = { status: 'failure', reason: error instanceof Error ? error.message : String(error) };
  }
  if (!(result instanceof Promise)) {
    apply(broker, connection, exchange, result);
    return;
  }
  connection.hold();
  const settle = (verdict: AuthVerdict) => broker.run(() => {
    apply(broker, connection, exchange, verdict);
    connection.release();
  });
  result.then(settle, (error: unknown) => settle({ status: 'failure', reason: error instanceof Error ? error.message : String(error) }));
}

function apply(broker: BrokerCore, connection: BrokerConnection, exchange: AuthExchange, verdict: AuthVerdict): void {
  const state = connection.auth;
  if (connection.isClosed || state === null || state.exchange !== exchange) return;
  if (verdict.status === 'continue') {
    // 5.0 MQTT-4.12.0-2: the server's half of the exchange travels in AUTH 0x18.
    const auth: AuthPacket = { type: 'AUTH', reasonCode: 0x18, properties: { authenticationMethod: state.method } };
    if (verdict.data !== undefined) auth.properties!.authenticationData = verdict.data;
    connection.send(auth);
    return;
  }
  const pending = state.pending;
  if (verdict.status === 'failure') {
    const code = verdict.reasonCode !== undefined && CONNACK_FAILURES.has(verdict.reasonCode) ? verdict.reasonCode : 0x87;
    const reason = verdict.reason ?? 'Not authorized';
    state.exchange = null;
    // 5.0 MQTT-4.12.0-4: a failed authentication gets a CONNACK with an error code, or (after
    // CONNACK, re-authentication) a DISCONNECT (MQTT-4.12.1-2); either way the connection ends.
    if (pending !== null) connection.refuse(code, reason);
    // DISCONNECT has fewer codes than CONNACK (no 0x86, for one): those become 0x87 Not authorized.
    else connection.protocolError(DISCONNECT_FAILURES.has(code) ? code : 0x87, reason, 'MQTT-4.12.1-2');
    return;
  }
  state.exchange = null;
  const properties = { authenticationMethod: state.method, ...(verdict.data === undefined ? {} : { authenticationData: verdict.data }) };
  if (pending !== null) {
    state.pending = null;
    state.identity = verdict.identity;
    // 5.0 §4.12: the exchange ends with CONNACK 0x00, carrying the method and any final data.
    acceptConnect(broker, connection, pending, properties);
    return;
  }
  if (state.identity !== undefined && verdict.identity !== state.identity) {
    connection.protocolError(0x87, `Re-authentication proved ${JSON.stringify(verdict.identity ?? null)}, not ${JSON.stringify(state.identity)}`, 'MQTT-5.0 §4.12.1');
    return;
  }
  // 5.0 §4.12.1: a successful re-authentication ends with AUTH 0x00.
  connection.send({ type: 'AUTH', reasonCode: 0x00, properties });
}

/** A broken exchange: CONNACK with the code before CONNACK, DISCONNECT after. */
function fail(connection: BrokerConnection, code: number, message: string, rule: string): void {
  if (connection.auth?.pending !== null && connection.state === 'awaiting-connect') {
    connection.emitProtocolError(code, rule, message);
    connection.refuse(code, message);
    return;
  }
  connection.protocolError(code, message, rule);
}
