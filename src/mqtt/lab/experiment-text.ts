/**
 * What the guided experiments say, as structured messages: a catalogue key (section `lab` of
 * src/components/i18n/en.ts and zh-cn.ts) plus values. The core picks which sentence applies
 * (that is logic: it depends on the parameters and the outcome); the catalogue holds the words,
 * one file per language. Nothing here is a sentence.
 */
import type { Params, Step } from './experiments.ts';
import { NEVER, type ConnectSpec, type LabMessage } from './types.ts';

export type { LabMessage } from './types.ts';
export type LabValues = Readonly<Record<string, string | number | boolean>>;

const m = (key: string, values?: LabValues): LabMessage => (values === undefined ? { key: `lab.${key}` } : { key: `lab.${key}`, values });

export const experimentTitle = (id: string): LabMessage => m(`exp.${id}.title`);
export const paramLabel = (id: string, param: string): LabMessage => m(`exp.${id}.param.${param}`);

/** An option of a parameter: versions and QoS levels read the same in every experiment. */
export function paramOption(id: string, param: string, option: string): LabMessage {
  if (param === 'version') return m(`opt.version.${option}`);
  if (param === 'qos' || (id === 'downgrade' && (param === 'pub' || param === 'sub'))) return m('opt.qos', { qos: option });
  return m(`exp.${id}.param.${param}.${option}`);
}

/**
 * The experiments' data named in their sentences (client ids, payloads, a library's own message):
 * values, not words of the catalogue, so the view can show them as data (translate="no") in every
 * language. The same literals as in experiments.ts.
 */
const DATA: Readonly<Record<string, LabValues>> = {
  'session': { dropped: 'qos0-offline', setting: 'queue_qos0_messages false' },
  'session-expiry': { payload: 'door open' },
  'will': { sensor: 'sensor-1', monitor: 'monitor', will: 'offline' },
  'will-delay': { sensor: 'sensor-1', will: 'offline' },
  'keepalive': { will: 'offline' },
  'empty-id': { library: 'clientId must be given if cleanSession set to 0' },
  'downgrade': { payload: 'reading' },
  'enhanced-auth': { method: 'SCRAM-SHA-256', user: 'reader' },
};
const withData = (id: string, p: Params): LabValues => ({ ...p, ...DATA[id] });

export const setupMessage = (id: string, p: Params): LabMessage => m(`exp.${id}.setup`, withData(id, p));
export const questionMessage = (id: string, p: Params): LabMessage => m(`exp.${id}.question`, withData(id, p));

/** A possible outcome, as the learner picks it. Some depend on the parameters (the retained values). */
export function choiceMessage(id: string, choice: string, p: Params): LabMessage {
  if (id === 'retained') return m(`exp.retained.choice.${p.action}.${choice}`);
  if (id === 'downgrade') return m('opt.qos', { qos: choice });
  return m(`exp.${id}.choice.${choice}`, p);
}

/** Why it came out as it did: the variant is chosen here, the words are in the catalogue. */
export function explainMessage(id: string, p: Params): LabMessage {
  switch (id) {
    case 'session': {
      const variant = p.sub === 'online' ? 'online' : p.session === 'clean' ? 'clean' : p.qos === '0' ? 'qos0' : 'queued';
      return m(`exp.session.explain.${variant}`, withData(id, p));
    }
    case 'session-expiry': return m(`exp.session-expiry.explain.${p.back === '30' ? 'kept' : 'expired'}`);
    case 'retained': return m(`exp.retained.explain.${p.action}`);
    case 'will': return m(`exp.will.explain.${p.leave}`, withData(id, p));
    case 'will-delay': return m(`exp.will-delay.explain.${p.back === 'yes' ? 'cancelled' : 'published'}`);
    case 'keepalive': return m(`exp.keepalive.explain.${p.client}`, withData(id, p));
    case 'client-id': return m(`exp.client-id.explain.${p.ids}`);
    case 'empty-id': return m(`exp.empty-id.explain.${p.variant === '5' ? 'v5' : p.variant}`);
    case 'enhanced-auth': return m(`exp.enhanced-auth.explain.${p.password === 'wrong' ? 'wrong' : 'right'}`, withData(id, p));
    case 'downgrade': {
      const pub = Number(p.pub);
      const sub = Number(p.sub);
      return m('exp.downgrade.explain', { pub, sub, relation: pub > sub ? 'lower' : pub < sub ? 'higher' : 'same' });
    }
    default: return m('exp.unknown', { id });
  }
}

/** A duration in an experiment's words: whole minutes, or seconds. */
export function durationMessage(ms: number): LabMessage {
  if (ms % 60_000 === 0 && ms >= 60_000) return m('duration.minutes', { n: ms / 60_000 });
  return m('duration.seconds', { s: ms % 1000 === 0 ? String(ms / 1000) : (ms / 1000).toFixed(1) });
}

/** The session settings of a CONNECT, as values for a template (`lab.session`). */
export function sessionValues(spec: ConnectSpec): LabValues {
  return { v5: spec.version === 5, clean: spec.clean ? 1 : 0, never: spec.sessionExpiry === NEVER, expiry: String(spec.sessionExpiry) };
}

export const sessionMessage = (spec: ConnectSpec): LabMessage => m('session', sessionValues(spec));

/** One line per scripted step. */
export function stepMessage(step: Step, configOf: (label: string) => ConnectSpec | undefined): LabMessage {
  switch (step.kind) {
    case 'connect': {
      const spec = step.spec ?? configOf(step.client);
      if (spec === undefined) return m('step.connectBare', { client: step.client });
      return m('step.connect', {
        client: step.client, version: spec.version === 5 ? '5.0' : '3.1.1', emptyId: spec.clientId === '', clientId: spec.clientId,
        ...sessionValues(spec), keepalive: String(spec.keepalive), hasWill: spec.will !== null, willTopic: spec.will?.topic ?? '', willDelay: String(spec.will?.delay ?? 0),
        hasAuth: spec.auth !== undefined, method: spec.auth?.method ?? '',
      });
    }
    case 'reconnect-if-closed': return m('step.reconnectIfClosed', { client: step.client });
    case 'raw-connect': return m('step.rawConnect', { client: step.client, ...sessionValues(step.spec) });
    case 'subscribe': return m('step.subscribe', { client: step.client, filter: step.spec.filter, qos: step.spec.qos });
    case 'publish': return m('step.publish', { client: step.client, empty: step.spec.payload === '', payload: step.spec.payload, topic: step.spec.topic, qos: step.spec.qos, retain: step.spec.retain });
    case 'disconnect': return step.spec?.reasonCode
      ? m('step.disconnectWithCode', { client: step.client, code: `0x${step.spec.reasonCode.toString(16).padStart(2, '0')}` })
      : m('step.disconnect', { client: step.client });
    case 'drop': return m('step.drop', { client: step.client });
    case 'silence': return m('step.silence', { client: step.client });
    case 'advance': {
      const d = durationMessage(step.ms);
      return m(d.key === 'lab.duration.minutes' ? 'step.advanceMinutes' : 'step.advanceSeconds', d.values);
    }
  }
}
