/**
 * The topic rules the codec itself must enforce to call a packet well-formed (3.1.1 §4.7,
 * 5.0 §4.7–4.8). The topics module explains the same rules level by level for people; this file
 * only answers "is it legal, and if not, where" as fast as a decoder needs.
 */
import type { CodecMessage, ProtocolVersion } from './types.ts';

export interface TopicRuleProblem {
  rule: string;
  explanation: CodecMessage;
  /** UTF-16 index of the offending character, or -1 for the whole string. */
  index: number;
}

/** The rule forbidding wildcards in a topic name: renumbered between 3.1.1 and 5.0. */
export const wildcardInNameRule = (version: ProtocolVersion) => (version === 5 ? 'MQTT-4.7.0-1' : 'MQTT-4.7.1-1');

/** Index of the first `+` or `#`, or -1. */
export function findWildcard(topic: string): number {
  for (let i = 0; i < topic.length; i++) {
    const c = topic.charCodeAt(i);
    if (c === 0x2b || c === 0x23) return i;
  }
  return -1;
}

export function findTopicFilterProblem(filter: string, version: ProtocolVersion): TopicRuleProblem | null {
  if (filter.length === 0) {
    return { rule: 'MQTT-4.7.3-1', explanation: { key: 'codec.t.emptyFilter' }, index: -1 };
  }
  let body = filter;
  let bodyStart = 0;
  if (version === 5 && filter.startsWith('$share/')) {
    const slash = filter.indexOf('/', 7);
    const group = slash === -1 ? filter.slice(7) : filter.slice(7, slash);
    if (group.length === 0) {
      return { rule: 'MQTT-4.8.2-1', explanation: { key: 'codec.t.emptyShareName' }, index: 7 };
    }
    const wildcard = findWildcard(group);
    if (wildcard !== -1) {
      return { rule: 'MQTT-4.8.2-2', explanation: { key: 'codec.t.shareNameWildcard', values: { group, char: group[wildcard]! } }, index: 7 + wildcard };
    }
    if (slash === -1 || slash === filter.length - 1) {
      return { rule: 'MQTT-4.8.2-2', explanation: { key: 'codec.t.shareNoFilter' }, index: -1 };
    }
    bodyStart = slash + 1;
    body = filter.slice(bodyStart);
  }
  for (let i = 0; i < body.length; i++) {
    const c = body.charCodeAt(i);
    if (c !== 0x2b && c !== 0x23) continue;
    const startsLevel = i === 0 || body.charCodeAt(i - 1) === 0x2f;
    const endsLevel = i === body.length - 1 || body.charCodeAt(i + 1) === 0x2f;
    if (c === 0x2b && !(startsLevel && endsLevel)) {
      return { rule: version === 5 ? 'MQTT-4.7.1-2' : 'MQTT-4.7.1-3', explanation: { key: 'codec.t.plusLevel', values: { at: bodyStart + i + 1 } }, index: bodyStart + i };
    }
    if (c === 0x23 && !(startsLevel && i === body.length - 1)) {
      return { rule: version === 5 ? 'MQTT-4.7.1-1' : 'MQTT-4.7.1-2', explanation: { key: 'codec.t.hashLast', values: { at: bodyStart + i + 1 } }, index: bodyStart + i };
    }
  }
  return null;
}
