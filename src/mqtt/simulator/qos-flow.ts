/**
 * The model behind the QoS handshake animator: a publisher, the real broker core and a
 * subscriber, joined by a step-by-step network. A flow is a configuration plus a list of actions
 * (step, arm a fault, cut, reconnect); replaying the list from the start rebuilds any moment
 * exactly, which gives "step back" and shareable URLs for free.
 */
import { PROTOCOL_VERSION_LABELS, reasonCodeName, type Packet, type QoS } from '../codec/index.ts';
import { bytesToHex } from '../codec/binary-reader.ts';
import { SimClient, type ClientNotice, type SimClientState } from './sim-client.ts';
import { BROKER, SimNetwork, type BrokerEndpoint, type Fate, type Fault, type StepResult } from './sim-network.ts';
import type { BrokerSnapshot } from '../broker/types.ts';

export const PUBLISHER = 'publisher';
export const SUBSCRIBER = 'subscriber';
export type Client = typeof PUBLISHER | typeof SUBSCRIBER;

export interface QosFlowConfig {
  version: 4 | 5;
  publishQos: QoS;
  subscribeQos: QoS;
  /** Persistent sessions (Clean Session 0 / Clean Start 0 with a session expiry) or clean ones. */
  persistent: boolean;
  /** 5.0 only: the broker answers the PUBLISH with this PUBACK/PUBREC reason code (e.g. 0x10, 0x87). */
  brokerAckCode?: number;
  topic: string;
  payload: string;
}

export type QosFlowAction =
  | { kind: 'step' }
  | { kind: 'fault'; fault: Fault }
  | { kind: 'cut'; client: Client }
  | { kind: 'reconnect'; client: Client };

export interface BrokerFlowState {
  /** QoS 2 packet ids from the publisher the broker holds until PUBREL. */
  awaitingRelease: number[];
  /** Messages in flight to the subscriber, with what the broker waits for. */
  inflightToSubscriber: Array<{ packetId: number; qos: QoS; awaiting: string }>;
  /** Messages queued for the subscriber while it is offline. */
  queuedForSubscriber: number;
  sessions: Array<{ clientId: string; online: boolean }>;
}

/**
 * A structured message: a catalogue key (src/components/i18n, section `animator`) and its values.
 * The core returns these, never sentences; a value may itself be a message (a packet's summary,
 * a party's name) or a list of them, which the view renders first.
 */
export type NoteValue = string | number | boolean | FlowMessage | readonly FlowMessage[];
export interface FlowMessage {
  readonly key: string;
  readonly values?: Readonly<Record<string, NoteValue>>;
}

const msg = (key: string, values?: Record<string, NoteValue>): FlowMessage => (values === undefined ? { key: `animator.${key}` } : { key: `animator.${key}`, values });

/** A party's name as a message: 'publisher', 'broker', 'subscriber'. */
export const partyName = (party: string): FlowMessage => msg(`party.${party}`);

export interface FlowFrame {
  /** Number of actions applied so far. */
  index: number;
  action: QosFlowAction | null;
  arrow: {
    from: string;
    to: string;
    type: Packet['type'];
    summary: FlowMessage;
    hex: string;
    fate: Fate;
    packet: Packet;
  } | null;
  /** What happened, as messages a learner can follow once rendered. */
  notes: FlowMessage[];
  publisher: SimClientState;
  subscriber: SimClientState;
  broker: BrokerFlowState;
  /** Packets still on the wire, head first. */
  inFlight: Array<{ from: string; to: string; type: Packet['type']; held: boolean }>;
  /** The packet the next step delivers (and an armed fault hits), or null when the wire is empty. */
  next: { from: string; to: string; type: Packet['type']; summary: FlowMessage } | null;
  armedFault: Fault | null;
  /** True once nothing is in flight and no exchange is pending: the exchange is complete. */
  settled: boolean;
}

export interface FlowBroker extends BrokerEndpoint {
  inspect(): BrokerSnapshot;
}

export type BrokerFactory = (config: QosFlowConfig) => FlowBroker;

export const DEFAULT_CONFIG: QosFlowConfig = { version: 4, publishQos: 1, subscribeQos: 1, persistent: true, topic: 'door/front/unlock', payload: 'open' };

const hexCode = (code: number) => `0x${code.toString(16).padStart(2, '0')}`;

/** A packet's one-line summary (the label on its arrow), as a message. */
export function describePacket(packet: Packet): FlowMessage {
  switch (packet.type) {
    case 'PUBLISH':
      return msg('packet.publish', { qos: packet.qos, hasId: packet.packetId !== undefined, id: String(packet.packetId ?? ''), dup: packet.dup, topic: packet.topic });
    case 'PUBACK': case 'PUBREC': case 'PUBREL': case 'PUBCOMP':
      return msg('packet.ack', { type: packet.type, id: String(packet.packetId), hasCode: Boolean(packet.reasonCode), code: hexCode(packet.reasonCode ?? 0) });
    case 'SUBSCRIBE':
      return msg('packet.subscribe', { filters: packet.subscriptions.map((s) => `${s.topicFilter} QoS ${s.qos}`).join(', ') });
    case 'SUBACK':
      return msg('packet.suback', { codes: packet.reasonCodes.join(', ') });
    case 'CONNECT':
      return msg('packet.connect', { clientId: packet.clientId, clean: packet.cleanSession ? 1 : 0 });
    case 'CONNACK':
      return msg('packet.connack', { present: packet.sessionPresent ? 1 : 0, code: String(packet.reasonCode) });
    default:
      return msg('packet.other', { type: packet.type });
  }
}

/** Runs a whole flow: setup, the publish, then each action. Returns one frame per action (frame 0 is the start). */
export class QosFlow {
  readonly config: QosFlowConfig;
  readonly network: SimNetwork;
  readonly publisher: SimClient;
  readonly subscriber: SimClient;
  private readonly brokerCore: FlowBroker;
  readonly frames: FlowFrame[] = [];
  readonly subscriberFilter: string;

  constructor(config: QosFlowConfig, makeBroker: BrokerFactory) {
    this.config = config;
    this.brokerCore = makeBroker(config);
    this.network = new SimNetwork(this.brokerCore);
    const session = { protocolVersion: config.version, cleanSession: !config.persistent, sessionExpiryInterval: config.persistent ? 3600 : 0 } as const;
    this.publisher = new SimClient({ clientId: 'publisher', ...session });
    this.subscriber = new SimClient({ clientId: 'subscriber', ...session });
    this.network.add(PUBLISHER, this.publisher);
    this.network.add(SUBSCRIBER, this.subscriber);
    // Setup happens off screen: both connect, the subscriber subscribes.
    this.network.open(SUBSCRIBER);
    this.drain();
    // "No matching subscribers" (5.0 0x10) is shown honestly: the subscriber listens elsewhere.
    this.subscriberFilter = config.version === 5 && config.brokerAckCode === 0x10 ? `${config.topic}/status` : config.topic;
    this.subscriber.subscribe(this.subscriberFilter, config.subscribeQos);
    this.drain();
    this.network.open(PUBLISHER);
    this.drain();
    this.publisher.notices.length = 0;
    this.subscriber.notices.length = 0;
    this.publisher.publish(config.topic, new TextEncoder().encode(config.payload), config.publishQos);
    const pq = config.publishQos;
    const sq = config.subscribeQos;
    const version = PROTOCOL_VERSION_LABELS[config.version];
    const mismatch = this.subscriberFilter !== config.topic;
    const notes = [
      msg('note.setup', { version, persistent: config.persistent, sq, filter: this.subscriberFilter, mismatch, topic: config.topic }),
      msg('note.publisherSends', { payload: config.payload, pq, acked: pq > 0 }),
    ];
    if (pq > sq) notes.push(msg('note.downgradeAhead', { sq }));
    this.frames.push(this.frame(null, null, notes));
  }

  private drain(): void {
    for (let i = 0; i < 100 && this.network.wire.length > 0; i++) this.network.step();
  }

  apply(action: QosFlowAction): FlowFrame {
    this.publisher.notices.length = 0;
    this.subscriber.notices.length = 0;
    const wasSettled = this.frames[this.frames.length - 1]?.settled ?? false;
    let notes: FlowMessage[] = [];
    let result: StepResult | null = null;
    switch (action.kind) {
      case 'step':
        result = this.network.step();
        notes = result === null ? [wasSettled ? msg('note.complete') : msg('note.nothingInFlight')] : this.narrateStep(result);
        break;
      case 'fault': {
        const next = this.network.peek();
        this.network.arm(action.fault);
        const target: Record<string, NoteValue> = next === null ? {} : { packet: describePacket(next.packet), from: partyName(next.from), to: partyName(next.to) };
        notes = [msg(`note.arm.${action.fault}`, { named: next !== null, ...target })];
        break;
      }
      case 'cut': {
        const lost = this.network.cut(action.client);
        notes = [msg('note.cut', { who: partyName(action.client) })];
        if (lost.length > 0) notes.push(msg('note.lostOnWire', { packets: lost.map((p) => describePacket(p.packet)) }));
        notes.push(this.config.persistent ? msg('note.cutPersistent') : msg('note.cutClean'));
        break;
      }
      case 'reconnect': {
        if (this.network.isOpen(action.client)) this.network.cut(action.client);
        this.network.open(action.client);
        const flag = this.config.version === 5 ? 'Clean Start' : 'Clean Session';
        notes = [msg(this.config.persistent ? 'note.reconnectResume' : 'note.reconnectFresh', { who: partyName(action.client), flag })];
        break;
      }
    }
    let frame = this.frame(action, result, notes);
    // Say so once the exchange is over, and when it is stuck: nothing more will move without a reconnect.
    if (result !== null && frame.settled && !wasSettled) notes.push(msg('note.complete'));
    else if (result !== null && !frame.settled && frame.inFlight.length === 0) notes.push(msg('note.stalled'));
    frame = { ...frame, notes };
    this.frames.push(frame);
    return frame;
  }

  private narrateStep({ packet, fate }: StepResult): FlowMessage[] {
    const p = packet.packet;
    const base = { packet: describePacket(p), from: partyName(packet.from), to: partyName(packet.to) };
    if (fate === 'dropped') return [msg('note.step.dropped', base), lossConsequence(p, packet.from, this.config.persistent)];
    if (fate === 'delayed') return [msg('note.step.delayed', base)];
    const notes = [msg(fate === 'duplicated' ? 'note.step.duplicated' : 'note.step.delivered', base)];
    if (packet.to === BROKER) notes.push(...brokerNarration(p, this.config, packet.from, this.releasedByLastStep(p)));
    const receiver = packet.to === PUBLISHER ? this.publisher : packet.to === SUBSCRIBER ? this.subscriber : null;
    if (receiver !== null) for (const notice of receiver.notices) notes.push(clientNarration(packet.to, notice));
    return notes;
  }

  /** Did the broker still hold the id this PUBREL releases, in the frame before it? */
  private releasedByLastStep(p: Packet): boolean {
    if (p.type !== 'PUBREL') return false;
    const before = this.frames[this.frames.length - 1];
    return before?.broker.awaitingRelease.includes(p.packetId) ?? false;
  }

  private frame(action: QosFlowAction | null, result: StepResult | null, notes: FlowMessage[]): FlowFrame {
    const snapshot = this.brokerCore.inspect();
    const publisherSession = snapshot.sessions.find((s) => s.clientId === 'publisher');
    const subscriberSession = snapshot.sessions.find((s) => s.clientId === 'subscriber');
    const publisher = this.publisher.state();
    const subscriber = this.subscriber.state();
    const brokerState: BrokerFlowState = {
      awaitingRelease: publisherSession?.inflightIn.map((m) => m.packetId) ?? [],
      inflightToSubscriber: subscriberSession?.inflightOut.map((m) => ({ packetId: m.packetId, qos: m.qos, awaiting: m.awaiting })) ?? [],
      queuedForSubscriber: subscriberSession?.queue.length ?? 0,
      sessions: snapshot.sessions.map((s) => ({ clientId: s.clientId, online: s.online })),
    };
    const inFlight = this.network.wire.map((p) => ({ from: p.from, to: p.to, type: p.packet.type, held: p.holdSteps > 0 }));
    const next = this.network.peek();
    return {
      index: this.frames.length,
      action,
      arrow: result === null ? null : {
        from: result.packet.from, to: result.packet.to, type: result.packet.packet.type, summary: describePacket(result.packet.packet),
        hex: bytesToHex(result.packet.bytes), fate: result.fate, packet: result.packet.packet,
      },
      notes,
      publisher,
      subscriber,
      broker: brokerState,
      inFlight,
      next: next === null ? null : { from: next.from, to: next.to, type: next.packet.type, summary: describePacket(next.packet) },
      armedFault: this.network.armedFault,
      settled: inFlight.length === 0 && publisher.outgoing.length === 0 && subscriber.awaitingRelease.length === 0 && brokerState.awaitingRelease.length === 0
        && brokerState.inflightToSubscriber.length === 0 && brokerState.queuedForSubscriber === 0,
    };
  }
}

function lossConsequence(p: Packet, from: string, persistent: boolean): FlowMessage {
  switch (p.type) {
    case 'PUBLISH':
      // Resent only when the session resumes on a new connection (3.1.1 and 5.0 MQTT-4.4.0-1).
      return p.qos === 0 ? msg('loss.publishQos0') : msg('loss.publish', { who: partyName(from) });
    case 'PUBACK':
      return persistent ? msg('loss.puback') : msg('loss.pubackClean');
    case 'PUBREC':
      return msg('loss.pubrec');
    case 'PUBREL':
      return msg('loss.pubrel');
    case 'PUBCOMP':
      return msg('loss.pubcomp');
    default:
      return msg('loss.other');
  }
}

function brokerNarration(p: Packet, config: QosFlowConfig, from: string, released: boolean): FlowMessage[] {
  const granted = Math.min(config.publishQos, config.subscribeQos);
  const forward = msg('broker.forward', { granted, downgraded: granted < config.publishQos, pq: config.publishQos });
  if (p.type === 'PUBREL' && from === PUBLISHER) {
    return released
      ? [msg('broker.released', { id: String(p.packetId) }), ...(refused(config) ? [] : [forward])]
      : [msg('broker.pubrelUnknown')];
  }
  if (p.type !== 'PUBLISH' || from !== PUBLISHER) return [];
  const notes: FlowMessage[] = [];
  if (p.qos === 2) notes.push(p.dup ? msg('broker.qos2Resend') : msg('broker.qos2Store', { id: String(p.packetId) }));
  else if (p.qos === 1) notes.push(msg('broker.qos1'));
  if (config.version === 5 && config.brokerAckCode === 0x10) {
    notes.push(msg('broker.noMatching'));
  } else if (config.version === 5 && config.brokerAckCode !== undefined && config.brokerAckCode >= 0x80) {
    notes.push(msg('broker.refuse', { code: hexCode(config.brokerAckCode), name: reasonCodeName(p.qos === 2 ? 'PUBREC' : 'PUBACK', config.brokerAckCode, 5) }));
  } else if (p.qos < 2) {
    notes.push(forward);
  }
  return notes;
}

const refused = (config: QosFlowConfig) => config.version === 5 && config.brokerAckCode !== undefined;

function clientNarration(who: string, notice: ClientNotice): FlowMessage {
  const party = partyName(who);
  switch (notice.kind) {
    case 'delivered': {
      const d = notice.delivery;
      return d.copy === 1 ? msg('client.delivered', { who: party }) : msg('client.deliveredAgain', { who: party, copy: d.copy, qos: d.qos });
    }
    case 'duplicate-suppressed':
      return msg('client.duplicateSuppressed', { who: party, id: String(notice.packetId) });
    case 'released':
      return msg('client.released', { who: party, id: String(notice.packetId) });
    case 'completed':
      return msg('client.completed', { who: party, id: String(notice.packetId), qos: notice.qos, hasCode: Boolean(notice.reasonCode), code: hexCode(notice.reasonCode) });
    case 'publish-refused':
      return msg('client.publishRefused', { who: party, id: String(notice.packetId), code: hexCode(notice.reasonCode) });
    case 'session':
      return msg(notice.present ? 'client.sessionPresent' : 'client.noSession', { who: party });
    case 'resent':
      return msg(notice.packetType === 'PUBLISH' ? 'client.resentPublish' : 'client.resentPubrel', { who: party, id: String(notice.packetId) });
  }
}

/** Rebuilds a flow from its configuration and actions (the URL state). */
export function replay(config: QosFlowConfig, actions: QosFlowAction[], makeBroker: BrokerFactory): QosFlow {
  const flow = new QosFlow(config, makeBroker);
  for (const action of actions) flow.apply(action);
  return flow;
}

export { BROKER };
