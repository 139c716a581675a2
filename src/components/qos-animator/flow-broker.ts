/** The real broker core on a manual clock, as the animator's flows use it. */
import { Broker, createManualClock, sequentialIds } from '../../mqtt/broker/index.ts';
import type { FlowBroker, QosFlowConfig } from '../../mqtt/simulator/qos-flow.ts';

export function createFlowBroker(config: QosFlowConfig): FlowBroker {
  const refuse = config.version === 5 && config.brokerAckCode !== undefined && config.brokerAckCode >= 0x80 ? config.brokerAckCode : null;
  return new Broker({
    clock: createManualClock(),
    ids: sequentialIds(),
    options: refuse === null ? {} : { authorizePublish: () => refuse },
  });
}
