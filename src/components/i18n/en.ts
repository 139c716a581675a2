/**
 * English: the reference catalogue. Every key here must exist in every other language's file
 * (TypeScript checks it: zh-cn.ts is typed Record<CatalogueKey, string>). Templates: see format.ts.
 * Sections are owned by the module named in their heading; edit only your section, by
 * inserting lines, never by rewriting the file.
 */
export const EN = {
  // == common (shared UI: share link, version selector, hex, remaining-length table) ==
  'common.share': 'Share link',
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
