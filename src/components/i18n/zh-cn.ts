/**
 * 简体中文. Typed against the English catalogue, so a missing key is a type error.
 * Natural technical Chinese as engineers in China write it (主题, 通配符, 服务质量, 保留消息,
 * 遗嘱消息, 会话, 心跳, 客户端标识符), not a word-for-word rendering.
 */
import type { CatalogueKey } from './en.ts';

export const ZH_CN: Readonly<Record<CatalogueKey, string>> = {
  // == common (shared UI: share link, version selector, hex, remaining-length table) ==
  'common.share': '分享链接',
  // == end common ==

  // == codec (field labels, explanations and rule texts from src/mqtt/codec) ==
  // == end codec ==

  // == decoder (hex decoder, quick decode) ==
  // == end decoder ==

  // == builder (packet builder) ==
  // == end builder ==

  // == packet (packet-view kit shared by decoder, builder, lab) ==
  // == end packet ==

  // == topics (topic playground and topic validation/match explanations) ==
  // == end topics ==

  // == animator (QoS animator and simulator narration) ==
  // == end animator ==

  // == lab (broker lab, experiments, log) ==
  // == end lab ==

  // == capture (pcap / pcapng reader) ==
  // == end capture ==

  // == embed (embed button, trainer events) ==
  // == end embed ==
};

