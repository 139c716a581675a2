/**
 * Enhanced authentication in the lab (5.0 §4.12): the in-page broker offers SCRAM-SHA-256
 * (broker/scram.ts) for one lab user, and a lab client that names the method runs the client side
 * of the exchange inside MQTT.js (its `handleAuth` hook answers the broker's AUTH 0x18).
 */
import { scramCredentials, scramSha256Authenticator, SCRAM_SHA_256, type ScramCredentials } from '../broker/scram.ts';
import type { EnhancedAuthenticator } from '../broker/types.ts';

export { SCRAM_SHA_256 };

/** The lab's one SCRAM user; the experiment's wrong password is any other. */
export const LAB_SCRAM_USER = 'reader';
export const LAB_SCRAM_PASSWORD = 'lab-secret';

const SALT = new TextEncoder().encode('mqtt-lab-salt');
let stored: Promise<ScramCredentials> | null = null;

/** The broker's side: stored credentials (salted, never the password) for the lab user, computed once with Web Crypto. */
export function labScramAuthenticator(): EnhancedAuthenticator {
  return scramSha256Authenticator({
    lookup: (username) => {
      if (username !== LAB_SCRAM_USER) return undefined;
      stored ??= scramCredentials(LAB_SCRAM_PASSWORD, SALT);
      return stored;
    },
  });
}
