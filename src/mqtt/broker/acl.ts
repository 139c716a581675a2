/**
 * Topics clients may not publish to, as in mosquitto: `$SYS/…` belongs to the broker (except a
 * bridge's own `$SYS/broker/connection/{name}/state`), and a `$share/…` topic name is never a
 * real topic — it only exists as a subscription filter.
 */
const BRIDGE_STATE = /^\$SYS\/broker\/connection\/[^/]+\/state$/;

export function isDeniedTopic(topic: string): boolean {
  if (topic.startsWith('$SYS')) return !BRIDGE_STATE.test(topic);
  return topic.startsWith('$share/');
}
