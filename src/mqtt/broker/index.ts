export { Broker, NEVER_EXPIRES, type HostPublish, type SharedGroup } from './broker.ts';
export { BrokerConnection } from './connection.ts';
export { createManualClock, sequentialIds, type ManualClock } from './clock.ts';
export { describeBrokerEvent } from './describe.ts';
export { Emitter, type Listener } from './emitter.ts';
export * from './types.ts';
