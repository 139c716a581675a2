/**
 * The animator's shareable state: configuration, the actions taken, and the cursor (how many of
 * them are shown). Kept in the URL, so a link or an embed reproduces the exact moment. Anything
 * in a URL may have been tampered with: parsing validates every field and says what is wrong.
 */
import type { QoS } from '../../mqtt/codec/index.ts';
import type { Message } from '../i18n/catalogue.ts';
import { clip as clipShared } from '../shared/url-hash.ts';
import type { FlowFrame } from '../../mqtt/simulator/qos-flow.ts';
import { DEFAULT_CONFIG, type Client, type QosFlowAction, type QosFlowConfig } from '../../mqtt/simulator/qos-flow.ts';

export interface AnimatorState {
  config: QosFlowConfig;
  actions: QosFlowAction[];
  /** Actions applied for the frame on screen (0 = the start). */
  cursor: number;
}

export const MAX_ACTIONS = 400;

const ACTION_CODES: Array<[string, QosFlowAction]> = [
  ['s', { kind: 'step' }],
  ['fd', { kind: 'fault', fault: 'drop' }],
  ['fu', { kind: 'fault', fault: 'duplicate' }],
  ['fl', { kind: 'fault', fault: 'delay' }],
  ['cp', { kind: 'cut', client: 'publisher' }],
  ['cs', { kind: 'cut', client: 'subscriber' }],
  ['rp', { kind: 'reconnect', client: 'publisher' }],
  ['rs', { kind: 'reconnect', client: 'subscriber' }],
];

export function actionCode(action: QosFlowAction): string {
  const found = ACTION_CODES.find(([, a]) => JSON.stringify(a) === JSON.stringify(action));
  if (found === undefined) throw new Error(`No code for ${JSON.stringify(action)}`);
  return found[0];
}

const ACK_CODES = new Set([0x10, 0x80, 0x83, 0x87, 0x90, 0x91, 0x97, 0x99]);

export function initialState(config: Partial<QosFlowConfig> = {}): AnimatorState {
  return { config: { ...DEFAULT_CONFIG, ...config }, actions: [], cursor: 0 };
}

export function serialize(state: AnimatorState): string {
  const c = state.config;
  const params = new URLSearchParams();
  params.set('v', c.version === 5 ? '5' : '3.1.1');
  params.set('pq', String(c.publishQos));
  params.set('sq', String(c.subscribeQos));
  params.set('session', c.persistent ? 'persistent' : 'clean');
  if (c.brokerAckCode !== undefined) params.set('ack', c.brokerAckCode.toString(16));
  if (c.topic !== DEFAULT_CONFIG.topic) params.set('topic', c.topic);
  if (c.payload !== DEFAULT_CONFIG.payload) params.set('payload', c.payload);
  if (state.actions.length > 0) params.set('a', state.actions.map(actionCode).join('.'));
  if (state.cursor !== state.actions.length) params.set('at', String(state.cursor));
  return params.toString();
}

/** A link problem is a catalogue message (`animator.error.…`), shown in the page's language. */
export type ParseResult = { ok: true; state: AnimatorState } | { ok: false; error: Message; state: AnimatorState };

/** Reads a query string (with or without "?" or "#"). Unknown parameters are ignored. */
export function parse(query: string): ParseResult {
  const params = new URLSearchParams(query.replace(/^[?#]/, ''));
  const fallback = initialState();
  const fail = (key: string, values?: Message['values']): ParseResult => ({ ok: false, error: { key: `animator.error.${key}`, values }, state: fallback });
  const config: QosFlowConfig = { ...DEFAULT_CONFIG };
  const v = params.get('v');
  if (v !== null) {
    if (v === '5' || v === '5.0') config.version = 5;
    else if (v === '3.1.1' || v === '4') config.version = 4;
    else return fail('version', { value: clip(v) });
  }
  for (const key of ['pq', 'sq'] as const) {
    const raw = params.get(key);
    if (raw === null) continue;
    if (raw !== '0' && raw !== '1' && raw !== '2') return fail('qos', { which: key, value: clip(raw) });
    if (key === 'pq') config.publishQos = Number(raw) as QoS;
    else config.subscribeQos = Number(raw) as QoS;
  }
  const session = params.get('session');
  if (session !== null) {
    if (session !== 'persistent' && session !== 'clean') return fail('session', { value: clip(session) });
    config.persistent = session === 'persistent';
  }
  const ack = params.get('ack');
  if (ack !== null) {
    const code = /^[0-9a-f]{1,2}$/i.test(ack) ? parseInt(ack, 16) : NaN;
    if (!ACK_CODES.has(code)) return fail('ack', { value: clip(ack) });
    if (config.version !== 5) return fail('ackVersion');
    config.brokerAckCode = code;
  }
  for (const key of ['topic', 'payload'] as const) {
    const raw = params.get(key);
    if (raw === null) continue;
    if (raw.length === 0 || raw.length > 200) return fail('length', { field: key });
    if (key === 'topic' && /[+#\u0000]/.test(raw)) return fail('wildcard');
    if (/[\ud800-\udfff]/.test(raw.replace(/[\ud800-\udbff][\udc00-\udfff]/g, ''))) return fail('text', { field: key });
    config[key] = raw;
  }
  const actions: QosFlowAction[] = [];
  const list = params.get('a');
  if (list !== null && list !== '') {
    const codes = list.split('.');
    if (codes.length > MAX_ACTIONS) return fail('tooMany', { count: codes.length, max: MAX_ACTIONS });
    for (const code of codes) {
      const found = ACTION_CODES.find(([c]) => c === code);
      if (found === undefined) return fail('unknownStep', { value: clip(code) });
      actions.push(found[1]);
    }
  }
  let cursor = actions.length;
  const at = params.get('at');
  if (at !== null) {
    if (!/^\d{1,4}$/.test(at) || Number(at) > actions.length) return fail('position', { value: clip(at), count: actions.length });
    cursor = Number(at);
  }
  return { ok: true, state: { config, actions, cursor } };
}

/** A value quoted back in a link problem, cut short (the shared module's clip). */
const clip = (text: string): string => clipShared(text, 24);

/** Appends an action at the cursor, dropping any "future" that was stepped back over. */
export function perform(state: AnimatorState, action: QosFlowAction): AnimatorState {
  const actions = [...state.actions.slice(0, state.cursor), action];
  return { ...state, actions, cursor: actions.length };
}

export function moveCursor(state: AnimatorState, cursor: number): AnimatorState {
  return { ...state, cursor: Math.max(0, Math.min(state.actions.length, cursor)) };
}

export const cutAction = (client: Client): QosFlowAction => ({ kind: 'cut', client });

/**
 * Whether "Step" can do anything: move forward through recorded actions, or deliver a packet that
 * is on the wire. Once the exchange is complete (or stuck until a reconnect), stepping would only
 * count empty steps, so Step and Play stop there.
 */
export function canStepForward(state: AnimatorState, frame: Pick<FlowFrame, 'inFlight'>): boolean {
  return state.cursor < state.actions.length || frame.inFlight.length > 0;
}
