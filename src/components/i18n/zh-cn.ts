/**
 * 简体中文. Typed against the English catalogue, so a missing key is a type error.
 * Natural technical Chinese as engineers in China write it (主题, 通配符, 服务质量, 保留消息,
 * 遗嘱消息, 会话, 心跳, 客户端标识符), not a word-for-word rendering.
 */
import type { CatalogueKey } from './en.ts';

export const ZH_CN: Readonly<Record<CatalogueKey, string>> = {
  // == common (shared UI: share link, version selector, hex, remaining-length table) ==
  'common.share': '分享链接',
  'common.version': '协议版本',
  'common.versionAuto': '自动识别',
  'common.yes': '是',
  'common.no': '否',
  'common.rlByte': '字节',
  'common.rlBinary': '二进制',
  'common.rlMore': '后面还有？',
  'common.rlGroup': '7 位组',
  'common.rlWorth': '权值',
  'common.rlRunning': '累计值',
  'common.linkUnreadable': '无法读取这个链接，已忽略。',
  'common.linkBadHex': '链接中的字节不是十六进制，已忽略。',
  'common.linkOddHex': '链接中的十六进制位数是奇数（{digits}），已忽略。',
  'common.linkTooLong': '链接携带了 {bytes} 字节，超过链接允许的 {max} 字节，已忽略。',
  'common.linkBadVersion': '链接要求的版本“{value}”不是 3.1、3.1.1 或 5.0；改为自动识别。',
  'common.linkUnknownKey': '链接中有本页不认识的部分（“{key}”），已忽略。',
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

