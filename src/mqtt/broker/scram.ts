/**
 * SCRAM-SHA-256 (RFC 5802, RFC 7677) as an MQTT 5.0 enhanced authentication method (5.0 §4.12),
 * on Web Crypto (`crypto.subtle`), so the same code runs in Node 24 and in the browser lab.
 *
 *   client → CONNECT   Authentication Method "SCRAM-SHA-256", Data "n,,n=alice,r=<client nonce>"
 *   server → AUTH 0x18 Data "r=<client nonce><server nonce>,s=<salt>,i=<iterations>"
 *   client → AUTH 0x18 Data "c=biws,r=<both nonces>,p=<client proof>"
 *   server → CONNACK 0x00 Data "v=<server signature>"   (or CONNACK 0x86 for a wrong password)
 *
 * The server never holds the password: only the salt, the iteration count, StoredKey and
 * ServerKey (`scramCredentials` derives them). Re-authentication (AUTH 0x19) runs the same
 * exchange and must prove the same user name.
 */
import type { AuthExchange, AuthVerdict, EnhancedAuthenticator } from './types.ts';

export const SCRAM_SHA_256 = 'SCRAM-SHA-256';

export interface ScramCredentials {
  salt: Uint8Array;
  iterations: number;
  storedKey: Uint8Array;
  serverKey: Uint8Array;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

function subtle(): SubtleCrypto {
  const c = (globalThis as { crypto?: Crypto }).crypto;
  if (c?.subtle === undefined) throw new Error('SCRAM-SHA-256 needs Web Crypto (crypto.subtle)');
  return c.subtle;
}

async function hmac(key: Uint8Array, data: Uint8Array | string): Promise<Uint8Array> {
  const k = await subtle().importKey('raw', key as BufferSource, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  return new Uint8Array(await subtle().sign('HMAC', k, (typeof data === 'string' ? encoder.encode(data) : data) as BufferSource));
}

async function sha256(data: Uint8Array): Promise<Uint8Array> {
  return new Uint8Array(await subtle().digest('SHA-256', data as BufferSource));
}

async function saltedPassword(password: string, salt: Uint8Array, iterations: number): Promise<Uint8Array> {
  // RFC 5802 Hi() is PBKDF2 with HMAC as the PRF and one block of output.
  const key = await subtle().importKey('raw', encoder.encode(password.normalize('NFKC')) as BufferSource, 'PBKDF2', false, ['deriveBits']);
  return new Uint8Array(await subtle().deriveBits({ name: 'PBKDF2', hash: 'SHA-256', salt: salt as BufferSource, iterations }, key, 256));
}

function xor(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length);
  for (let i = 0; i < a.length; i++) out[i] = a[i]! ^ b[i]!;
  return out;
}

function equal(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i]! ^ b[i]!;
  return diff === 0;
}

export function toBase64(bytes: Uint8Array): string {
  let binary = '';
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary);
}

export function fromBase64(text: string): Uint8Array {
  const binary = atob(text);
  const out = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i);
  return out;
}

/** "a=1,b=2" → { a: '1', b: '2' } (values may contain '='). */
function attributes(message: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of message.split(',')) {
    const at = part.indexOf('=');
    if (at > 0) out[part.slice(0, at)] = part.slice(at + 1);
  }
  return out;
}

/** RFC 5802 §5.1: ',' and '=' in a user name travel as '=2C' and '=3D'. */
const escapeName = (name: string) => name.replace(/=/g, '=3D').replace(/,/g, '=2C');
const unescapeName = (name: string) => name.replace(/=2C/g, ',').replace(/=3D/g, '=');

/** What the server stores for a user, derived once from the password. */
export async function scramCredentials(password: string, salt: Uint8Array, iterations = 4096): Promise<ScramCredentials> {
  const salted = await saltedPassword(password, salt, iterations);
  const clientKey = await hmac(salted, 'Client Key');
  return { salt: salt.slice(), iterations, storedKey: await sha256(clientKey), serverKey: await hmac(salted, 'Server Key') };
}

/** Random printable nonce from Web Crypto (RFC 5802: printable ASCII except ','). */
function randomNonce(): string {
  const bytes = new Uint8Array(18);
  (globalThis as { crypto: Crypto }).crypto.getRandomValues(bytes);
  return toBase64(bytes);
}

export interface ScramServerOptions {
  /** The stored credentials of a user name, or undefined if there is no such user. */
  lookup(username: string): ScramCredentials | undefined | Promise<ScramCredentials | undefined>;
  /** Where server nonces come from. Default: Web Crypto's getRandomValues. */
  nonce?: () => string;
}

/** The server side, for `BrokerOptions.authenticators`. */
export function scramSha256Authenticator(options: ScramServerOptions): EnhancedAuthenticator {
  return {
    method: SCRAM_SHA_256,
    start: () => new ScramServerExchange(options),
  };
}

class ScramServerExchange implements AuthExchange {
  private stage: 'first' | 'final' | 'done' = 'first';
  private clientFirstBare = '';
  private serverFirst = '';
  private nonce = '';
  private username = '';
  private credentials: ScramCredentials | undefined;
  private readonly options: ScramServerOptions;

  constructor(options: ScramServerOptions) {
    this.options = options;
  }

  async step(data: Uint8Array | undefined): Promise<AuthVerdict> {
    if (data === undefined) return { status: 'failure', reasonCode: 0x87, reason: 'SCRAM needs Authentication Data' };
    const text = decoder.decode(data);
    if (this.stage === 'first') {
      // gs2 header "n,," (no channel binding), then client-first-message-bare.
      if (!text.startsWith('n,,')) return { status: 'failure', reasonCode: 0x87, reason: 'SCRAM client-first-message must start with "n,,"' };
      this.clientFirstBare = text.slice(3);
      const attrs = attributes(this.clientFirstBare);
      if (attrs.n === undefined || attrs.r === undefined) return { status: 'failure', reasonCode: 0x87, reason: 'SCRAM client-first-message needs n= and r=' };
      this.username = unescapeName(attrs.n);
      this.credentials = await this.options.lookup(this.username);
      // An unknown user still gets a challenge (with a made-up salt), so the failure comes at the
      // proof and does not tell who exists.
      const salt = this.credentials?.salt ?? encoder.encode(`no-such-user:${this.username}`);
      const iterations = this.credentials?.iterations ?? 4096;
      this.nonce = attrs.r + (this.options.nonce ?? randomNonce)();
      this.serverFirst = `r=${this.nonce},s=${toBase64(salt)},i=${iterations}`;
      this.stage = 'final';
      return { status: 'continue', data: encoder.encode(this.serverFirst) };
    }
    if (this.stage === 'final') {
      this.stage = 'done';
      const attrs = attributes(text);
      const withoutProof = text.slice(0, Math.max(0, text.lastIndexOf(',p=')));
      if (attrs.c !== 'biws' || attrs.r !== this.nonce || attrs.p === undefined || withoutProof === '') {
        return { status: 'failure', reasonCode: 0x87, reason: 'SCRAM client-final-message does not match the exchange' };
      }
      const credentials = this.credentials;
      if (credentials === undefined) return { status: 'failure', reasonCode: 0x86, reason: 'Bad user name or password' };
      const authMessage = `${this.clientFirstBare},${this.serverFirst},${withoutProof}`;
      const clientSignature = await hmac(credentials.storedKey, authMessage);
      const proof = fromBase64(attrs.p);
      if (proof.length !== clientSignature.length || !equal(await sha256(xor(proof, clientSignature)), credentials.storedKey)) {
        return { status: 'failure', reasonCode: 0x86, reason: 'Bad user name or password' };
      }
      const serverSignature = await hmac(credentials.serverKey, authMessage);
      return { status: 'success', identity: this.username, data: encoder.encode(`v=${toBase64(serverSignature)}`) };
    }
    return { status: 'failure', reasonCode: 0x82, reason: 'The SCRAM exchange is already complete' };
  }
}

/**
 * The client side, for tests, the lab and MQTT.js's `handleAuth`: `first()` gives the CONNECT's
 * Authentication Data, `final(serverFirst)` the answer to the server's AUTH, `verify(serverFinal)`
 * checks the server's signature from the CONNACK (or the AUTH 0x00 after re-authentication).
 */
export class ScramClient {
  private readonly username: string;
  private readonly password: string;
  private readonly clientNonce: string;
  private clientFirstBare = '';
  private expectedServerSignature: Uint8Array | null = null;

  constructor(username: string, password: string, nonce: string = randomNonce()) {
    this.username = username;
    this.password = password;
    this.clientNonce = nonce;
  }

  first(): Uint8Array {
    this.clientFirstBare = `n=${escapeName(this.username)},r=${this.clientNonce}`;
    return encoder.encode(`n,,${this.clientFirstBare}`);
  }

  async final(serverFirstData: Uint8Array): Promise<Uint8Array> {
    const serverFirst = decoder.decode(serverFirstData);
    const attrs = attributes(serverFirst);
    if (attrs.r === undefined || !attrs.r.startsWith(this.clientNonce) || attrs.s === undefined || attrs.i === undefined) {
      throw new Error(`SCRAM: unexpected server-first-message ${JSON.stringify(serverFirst)}`);
    }
    const salted = await saltedPassword(this.password, fromBase64(attrs.s), Number(attrs.i));
    const clientKey = await hmac(salted, 'Client Key');
    const storedKey = await sha256(clientKey);
    const withoutProof = `c=biws,r=${attrs.r}`;
    const authMessage = `${this.clientFirstBare},${serverFirst},${withoutProof}`;
    const proof = xor(clientKey, await hmac(storedKey, authMessage));
    this.expectedServerSignature = await hmac(await hmac(salted, 'Server Key'), authMessage);
    return encoder.encode(`${withoutProof},p=${toBase64(proof)}`);
  }

  /** True when the server proved it knows the credentials too. */
  verify(serverFinalData: Uint8Array | undefined): boolean {
    if (serverFinalData === undefined || this.expectedServerSignature === null) return false;
    const v = attributes(decoder.decode(serverFinalData)).v;
    return v !== undefined && equal(fromBase64(v), this.expectedServerSignature);
  }
}
