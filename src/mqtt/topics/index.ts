/**
 * Topic Names and Topic Filters (MQTT 3.1.1 and 5.0 §4.7, shared subscriptions 5.0 §4.8.2):
 * validation with rule ids and hints, matching with explanations, and a subscription index.
 * Problems, hints and explanations are messages (a catalogue key and its values), never sentences.
 */
export {
  MAX_PROBLEMS,
  MAX_TOPIC_BYTES,
  parseSharedSubscription,
  problemCode,
  ruleIds,
  topicHintFacts,
  topicHints,
  validateTopicFilter,
  validateTopicName,
  type SharedSubscription,
  type TopicHintFact,
  type TopicKind,
  type TopicMessage,
  type TopicOptions,
  type TopicProblem,
  type TopicProtocolVersion,
  type TopicValidation,
} from './validate.ts';
export { explainMatch, matches, type MatchExplanation, type MatchRule, type MatchStep } from './match.ts';
export { SubscriptionIndex, type IndexEntry } from './subscription-index.ts';
