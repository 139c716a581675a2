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

  // == reference (the generated packet reference pages) ==
  'reference.indexTitle': 'Packet reference',
  'reference.indexIntro': 'Every MQTT control packet, in 3.1.1 and 5.0: its fixed header, its fields in order, the properties and reason codes it may carry, and real examples taken apart byte by byte. Each page is generated from this site’s codec when the site is built, so what you read here is exactly what the decoder does.',
  'reference.pageTitle': '{type} packet',
  'reference.pageDescription': 'The MQTT {type} packet in 3.1.1 and 5.0: fixed header, fields, properties, reason codes and annotated examples.',
  'reference.typeLine': 'Packet type {code} (first byte {hex}), {direction}.',
  'reference.direction.clientToServer': 'sent by the client to the server',
  'reference.direction.serverToClient': 'sent by the server to the client',
  'reference.direction.both': 'sent in either direction',
  'reference.onlyV5': 'AUTH exists only in MQTT 5.0; a 3.1.1 server that receives type 15 must close the connection.',
  'reference.summary.CONNECT': 'The first packet a client sends on a new network connection. It names the protocol and version, says whether to start a clean session, sets the keepalive, and carries the client identifier, an optional will message, and optional credentials. The server answers with CONNACK; a second CONNECT on the same connection is a protocol violation.',
  'reference.summary.CONNACK': 'The server’s answer to CONNECT, and always the first packet the server sends. It says whether the connection was accepted (a return code in 3.1.1, a reason code in 5.0) and whether the server already held a session for this client (Session Present). In 5.0 it also tells the client the server’s limits.',
  'reference.summary.PUBLISH': 'Carries an application message to a topic, from a client to the server or from the server to a subscriber. Its fixed-header flags hold DUP, the QoS level and RETAIN. A packet identifier is present only at QoS 1 and 2.',
  'reference.summary.PUBACK': 'Acknowledges a QoS 1 PUBLISH. It carries the packet identifier of the PUBLISH it answers; in 5.0 also a reason code (omitted when it is 0x00 Success and there are no properties).',
  'reference.summary.PUBREC': 'The first answer to a QoS 2 PUBLISH: “received”. The sender then releases the packet identifier’s message with PUBREL. In 5.0 a reason code of 0x80 or above ends the exchange here.',
  'reference.summary.PUBREL': 'The third packet of the QoS 2 exchange, sent by the original sender after PUBREC: “release it”. Its reserved flags are 0010.',
  'reference.summary.PUBCOMP': 'The last packet of the QoS 2 exchange, the answer to PUBREL. After it both sides may reuse the packet identifier.',
  'reference.summary.SUBSCRIBE': 'A client asks to receive messages on one or more topic filters, each with a maximum QoS (and in 5.0 the options No Local, Retain As Published and Retain Handling). Its reserved flags are 0010.',
  'reference.summary.SUBACK': 'The server’s answer to SUBSCRIBE: one code per topic filter, in the same order, giving the QoS granted or a failure.',
  'reference.summary.UNSUBSCRIBE': 'A client removes one or more subscriptions, naming the topic filters exactly as it subscribed to them. Its reserved flags are 0010.',
  'reference.summary.UNSUBACK': 'The server’s answer to UNSUBSCRIBE. In 3.1.1 it is only the packet identifier; 5.0 adds one reason code per topic filter.',
  'reference.summary.PINGREQ': 'A client’s “are you there?”, sent when it has had nothing else to send within the keepalive. Two bytes, the same in every version.',
  'reference.summary.PINGRESP': 'The server’s answer to PINGREQ. Two bytes, the same in every version.',
  'reference.summary.DISCONNECT': 'In 3.1.1 the client’s clean goodbye: the server then discards the will. In 5.0 either side may send it, with a reason code (0x04 asks the server to publish the will anyway) and properties.',
  'reference.summary.AUTH': 'Enhanced authentication in 5.0: client and server exchange challenge and response data under a named method (for example SCRAM-SHA-256), during CONNECT or later to re-authenticate.',
  'reference.heading.fixedHeader': 'Fixed header',
  'reference.fixedHeaderIntro': 'The first byte holds the packet type in its high four bits and the flags in its low four; the Remaining Length follows, in one to four bytes.',
  'reference.heading.layout': 'Fields in order, MQTT {version}',
  'reference.heading.properties': 'Properties (MQTT 5.0)',
  'reference.propertiesIntro': 'Properties follow the variable header as one block: a Property Length, then identifier–value pairs in any order.',
  'reference.noProperties': 'This packet carries no properties.',
  'reference.heading.reasonCodes': 'Reason codes (MQTT 5.0)',
  'reference.reasonCodesRule': 'The codes this packet may carry ({rule}):',
  'reference.heading.returnCodes': 'Return codes (MQTT 3.1.1)',
  'reference.heading.examples': 'Examples',
  'reference.exampleVersion': 'MQTT {version}, {bytes, plural, one {# byte} other {# bytes}}',
  'reference.openDecoder': 'Open in the hex decoder',
  'reference.openBuilder': 'Open in the packet builder',
  'reference.col.bit': 'Bit',
  'reference.col.meaning': 'Meaning',
  'reference.col.field': 'Field',
  'reference.col.bytes': 'Bytes',
  'reference.col.part': 'Part',
  'reference.col.id': 'Identifier',
  'reference.col.property': 'Property',
  'reference.col.type': 'Encoded as',
  'reference.col.repeat': 'More than once',
  'reference.col.code': 'Code',
  'reference.col.name': 'Name',
  'reference.col.offset': 'Offset',
  'reference.col.hex': 'Bytes (hex)',
  'reference.col.value': 'Value',
  'reference.typeBits': 'Packet type: {code} ({name})',
  'reference.flag.dup': 'DUP: 1 on a re-delivery of an earlier attempt',
  'reference.flag.qos1': 'QoS, high bit',
  'reference.flag.qos0': 'QoS, low bit (QoS 3 is malformed)',
  'reference.flag.retain': 'RETAIN',
  'reference.flagReserved': 'Reserved, must be {value}',
  'reference.flagsRule': 'Any other flag value is malformed: {rules}.',
  'reference.length.vbi': '1–4 (variable byte integer)',
  'reference.length.varies': 'varies',
  'reference.yes': 'yes',
  'reference.no': 'no',
  'reference.inWill': '{name} (Will Properties only)',
  'reference.part.fixedHeader': 'fixed header',
  'reference.part.variableHeader': 'variable header',
  'reference.part.properties': 'properties',
  'reference.part.payload': 'payload',
  'reference.wire.byte': 'Byte',
  'reference.wire.twoByteInteger': 'Two Byte Integer',
  'reference.wire.fourByteInteger': 'Four Byte Integer',
  'reference.wire.variableByteInteger': 'Variable Byte Integer',
  'reference.wire.utf8String': 'UTF-8 Encoded String',
  'reference.wire.binaryData': 'Binary Data',
  'reference.wire.utf8StringPair': 'UTF-8 String Pair',
  'reference.field.propertyId': 'Property identifier',
  'reference.field.propertyValue': 'Property value',
  'reference.example.connectMinimal': 'A clean 3.1.1 connection, as mosquitto_pub sends it',
  'reference.example.connectWillAuth': 'A persistent session with a retained will, user name and password',
  'reference.example.connectV5': 'A 5.0 CONNECT with session expiry, Receive Maximum and a delayed will',
  'reference.example.connackAccepted': 'Connection accepted, no session present',
  'reference.example.connackNotAuthorized': 'Refused: not authorized (3.1.1 return code 5)',
  'reference.example.connackV5': 'A 5.0 CONNACK resuming a session, with the server’s limits and an assigned client id',
  'reference.example.publishQos0': 'QoS 0: no packet identifier, nothing comes back',
  'reference.example.publishQos1Retained': 'QoS 1 and retained',
  'reference.example.publishV5': 'A 5.0 PUBLISH with a content type, an expiry and a user property',
  'reference.example.pubackV4': 'The 3.1.1 PUBACK: just the packet identifier',
  'reference.example.pubackNoSubscribers': '5.0: accepted, but nobody was subscribed (0x10)',
  'reference.example.pubrecV4': 'The 3.1.1 PUBREC',
  'reference.example.pubrecNotAuthorized': '5.0: refused with a reason string; the exchange ends here',
  'reference.example.pubrelV4': 'The 3.1.1 PUBREL (flags 0010)',
  'reference.example.pubrelNotFound': '5.0: the packet identifier is not known (0x92)',
  'reference.example.pubcompV4': 'The 3.1.1 PUBCOMP',
  'reference.example.pubcompV5Short': '5.0 short form: reason code 0x00 left out',
  'reference.example.subscribeTwo': 'Two topic filters with wildcards',
  'reference.example.subscribeV5Options': '5.0: No Local, Retain Handling 1 and a Subscription Identifier',
  'reference.example.subackMixed': 'One filter granted QoS 1, one refused (0x80)',
  'reference.example.subackV5': '5.0: granted QoS 1 and Topic Filter invalid (0x8F)',
  'reference.example.unsubscribeOne': 'Removing one subscription',
  'reference.example.unsubscribeV5': '5.0: removing two',
  'reference.example.unsubackV4': 'The 3.1.1 UNSUBACK: no payload',
  'reference.example.unsubackV5': '5.0: Success for one filter, No subscription existed (0x11) for the other',
  'reference.example.pingreq': 'PINGREQ',
  'reference.example.pingresp': 'PINGRESP',
  'reference.example.disconnectV4': 'The 3.1.1 DISCONNECT',
  'reference.example.disconnectWithWill': '5.0: disconnect, but publish my will (0x04)',
  'reference.example.disconnectTakenOver': '5.0, from the server: another connection took over the session (0x8E)',
  'reference.example.authContinue': 'Continue authentication (0x18) with SCRAM-SHA-256 client-first data',
  'reference.example.authReauthenticate': 'Re-authenticate (0x19) on a live connection',
  'reference.allPackets': 'All packets',
  // == end reference ==

  // == capture (pcap / pcapng reader) ==
  // == end capture ==

  // == embed (embed button, trainer events) ==
  // == end embed ==
} as const;

export type CatalogueKey = keyof typeof EN;
