/**
 * The heavy half of the lab, loaded when the island starts: MQTT.js (its browser build), the
 * broker core and the lab engine. Kept apart so the page shows the lab's controls at once.
 */
import mqtt from 'mqtt';
import { Lab, type MqttClientConstructor } from '../../mqtt/lab/lab.ts';
import { openWebSocketStream } from './ws-duplex.ts';

export { runExperiment, applyStep } from '../../mqtt/lab/experiments.ts';
export { Lab };

const MqttClient = (mqtt as unknown as { MqttClient: MqttClientConstructor }).MqttClient;

export function createMemoryLab(): Lab {
  return new Lab({ MqttClient });
}

export function createRemoteLab(url: string, idPrefix: string): Lab {
  return new Lab({
    MqttClient,
    defaultClientId: (label) => `${idPrefix}-${label.toLowerCase()}`,
    remote: {
      url,
      open: (target, tap) => openWebSocketStream(target, tap),
      now: () => performance.now(),
      every: (ms, fn) => {
        const id = window.setInterval(fn, ms);
        return () => window.clearInterval(id);
      },
      wait: (ms) => new Promise((resolve) => window.setTimeout(resolve, ms)),
    },
  });
}
