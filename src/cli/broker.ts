/**
 * npm run broker -- [--port 1883] [--ws-port 8083] [--host 127.0.0.1] [--quiet]
 * Runs the MQTT Lab broker (the same one the site runs in the page) on TCP and WebSocket, printing
 * one line per connection, subscription and publish. Ctrl-C stops it.
 */
import { startNodeBroker } from './node-broker.ts';

const USAGE = `Usage: npm run broker -- [--port 1883] [--ws-port 8083] [--host 127.0.0.1] [--quiet]
  --port N      MQTT over TCP on port N (default 1883; 0 = any free port; "off" = none)
  --ws-port N   MQTT over WebSocket on port N, paths /mqtt and / (default 8083; "off" = none)
  --host H      address to listen on (default 127.0.0.1; 0.0.0.0 for every interface)
  --quiet       print only the listening addresses`;

interface Options { port: number | null; wsPort: number | null; host: string; quiet: boolean }

function parseArguments(argv: string[]): Options {
  const options: Options = { port: 1883, wsPort: 8083, host: '127.0.0.1', quiet: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const [name, inline] = arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    const value = () => inline ?? argv[++i] ?? fail(`${name} needs a value\n\n${USAGE}`);
    if (name === '--help' || name === '-h') { console.log(USAGE); process.exit(0); }
    else if (name === '--port') options.port = port(value(), name);
    else if (name === '--ws-port') options.wsPort = port(value(), name);
    else if (name === '--host') options.host = value();
    else if (name === '--quiet') options.quiet = true;
    else fail(`Unknown option ${arg}\n\n${USAGE}`);
  }
  if (options.port === null && options.wsPort === null) fail('Nothing to listen on: give --port or --ws-port');
  return options;
}

function port(text: string, name: string): number | null {
  if (text === 'off') return null;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 0 || n > 65535) fail(`${name} takes a port number from 0 to 65535 (or "off"), not ${JSON.stringify(text)}`);
  return n;
}

function fail(message: string): never {
  console.error(message);
  process.exit(2);
}

async function main(): Promise<void> {
  const options = parseArguments(process.argv.slice(2));
  const time = () => new Date().toISOString().slice(11, 23);
  const running = await startNodeBroker({
    port: options.port,
    wsPort: options.wsPort,
    host: options.host,
    log: options.quiet ? undefined : (line) => console.log(`${time()} ${line}`),
  });
  if (running.port !== null) console.log(`MQTT broker listening on mqtt://${running.host}:${running.port}`);
  if (running.wsPort !== null) console.log(`MQTT over WebSocket on ws://${running.host}:${running.wsPort}/mqtt`);
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`${signal}: stopping`);
    running.close().then(() => {
      console.log('stopped');
      process.exit(0);
    }, (error: unknown) => {
      console.error(error);
      process.exit(1);
    });
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
