/**
 * English: the reference catalogue. Every key here must exist in every other language's file
 * (TypeScript checks it: zh-cn.ts is typed Record<CatalogueKey, string>). Templates: see format.ts.
 * Sections are owned by the module named in their heading; edit only your section, by
 * inserting lines, never by rewriting the file.
 */
export const EN = {
  // == common (shared UI: share link, version selector, hex, remaining-length table) ==
  'common.share': 'Share link',
  'common.version': 'Protocol version',
  'common.versionAuto': 'Detect',
  'common.yes': 'yes',
  'common.no': 'no',
  'common.rlByte': 'Byte',
  'common.rlBinary': 'Binary',
  'common.rlMore': 'More follows?',
  'common.rlGroup': '7-bit group',
  'common.rlWorth': 'Worth',
  'common.rlRunning': 'Running value',
  'common.linkUnreadable': 'The link could not be read, so it was ignored.',
  'common.linkBadHex': 'The link’s bytes are not hex, so they were ignored.',
  'common.linkOddHex': 'The link’s hex has an odd number of digits ({digits}), so it was ignored.',
  'common.linkTooLong': 'The link carries {bytes} bytes, more than the {max} a link may hold, so they were ignored.',
  'common.linkBadVersion': 'The link asks for version “{value}”, which is not 3.1, 3.1.1 or 5.0; detecting instead.',
  'common.linkUnknownKey': 'The link has a part this page does not know (“{key}”), which was ignored.',
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
} as const;

export type CatalogueKey = keyof typeof EN;
