/**
 * The lab's shareable state in the URL hash: which experiment with which parameters, and whether
 * the clients go to the in-browser broker or to a real one (and its WebSocket URL). Anything in a
 * URL may have been tampered with, so parsing checks every field and says what is wrong.
 *
 *   #x=session&version=3.1.1&session=persistent&qos=1&sub=offline
 *   #x=will&leave=drop&mode=broker&url=ws%3A%2F%2F127.0.0.1%3A9001
 */
import { defaultParams, EXPERIMENTS, experimentById, type Params } from './experiments.ts';
import type { LabMessage } from './types.ts';

export type LabMode = 'browser' | 'broker';

export interface LabUrlState {
  experiment: string;
  params: Params;
  mode: LabMode;
  /** The real broker's WebSocket URL (kept even in browser mode, so switching back is easy). */
  url: string;
}

export const DEFAULT_BROKER_URL = 'ws://127.0.0.1:9001';
export const MAX_URL_LENGTH = 200;

export function initialUrlState(experiment = EXPERIMENTS[0]!.id, params?: Params): LabUrlState {
  const def = experimentById(experiment) ?? EXPERIMENTS[0]!;
  return { experiment: def.id, params: { ...defaultParams(def), ...params }, mode: 'browser', url: DEFAULT_BROKER_URL };
}

export function serialize(state: LabUrlState): string {
  const out = new URLSearchParams();
  out.set('x', state.experiment);
  const def = experimentById(state.experiment);
  for (const param of def?.params ?? []) {
    const value = state.params[param.key];
    if (value !== undefined) out.set(param.key, value);
  }
  if (state.mode === 'broker') out.set('mode', 'broker');
  if (state.mode === 'broker' || state.url !== DEFAULT_BROKER_URL) out.set('url', state.url);
  return out.toString();
}

/** A problem with a link is a catalogue message (`lab.link.…`), shown in the page's language. */
export type ParseResult = { ok: true; state: LabUrlState } | { ok: false; error: LabMessage; state: LabUrlState };

/**
 * Reads a query string (with or without "#" or "?"). `allowed` limits the experiments (a guide
 * page offers only its own). Unknown keys are ignored; every known one is checked.
 */
export function parse(query: string, fallback: LabUrlState = initialUrlState(), allowed?: readonly string[]): ParseResult {
  const input = new URLSearchParams(query.replace(/^[#?]/, ''));
  const fail = (error: LabMessage): ParseResult => ({ ok: false, error, state: fallback });
  const id = input.get('x') ?? fallback.experiment;
  const def = experimentById(id);
  if (def === undefined || (allowed !== undefined && !allowed.includes(id))) {
    const offered = allowed ?? EXPERIMENTS.map((e) => e.id);
    return fail({ key: 'lab.link.experiment', values: { id: clip(id), offered: offered.join(', ') } });
  }
  const params: Params = defaultParams(def);
  for (const param of def.params) {
    const raw = input.get(param.key);
    if (raw === null) continue;
    if (!param.options.includes(raw)) return fail({ key: 'lab.link.param', values: { param: param.key, value: clip(raw), options: param.options.join(', ') } });
    params[param.key] = raw;
  }
  const invalid = def.invalid?.(params);
  if (invalid != null) return fail({ key: 'lab.link.invalid', values: { reason: invalid.key } });

  let mode: LabMode = 'browser';
  const rawMode = input.get('mode');
  if (rawMode !== null) {
    if (rawMode !== 'browser' && rawMode !== 'broker') return fail({ key: 'lab.link.mode', values: { value: clip(rawMode), browser: 'browser', broker: 'broker' } });
    mode = rawMode;
  }
  let url = fallback.url;
  const rawUrl = input.get('url');
  if (rawUrl !== null) {
    const problem = brokerUrlProblem(rawUrl);
    if (problem !== null) return fail({ key: 'lab.link.url', values: { problem: problem.key, ...problem.values } });
    url = rawUrl;
  }
  return { ok: true, state: { experiment: id, params, mode, url } };
}

/** Why a string is not a usable MQTT-over-WebSocket URL (a `lab.url.…` message), or null if it is one. */
export function brokerUrlProblem(url: string): LabMessage | null {
  if (url.length === 0) return { key: 'lab.url.empty' };
  if (url.length > MAX_URL_LENGTH) return { key: 'lab.url.tooLong', values: { max: MAX_URL_LENGTH } };
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return { key: 'lab.url.notUrl', values: { value: clip(url) } };
  }
  if (parsed.protocol !== 'ws:' && parsed.protocol !== 'wss:') {
    return { key: 'lab.url.scheme', values: { scheme: parsed.protocol.replace(/:$/, ''), tcp: parsed.protocol === 'mqtt:' || parsed.protocol === 'tcp:' || parsed.protocol === 'mqtts:' } };
  }
  if (parsed.username !== '' || parsed.password !== '') return { key: 'lab.url.credentials' };
  if (parsed.hash !== '') return { key: 'lab.url.fragment' };
  return null;
}

/** ws:// from an https:// page is blocked as mixed content, except to this machine. */
export function isMixedContent(pageProtocol: string, url: string): boolean {
  if (pageProtocol !== 'https:') return false;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  if (parsed.protocol !== 'ws:') return false;
  const host = parsed.hostname.replace(/^\[|\]$/g, '');
  return !(host === 'localhost' || host.endsWith('.localhost') || host === '::1' || /^127\./.test(host));
}

function clip(text: string): string {
  return text.length > 32 ? `${text.slice(0, 32)}…` : text;
}
