/**
 * What the lab's controls call: the engine's actions, with no engine needed yet. The lab's page
 * shows its clients, experiment and buttons at once; MQTT.js and the broker (runtime.ts) load on
 * the reader's first interaction, and an action taken before they are there waits for them and
 * then runs (issue #14: no heavy work before the reader asks for it).
 */
import type { Lab, LabView } from '../../mqtt/lab/lab.ts';
import type { ClientSetup } from '../../mqtt/lab/lab.ts';
import type { BrokerSnapshot } from '../../mqtt/broker/types.ts';
import type { ConnectSpec, DisconnectSpec, PublishSpec, SubscribeSpec } from '../../mqtt/lab/types.ts';

export interface LabActions {
  configure(label: string, config: ConnectSpec): void;
  connect(label: string): Promise<void>;
  disconnect(label: string, spec?: DisconnectSpec): Promise<void>;
  drop(label: string): Promise<void>;
  setPinging(label: string, pinging: boolean): Promise<void>;
  subscribe(label: string, spec: SubscribeSpec): Promise<void>;
  unsubscribe(label: string, filter: string): Promise<void>;
  publish(label: string, spec: PublishSpec): Promise<void>;
  addClient(): Promise<unknown>;
  removeClient(label: string): Promise<void>;
  advance(ms: number): Promise<void>;
  advanceToNextDeadline(): Promise<boolean>;
  now(): number;
}

/**
 * Actions on the lab `current()` if it is there, else on the one `load()` brings. Before the
 * engine is there, `configure` changes the clients shown (`configureStatic`); the engine starts
 * with them.
 */
export function lazyActions(current: () => Lab | null, load: () => Promise<Lab>, configureStatic: (label: string, config: ConnectSpec) => void): LabActions {
  const withLab = async <T>(action: (lab: Lab) => T | Promise<T>): Promise<T> => action(current() ?? await load());
  return {
    configure: (label, config) => {
      const lab = current();
      if (lab !== null) lab.configure(label, config);
      else configureStatic(label, config);
    },
    connect: (label) => withLab((lab) => lab.connect(label)),
    disconnect: (label, spec) => withLab((lab) => lab.disconnect(label, spec)),
    drop: (label) => withLab((lab) => lab.drop(label)),
    setPinging: (label, pinging) => withLab((lab) => lab.setPinging(label, pinging)),
    subscribe: (label, spec) => withLab((lab) => lab.subscribe(label, spec)),
    unsubscribe: (label, filter) => withLab((lab) => lab.unsubscribe(label, filter)),
    publish: (label, spec) => withLab((lab) => lab.publish(label, spec)),
    addClient: () => withLab((lab) => lab.addClient()),
    removeClient: (label) => withLab((lab) => lab.removeClient(label)),
    advance: (ms) => withLab((lab) => lab.advance(ms)),
    advanceToNextDeadline: () => withLab((lab) => lab.advanceToNextDeadline()),
    now: () => current()?.now() ?? 0,
  };
}

const EMPTY_SNAPSHOT: BrokerSnapshot = { time: 0, connections: [], sessions: [], retained: [], sharedSubscriptions: [] };

/** The lab as it is before anything ran: these clients, offline; time 0; an empty log and broker. */
export function staticView(clients: ClientSetup[], remoteUrl: string | null): LabView {
  return {
    version: 0,
    mode: remoteUrl === null ? 'memory' : 'remote',
    url: remoteUrl,
    time: 0,
    clients: clients.map(({ label, config }) => ({
      label, config, status: 'offline', pinging: true, connectionId: null, connections: 0, sessionPresent: null, assignedClientId: null, error: null, received: [], subscriptions: [],
    })),
    log: [],
    snapshot: remoteUrl === null ? EMPTY_SNAPSHOT : null,
    nextDeadline: null,
  };
}
