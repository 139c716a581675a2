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

export interface FlowFrame {
  /** Number of actions applied so far. */
  index: number;
  action: QosFlowAction | null;
  arrow: {
    from: string;
    to: string;
    type: Packet['type'];
    summary: string;
    hex: string;
    fate: Fate;
    packet: Packet;
  } | null;
  /** What happened, in sentences a learner can follow. */
  notes: string[];
  publisher: SimClientState;
  subscriber: SimClientState;
  broker: BrokerFlowState;
  /** Packets still on the wire, head first. */
  inFlight: Array<{ from: string; to: string; type: Packet['type']; held: boolean }>;
  armedFault: Fault | null;
  /** True once nothing is in flight and no exchange is pending. */
  settled: boolean;
}

export interface FlowBroker extends BrokerEndpoint {
  inspect(): BrokerSnapshot;
}

export type BrokerFactory = (config: QosFlowConfig) => FlowBroker;

export const DEFAULT_CONFIG: QosFlowConfig = { version: 4, publishQos: 1, subscribeQos: 1, persistent: true, topic: 'door/front/unlock', payload: 'open' };

export function describePacket(packet: Packet): string {
  switch (packet.type) {
    case 'PUBLISH':
      return `PUBLISH QoS ${packet.qos}${packet.packetId !== undefined ? ` id ${packet.packetId}` : ''}${packet.dup ? ' DUP' : ''} "${packet.topic}"`;
    case 'PUBACK': case 'PUBREC': case 'PUBREL': case 'PUBCOMP':
      return `${packet.type} id ${packet.packetId}${packet.reasonCode ? ` 0x${packet.reasonCode.toString(16).padStart(2, '0')}` : ''}`;
    case 'SUBSCRIBE':
      return `SUBSCRIBE ${packet.subscriptions.map((s) => `${s.topicFilter} QoS ${s.qos}`).join(', ')}`;
    case 'SUBACK':
      return `SUBACK ${packet.reasonCodes.join(', ')}`;
    case 'CONNECT':
      return `CONNECT ${packet.clientId} clean=${packet.cleanSession ? 1 : 0}`;
    case 'CONNACK':
      return `CONNACK session present=${packet.sessionPresent ? 1 : 0} code ${packet.reasonCode}`;
    default:
      return packet.type;
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
    const notes = [
      `MQTT ${PROTOCOL_VERSION_LABELS[config.version]}, ${config.persistent ? 'persistent sessions' : 'clean sessions'}. The subscriber holds a QoS ${sq} subscription to "${this.subscriberFilter}"${this.subscriberFilter !== config.topic ? `, which does not match "${config.topic}": nobody will receive this message` : ''}.`,
      `The publisher sends "${config.payload}" at QoS ${pq}${pq > 0 ? ', keeping a copy until the exchange completes' : ' and forgets it at once: nobody will acknowledge it'}.`,
    ];
    if (pq > sq) notes.push(`The subscriber will receive it at QoS ${sq}: a broker delivers at the lower of the publish QoS and the subscription's granted QoS.`);
    this.frames.push(this.frame(null, null, notes));
  }

  private drain(): void {
    for (let i = 0; i < 100 && this.network.wire.length > 0; i++) this.network.step();
  }

  apply(action: QosFlowAction): FlowFrame {
    this.publisher.notices.length = 0;
    this.subscriber.notices.length = 0;
    let notes: string[] = [];
    let result: StepResult | null = null;
    switch (action.kind) {
      case 'step':
        result = this.network.step();
        notes = result === null ? ['Nothing is in flight. Cut a connection and reconnect, or restart with other settings.'] : this.narrateStep(result);
        break;
      case 'fault':
        this.network.arm(action.fault);
        notes = [action.fault === 'drop' ? 'The network will lose the next packet.' : action.fault === 'duplicate' ? 'The network will deliver the next packet twice.' : 'The network will hold the next packet back for a few steps.'];
        break;
      case 'cut': {
        const lost = this.network.cut(action.client);
        notes = [`The ${action.client}'s connection breaks without a DISCONNECT.`];
        if (lost.length > 0) notes.push(`Lost on the wire: ${lost.map((p) => describePacket(p.packet)).join('; ')}.`);
        notes.push(this.config.persistent
          ? 'Its session survives on both sides: the unfinished exchanges can resume on the next connection.'
          : 'With a clean session, the broker throws the session away when the connection ends; whatever was unfinished is lost.');
        break;
      }
      case 'reconnect':
        if (this.network.isOpen(action.client)) this.network.cut(action.client);
        this.network.open(action.client);
        notes = [`The ${action.client} connects again with ${this.config.persistent ? 'Clean Session 0: it asks to resume its session' : 'Clean Session 1: a fresh start'}.`];
        break;
    }
    const frame = this.frame(action, result, notes);
    this.frames.push(frame);
    return frame;
  }

  private narrateStep({ packet, fate }: StepResult): string[] {
    const p = packet.packet;
    const arrow = `${describePacket(p)} from ${packet.from} to ${packet.to}`;
    if (fate === 'dropped') return [`${arrow}: lost by the network.`, lossConsequence(p, packet.from)];
    if (fate === 'delayed') return [`${arrow}: held back by the network; packets behind it on this connection wait too.`];
    const notes = [fate === 'duplicated' ? `${arrow}: delivered, and a second copy follows.` : `${arrow}.`];
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

  private frame(action: QosFlowAction | null, result: StepResult | null, notes: string[]): FlowFrame {
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
      armedFault: this.network.armedFault,
      settled: inFlight.length === 0 && publisher.outgoing.length === 0 && brokerState.awaitingRelease.length === 0 && brokerState.inflightToSubscriber.length === 0,
    };
  }
}

function lossConsequence(p: Packet, from: string): string {
  switch (p.type) {
    case 'PUBLISH':
      return p.qos === 0
        ? 'At QoS 0 nobody will notice or resend it: the message is simply gone.'
        : `The ${from} still holds the message and will resend it with DUP=1 when its session resumes on a new connection; MQTT never resends on a timer within one connection.`;
    case 'PUBACK':
      return 'The sender of the PUBLISH cannot tell whether it arrived, so it keeps it and will resend it after reconnecting. If the receiver already delivered it, that resend is a duplicate: this is why QoS 1 is "at least once".';
    case 'PUBREC':
      return 'The sender of the PUBLISH will resend it after reconnecting. The receiver still has the packet id stored, so it will recognise the resend and not deliver twice.';
    case 'PUBREL':
      return 'The receiver keeps the packet id stored; the sender will resend PUBREL after reconnecting. The message was delivered exactly once already.';
    case 'PUBCOMP':
      return 'The sender will resend PUBREL after reconnecting, and the receiver will answer with PUBCOMP again. No second delivery can happen at this stage.';
    default:
      return 'The exchange it belonged to will have to start again on a new connection.';
  }
}

function brokerNarration(p: Packet, config: QosFlowConfig, from: string, released: boolean): string[] {
  const granted = Math.min(config.publishQos, config.subscribeQos);
  const forward = `It forwards the message to the subscriber at QoS ${granted}${granted < config.publishQos ? ` (downgraded from ${config.publishQos} by the subscription)` : ''}.`;
  if (p.type === 'PUBREL' && from === PUBLISHER) {
    return released
      ? [`PUBREL: the broker forgets packet id ${p.packetId}. Like mosquitto, it passes a QoS 2 message on only now, once the publisher has released it.`, ...(refused(config) ? [] : [forward])]
      : ['The broker no longer holds this packet id (the exchange already finished), so it simply answers PUBCOMP.'];
  }
  if (p.type !== 'PUBLISH' || from !== PUBLISHER) return [];
  const notes: string[] = [];
  if (p.qos === 2) notes.push(p.dup ? 'The broker checks the packet id: it still holds it awaiting PUBREL, so this is a resend of a message it already has. It answers PUBREC again and will not pass the message on twice.' : `The broker stores the message under packet id ${p.packetId} until PUBREL and answers PUBREC.`);
  else if (p.qos === 1) notes.push('The broker takes ownership of the message and answers PUBACK.');
  if (config.version === 5 && config.brokerAckCode === 0x10) {
    notes.push('No subscription matches the topic, so a 5.0 broker says so in its acknowledgement: reason code 0x10 No matching subscribers. The message is still accepted; the reason code is information, not an error.');
  } else if (config.version === 5 && config.brokerAckCode !== undefined && config.brokerAckCode >= 0x80) {
    notes.push(`Configured to refuse it: the broker answers with reason code 0x${config.brokerAckCode.toString(16)} (${reasonCodeName(p.qos === 2 ? 'PUBREC' : 'PUBACK', config.brokerAckCode, 5)}) and does not forward it.`);
  } else if (p.qos < 2) {
    notes.push(forward);
  }
  return notes;
}

const refused = (config: QosFlowConfig) => config.version === 5 && config.brokerAckCode !== undefined;

function clientNarration(who: string, notice: ClientNotice): string {
  switch (notice.kind) {
    case 'delivered':
      return notice.delivery.copy === 1
        ? `The ${who} hands the message to its application.`
        : `The ${who} hands the message to its application AGAIN (copy ${notice.delivery.copy}): a duplicate. QoS ${notice.delivery.qos} ${notice.delivery.qos === 1 ? 'promises at least once, not exactly once' : 'did not protect this message'}.`;
    case 'duplicate-suppressed':
      return `The ${who} still holds packet id ${notice.packetId} awaiting PUBREL, so it recognises the resend: it answers PUBREC but does not deliver again.`;
    case 'released':
      return `PUBREL: the ${who} forgets packet id ${notice.packetId}; the exchange can no longer produce a duplicate.`;
    case 'completed':
      return `The ${who} discards its copy of message ${notice.packetId}: QoS ${notice.qos} exchange complete${notice.reasonCode ? ` (reason code 0x${notice.reasonCode.toString(16)})` : ''}.`;
    case 'publish-refused':
      return `The ${who}'s message ${notice.packetId} was refused with reason code 0x${notice.reasonCode.toString(16)}; a 5.0 PUBREC of 0x80 or more ends the exchange, with no PUBREL.`;
    case 'session':
      return notice.present ? `CONNACK says session present: the ${who} resumes where it was.` : `CONNACK says no session: the ${who} starts afresh and drops anything it was still holding.`;
    case 'resent':
      return notice.packetType === 'PUBLISH' ? `The ${who} resends its unacknowledged PUBLISH id ${notice.packetId} with DUP=1.` : `The ${who} resends PUBREL id ${notice.packetId}.`;
  }
}

/** Rebuilds a flow from its configuration and actions (the URL state). */
export function replay(config: QosFlowConfig, actions: QosFlowAction[], makeBroker: BrokerFactory): QosFlow {
  const flow = new QosFlow(config, makeBroker);
  for (const action of actions) flow.apply(action);
  return flow;
}

export { BROKER };
