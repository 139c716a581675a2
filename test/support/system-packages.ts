/**
 * Installs the Debian packages a system test needs (mosquitto, tshark, …) when their binaries are
 * missing: only as root on a machine with apt-get, as in CI. Never throws: the caller decides what
 * a failure means (the tshark agreement test fails loudly rather than skipping).
 */
import { spawnSync } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

export interface EnsureResult {
  ok: boolean;
  /** Binaries still missing after any install attempt. */
  missing: string[];
  /** What was done, with the output of apt-get when it ran. */
  log: string;
}

/** sbin directories are not on a non-root PATH, yet mosquitto lives in /usr/sbin. */
const EXTRA_DIRS = ['/usr/local/sbin', '/usr/sbin', '/sbin'];

/** Absolute path of an executable found on PATH (or in the sbin directories), else null. */
export function findBinary(name: string): string | null {
  if (name.includes('/')) return isExecutable(name) ? name : null;
  const dirs = [...(process.env.PATH ?? '').split(delimiter).filter((d) => d !== ''), ...EXTRA_DIRS];
  for (const dir of dirs) {
    const candidate = join(dir, name);
    if (isExecutable(candidate)) return candidate;
  }
  return null;
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

let aptUpdated = false;

const APT_ENV = { ...process.env, DEBIAN_FRONTEND: 'noninteractive', NEEDRESTART_MODE: 'a' };

function run(command: string, args: string[], timeoutMs: number, input?: string): { ok: boolean; text: string } {
  const result = spawnSync(command, args, {
    env: APT_ENV,
    input,
    stdio: ['pipe', 'pipe', 'pipe'],
    timeout: timeoutMs,
    killSignal: 'SIGKILL',
    maxBuffer: 64 * 1024 * 1024,
    encoding: 'utf8',
  });
  const tail = (s: string | null | undefined) => (s ?? '').split('\n').slice(-40).join('\n');
  let text = `$ ${command} ${args.join(' ')}\n${tail(result.stdout)}${tail(result.stderr)}`;
  if (result.error !== undefined) text += `\n(error: ${result.error.message})`;
  if (result.signal !== null) text += `\n(killed by ${result.signal}${result.error?.message.includes('ETIMEDOUT') ? ', timed out' : ''})`;
  return { ok: result.status === 0, text };
}

/**
 * `commands` maps a binary to the Debian package that provides it, e.g.
 * `{ mosquitto: 'mosquitto', mosquitto_pub: 'mosquitto-clients', tshark: 'tshark' }`.
 */
export function ensureDebianPackages(commands: Record<string, string>): EnsureResult {
  const log: string[] = [];
  try {
    const missingNow = () => Object.keys(commands).filter((binary) => findBinary(binary) === null);
    let missing = missingNow();
    if (missing.length === 0) return { ok: true, missing, log: 'all binaries present' };
    const packages = [...new Set(missing.map((binary) => commands[binary]!))];
    log.push(`missing binaries: ${missing.join(', ')} (packages: ${packages.join(', ')})`);

    const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
    const aptGet = findBinary('apt-get');
    if (!isRoot || aptGet === null) {
      log.push(isRoot ? 'apt-get not found: cannot install' : 'not running as root: cannot install with apt-get');
      return { ok: false, missing, log: log.join('\n') };
    }

    if (packages.includes('tshark') || packages.includes('wireshark-common')) {
      // wireshark-common asks whether non-root users may capture; answer "no" up front.
      const debconf = findBinary('debconf-set-selections');
      if (debconf !== null) {
        log.push(run(debconf, [], 30_000, 'wireshark-common wireshark-common/install-setuid boolean false\n').text);
      }
    }
    if (!aptUpdated) {
      const update = run(aptGet, ['update'], 300_000);
      log.push(update.text);
      // A failed update may still leave usable lists; try installing anyway.
      aptUpdated = update.ok;
    }
    const install = run(aptGet, ['install', '-y', '--no-install-recommends', ...packages], 900_000);
    log.push(install.text);

    missing = missingNow();
    if (missing.length > 0) log.push(`still missing after install: ${missing.join(', ')}`);
    return { ok: missing.length === 0, missing, log: log.join('\n') };
  } catch (error) {
    log.push(`unexpected error: ${error instanceof Error ? error.stack ?? error.message : String(error)}`);
    const missing = Object.keys(commands).filter((binary) => {
      try { return findBinary(binary) === null; } catch { return true; }
    });
    return { ok: false, missing, log: log.join('\n') };
  }
}
