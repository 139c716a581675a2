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

/** Narration language: the flow explains itself in English or Simplified Chinese. */
export type NarrationLanguage = 'en' | 'zh';
type Say = (en: string, zh: string) => string;
const sayer = (lang: NarrationLanguage): Say => (en, zh) => (lang === 'zh' ? zh : en);
const PARTY_ZH: Record<string, string> = { publisher: '发布者', subscriber: '订阅者', broker: '代理服务器' };

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

  private readonly say: Say;

  constructor(config: QosFlowConfig, makeBroker: BrokerFactory, lang: NarrationLanguage = 'en') {
    this.config = config;
    this.say = sayer(lang);
    const say = this.say;
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
      say(`MQTT ${version}, ${config.persistent ? 'persistent sessions' : 'clean sessions'}. The subscriber holds a QoS ${sq} subscription to "${this.subscriberFilter}"${mismatch ? `, which does not match "${config.topic}": nobody will receive this message` : ''}.`,
        `MQTT ${version}，${config.persistent ? '持久会话' : '清除会话'}。订阅者持有对 "${this.subscriberFilter}" 的 QoS ${sq} 订阅${mismatch ? `，它与 "${config.topic}" 不匹配：没有人会收到这条消息` : ''}。`),
      say(`The publisher sends "${config.payload}" at QoS ${pq}${pq > 0 ? ', keeping a copy until the exchange completes' : ' and forgets it at once: nobody will acknowledge it'}.`,
        `发布者以 QoS ${pq} 发送 "${config.payload}"${pq > 0 ? '，并保留一份副本，直到这次交互完成' : '，发完立即忘掉：没有人会确认它'}。`),
    ];
    if (pq > sq) notes.push(say(`The subscriber will receive it at QoS ${sq}: a broker delivers at the lower of the publish QoS and the subscription's granted QoS.`,
      `订阅者将以 QoS ${sq} 收到它：代理服务器按发布 QoS 与订阅授予的 QoS 中较低的那个投递。`));
    this.frames.push(this.frame(null, null, notes));
  }

  private drain(): void {
    for (let i = 0; i < 100 && this.network.wire.length > 0; i++) this.network.step();
  }

  apply(action: QosFlowAction): FlowFrame {
    const say = this.say;
    this.publisher.notices.length = 0;
    this.subscriber.notices.length = 0;
    let notes: string[] = [];
    let result: StepResult | null = null;
    switch (action.kind) {
      case 'step':
        result = this.network.step();
        notes = result === null ? [say('Nothing is in flight. Cut a connection and reconnect, or restart with other settings.', '网络上没有报文在传输。可以断开某个连接再重连，或换个设置重新开始。')] : this.narrateStep(result);
        break;
      case 'fault':
        this.network.arm(action.fault);
        notes = [action.fault === 'drop' ? say('The network will lose the next packet.', '网络将丢失下一个报文。')
          : action.fault === 'duplicate' ? say('The network will deliver the next packet twice.', '网络将把下一个报文投递两次。')
            : say('The network will hold the next packet back for a few steps.', '网络将把下一个报文扣留几步。')];
        break;
      case 'cut': {
        const lost = this.network.cut(action.client);
        notes = [say(`The ${action.client}'s connection breaks without a DISCONNECT.`, `${PARTY_ZH[action.client]}的连接在没有 DISCONNECT 的情况下断开了。`)];
        if (lost.length > 0) notes.push(say(`Lost on the wire: ${lost.map((p) => describePacket(p.packet)).join('; ')}.`, `在途中丢失：${lost.map((p) => describePacket(p.packet)).join('；')}。`));
        notes.push(this.config.persistent
          ? say('Its session survives on both sides: the unfinished exchanges can resume on the next connection.', '双方的会话都还在：未完成的交互可以在下一个连接上继续。')
          : say('With a clean session, the broker throws the session away when the connection ends; whatever was unfinished is lost.', '使用清除会话时，连接一断，代理服务器就丢弃会话；所有未完成的交互都丢失了。'));
        break;
      }
      case 'reconnect': {
        if (this.network.isOpen(action.client)) this.network.cut(action.client);
        this.network.open(action.client);
        const flag = this.config.version === 5 ? 'Clean Start' : 'Clean Session';
        notes = [this.config.persistent
          ? say(`The ${action.client} connects again with ${flag} 0: it asks to resume its session.`, `${PARTY_ZH[action.client]}以 ${flag} 0 重新连接：请求恢复原来的会话。`)
          : say(`The ${action.client} connects again with ${flag} 1: a fresh start.`, `${PARTY_ZH[action.client]}以 ${flag} 1 重新连接：从头开始。`)];
        break;
      }
    }
    const frame = this.frame(action, result, notes);
    this.frames.push(frame);
    return frame;
  }

  private narrateStep({ packet, fate }: StepResult): string[] {
    const say = this.say;
    const p = packet.packet;
    const en = `${describePacket(p)} from ${packet.from} to ${packet.to}`;
    const zh = `${describePacket(p)}，从${PARTY_ZH[packet.from]}到${PARTY_ZH[packet.to]}`;
    if (fate === 'dropped') return [say(`${en}: lost by the network.`, `${zh}：被网络丢失。`), lossConsequence(say, p, packet.from, this.config.persistent)];
    if (fate === 'delayed') return [say(`${en}: held back by the network; packets behind it on this connection wait too.`, `${zh}：被网络扣留；这个连接上排在它后面的报文也得等着。`)];
    const notes = [fate === 'duplicated' ? say(`${en}: delivered, and a second copy follows.`, `${zh}：已送达，后面还跟着一份副本。`) : say(`${en}.`, `${zh}。`)];
    if (packet.to === BROKER) notes.push(...brokerNarration(say, p, this.config, packet.from, this.releasedByLastStep(p)));
    const receiver = packet.to === PUBLISHER ? this.publisher : packet.to === SUBSCRIBER ? this.subscriber : null;
    if (receiver !== null) for (const notice of receiver.notices) notes.push(clientNarration(say, packet.to, notice));
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

function lossConsequence(say: Say, p: Packet, from: string, persistent: boolean): string {
  switch (p.type) {
    case 'PUBLISH':
      return p.qos === 0
        ? say('At QoS 0 nobody will notice or resend it: the message is simply gone.', 'QoS 0 下没有人会察觉，也没有人会重发：这条消息就这样没了。')
        : say(`The ${from} still holds the message and will resend it with DUP=1 if its session resumes on a new connection; within one connection it does not resend (MQTT 5.0 forbids it).`,
          `${PARTY_ZH[from]}仍保留着这条消息，若在新连接上恢复会话，会以 DUP=1 重发；在同一个连接内它不会重发（MQTT 5.0 明确禁止）。`);
    case 'PUBACK':
      if (!persistent) return say('The sender of the PUBLISH cannot tell whether it arrived. With a clean session it will not get a chance to resend: if the connection ends, the message is discarded with the session.', 'PUBLISH 的发送方无法知道它是否送达。使用清除会话时，它没有机会重发：连接一断，消息就随会话一起被丢弃。');
      return say('The sender of the PUBLISH cannot tell whether it arrived, so it keeps it and will resend it after reconnecting. If the receiver already delivered it, that resend is a duplicate: this is why QoS 1 is "at least once".',
        'PUBLISH 的发送方无法知道它是否送达，所以继续保留，并在重连后重发。如果接收方已经投递过它，这次重发就是重复消息：这就是 QoS 1 "至少一次" 的含义。');
    case 'PUBREC':
      return say('The sender of the PUBLISH will resend it after reconnecting. The receiver still has the packet id stored, so it will recognise the resend and not deliver twice.',
        'PUBLISH 的发送方会在重连后重发它。接收方仍存着这个报文标识符，因此能认出这是重发，不会投递第二次。');
    case 'PUBREL':
      return say('The receiver keeps the packet id stored; the sender will resend PUBREL after reconnecting. The message was delivered exactly once already.',
        '接收方继续存着这个报文标识符；发送方会在重连后重发 PUBREL。消息已经恰好投递了一次。');
    case 'PUBCOMP':
      return say('The sender will resend PUBREL after reconnecting, and the receiver will answer with PUBCOMP again. No second delivery can happen at this stage.',
        '发送方会在重连后重发 PUBREL，接收方会再次回复 PUBCOMP。在这个阶段不可能发生第二次投递。');
    default:
      return say('The exchange it belonged to will have to start again on a new connection.', '它所属的交互需要在新连接上重新开始。');
  }
}

function brokerNarration(say: Say, p: Packet, config: QosFlowConfig, from: string, released: boolean): string[] {
  const granted = Math.min(config.publishQos, config.subscribeQos);
  const downgraded = granted < config.publishQos;
  const forward = say(`It forwards the message to the subscriber at QoS ${granted}${downgraded ? ` (downgraded from ${config.publishQos} by the subscription)` : ''}.`,
    `它以 QoS ${granted} 把消息转发给订阅者${downgraded ? `（受订阅限制，从 ${config.publishQos} 降级）` : ''}。`);
  if (p.type === 'PUBREL' && from === PUBLISHER) {
    return released
      ? [say(`PUBREL: the broker forgets packet id ${p.packetId}. Like mosquitto, it passes a QoS 2 message on only now, once the publisher has released it.`,
        `PUBREL：代理服务器忘掉报文标识符 ${p.packetId}。和 mosquitto 一样，它直到此刻、发布者释放之后，才把 QoS 2 消息转发出去。`), ...(refused(config) ? [] : [forward])]
      : [say('The broker no longer holds this packet id (the exchange already finished), so it simply answers PUBCOMP.', '代理服务器已不再持有这个报文标识符（交互早已完成），所以只回复 PUBCOMP。')];
  }
  if (p.type !== 'PUBLISH' || from !== PUBLISHER) return [];
  const notes: string[] = [];
  if (p.qos === 2) {
    notes.push(p.dup
      ? say('The broker checks the packet id: it still holds it awaiting PUBREL, so this is a resend of a message it already has. It answers PUBREC again and will not pass the message on twice.',
        '代理服务器检查报文标识符：它仍在等待 PUBREL，说明这是对已有消息的重发。它再次回复 PUBREC，但不会把消息转发两次。')
      : say(`The broker stores the message under packet id ${p.packetId} until PUBREL and answers PUBREC.`, `代理服务器以报文标识符 ${p.packetId} 保存这条消息直到收到 PUBREL，并回复 PUBREC。`));
  } else if (p.qos === 1) {
    notes.push(say('The broker takes ownership of the message and answers PUBACK.', '代理服务器接管这条消息，并回复 PUBACK。'));
  }
  if (config.version === 5 && config.brokerAckCode === 0x10) {
    notes.push(say('No subscription matches the topic, so a 5.0 broker says so in its acknowledgement: reason code 0x10 No matching subscribers. The message is still accepted; the reason code is information, not an error.',
      '没有订阅与该主题匹配，5.0 的代理服务器会在确认中说明：原因码 0x10 No matching subscribers（无匹配订阅者）。消息仍被接受；这个原因码只是信息，不是错误。'));
  } else if (config.version === 5 && config.brokerAckCode !== undefined && config.brokerAckCode >= 0x80) {
    const name = reasonCodeName(p.qos === 2 ? 'PUBREC' : 'PUBACK', config.brokerAckCode, 5);
    notes.push(say(`Configured to refuse it: the broker answers with reason code 0x${config.brokerAckCode.toString(16)} (${name}) and does not forward it.`,
      `代理服务器被配置为拒绝它：回复原因码 0x${config.brokerAckCode.toString(16)}（${name}），并且不转发。`));
  } else if (p.qos < 2) {
    notes.push(forward);
  }
  return notes;
}

const refused = (config: QosFlowConfig) => config.version === 5 && config.brokerAckCode !== undefined;

function clientNarration(say: Say, who: string, notice: ClientNotice): string {
  const zh = PARTY_ZH[who] ?? who;
  switch (notice.kind) {
    case 'delivered': {
      const d = notice.delivery;
      if (d.copy === 1) return say(`The ${who} hands the message to its application.`, `${zh}把消息交给了它的应用程序。`);
      return say(`The ${who} hands the message to its application AGAIN (copy ${d.copy}): a duplicate. QoS ${d.qos} ${d.qos === 1 ? 'promises at least once, not exactly once' : 'did not protect this message'}.`,
        `${zh}再次把消息交给应用程序（第 ${d.copy} 份）：重复了。QoS ${d.qos} ${d.qos === 1 ? '保证的是至少一次，而不是恰好一次' : '没能保护这条消息'}。`);
    }
    case 'duplicate-suppressed':
      return say(`The ${who} still holds packet id ${notice.packetId} awaiting PUBREL, so it recognises the resend: it answers PUBREC but does not deliver again.`,
        `${zh}仍持有等待 PUBREL 的报文标识符 ${notice.packetId}，因此认出这是重发：它回复 PUBREC，但不再投递。`);
    case 'released':
      return say(`PUBREL: the ${who} forgets packet id ${notice.packetId}; the exchange can no longer produce a duplicate.`, `PUBREL：${zh}忘掉报文标识符 ${notice.packetId}；这次交互再也不会产生重复。`);
    case 'completed': {
      const code = notice.reasonCode ? ` (reason code 0x${notice.reasonCode.toString(16)})` : '';
      return say(`The ${who} discards its copy of message ${notice.packetId}: QoS ${notice.qos} exchange complete${code}.`,
        `${zh}丢弃消息 ${notice.packetId} 的副本：QoS ${notice.qos} 交互完成${notice.reasonCode ? `（原因码 0x${notice.reasonCode.toString(16)}）` : ''}。`);
    }
    case 'publish-refused':
      return say(`The ${who}'s message ${notice.packetId} was refused with reason code 0x${notice.reasonCode.toString(16)}; a 5.0 PUBREC of 0x80 or more ends the exchange, with no PUBREL.`,
        `${zh}的消息 ${notice.packetId} 被以原因码 0x${notice.reasonCode.toString(16)} 拒绝；5.0 中原因码不小于 0x80 的 PUBREC 会直接结束交互，不再有 PUBREL。`);
    case 'session':
      return notice.present
        ? say(`CONNACK says session present: the ${who} resumes where it was.`, `CONNACK 表示会话存在：${zh}从上次中断的地方继续。`)
        : say(`CONNACK says no session: the ${who} starts afresh and drops anything it was still holding.`, `CONNACK 表示没有会话：${zh}从头开始，丢弃它还持有的一切。`);
    case 'resent':
      return notice.packetType === 'PUBLISH'
        ? say(`The ${who} resends its unacknowledged PUBLISH id ${notice.packetId} with DUP=1.`, `${zh}以 DUP=1 重发尚未确认的 PUBLISH（标识符 ${notice.packetId}）。`)
        : say(`The ${who} resends PUBREL id ${notice.packetId}.`, `${zh}重发 PUBREL（标识符 ${notice.packetId}）。`);
  }
}

/** Rebuilds a flow from its configuration and actions (the URL state). */
export function replay(config: QosFlowConfig, actions: QosFlowAction[], makeBroker: BrokerFactory, lang: NarrationLanguage = 'en'): QosFlow {
  const flow = new QosFlow(config, makeBroker, lang);
  for (const action of actions) flow.apply(action);
  return flow;
}

export { BROKER };
