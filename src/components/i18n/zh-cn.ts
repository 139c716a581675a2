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

  // == reference (the generated packet reference pages) ==
  'reference.indexTitle': '报文参考',
  'reference.indexIntro': 'MQTT 3.1.1 和 5.0 的全部控制报文：固定报头、按顺序排列的各个字段、可以携带的属性和原因码，以及逐字节拆开的真实示例。每一页都在构建网站时由本站的编解码器生成，所以这里写的和解码器的行为完全一致。',
  'reference.pageTitle': '{type} 报文',
  'reference.pageDescription': 'MQTT 3.1.1 与 5.0 中的 {type} 报文：固定报头、字段、属性、原因码和带注解的示例。',
  'reference.typeLine': '报文类型 {code}（第一个字节 {hex}），{direction}。',
  'reference.direction.clientToServer': '由客户端发给服务端',
  'reference.direction.serverToClient': '由服务端发给客户端',
  'reference.direction.both': '双向都可以发送',
  'reference.onlyV5': 'AUTH 只存在于 MQTT 5.0；3.1.1 的服务端收到类型 15 的报文时必须关闭连接。',
  'reference.summary.CONNECT': '客户端在新建的网络连接上发送的第一个报文。它声明协议名和版本，说明是否以全新会话开始，设置心跳间隔，并携带客户端标识符、可选的遗嘱消息和可选的用户名密码。服务端用 CONNACK 回应；在同一连接上再发一次 CONNECT 属于协议违规。',
  'reference.summary.CONNACK': '服务端对 CONNECT 的回应，也一定是服务端发出的第一个报文。它说明连接是否被接受（3.1.1 用返回码，5.0 用原因码），以及服务端是否已经为这个客户端保存着会话（Session Present）。在 5.0 中，它还会把服务端的各项限制告诉客户端。',
  'reference.summary.PUBLISH': '把一条应用消息发布到某个主题：可以是客户端发给服务端，也可以是服务端转发给订阅者。固定报头的标志位里是 DUP、QoS 等级和 RETAIN。只有 QoS 1 和 2 才有报文标识符。',
  'reference.summary.PUBACK': '对 QoS 1 PUBLISH 的确认。它带着所确认的 PUBLISH 的报文标识符；5.0 中还可以带原因码（原因码为 0x00 Success 且没有属性时可以省略）。',
  'reference.summary.PUBREC': '对 QoS 2 PUBLISH 的第一次回应，意思是“已收到”。发送方随后用 PUBREL 释放这个报文标识符对应的消息。在 5.0 中，原因码大于等于 0x80 时，交互到此结束。',
  'reference.summary.PUBREL': 'QoS 2 交互的第三个报文，由最初的发送方在收到 PUBREC 之后发出，意思是“可以释放了”。它的保留标志位是 0010。',
  'reference.summary.PUBCOMP': 'QoS 2 交互的最后一个报文，是对 PUBREL 的回应。此后双方都可以重新使用这个报文标识符。',
  'reference.summary.SUBSCRIBE': '客户端请求接收一个或多个主题过滤器上的消息，每个过滤器带一个最大 QoS（5.0 中还有 No Local、Retain As Published 和 Retain Handling 三个选项）。它的保留标志位是 0010。',
  'reference.summary.SUBACK': '服务端对 SUBSCRIBE 的回应：每个主题过滤器对应一个码，顺序与请求相同，表示授予的 QoS 或订阅失败。',
  'reference.summary.UNSUBSCRIBE': '客户端取消一个或多个订阅，主题过滤器要和订阅时写的完全一样。它的保留标志位是 0010。',
  'reference.summary.UNSUBACK': '服务端对 UNSUBSCRIBE 的回应。3.1.1 中只有报文标识符；5.0 为每个主题过滤器增加了一个原因码。',
  'reference.summary.PINGREQ': '客户端的“你还在吗？”，在心跳间隔内没有别的报文要发时发送。只有两个字节，各版本都一样。',
  'reference.summary.PINGRESP': '服务端对 PINGREQ 的回应。只有两个字节，各版本都一样。',
  'reference.summary.DISCONNECT': '在 3.1.1 中，这是客户端正常断开时的告别，服务端随后丢弃遗嘱消息。在 5.0 中双方都可以发送，并带上原因码（0x04 表示请服务端照样发布遗嘱）和属性。',
  'reference.summary.AUTH': '5.0 的增强认证：客户端和服务端在某个认证方法（例如 SCRAM-SHA-256）下交换质询与应答数据，可以在 CONNECT 期间进行，也可以之后用来重新认证。',
  'reference.heading.fixedHeader': '固定报头',
  'reference.fixedHeaderIntro': '第一个字节的高四位是报文类型，低四位是标志位；后面跟着剩余长度，占一到四个字节。',
  'reference.heading.layout': 'MQTT {version} 中各字段的顺序',
  'reference.heading.properties': '属性（MQTT 5.0）',
  'reference.propertiesIntro': '属性作为一个整体跟在可变报头后面：先是属性长度，然后是任意顺序的“标识符–值”对。',
  'reference.noProperties': '这个报文不带属性。',
  'reference.heading.reasonCodes': '原因码（MQTT 5.0）',
  'reference.reasonCodesRule': '这个报文可以携带的原因码（{rule}）：',
  'reference.heading.returnCodes': '返回码（MQTT 3.1.1）',
  'reference.heading.examples': '示例',
  'reference.exampleVersion': 'MQTT {version}，{bytes} 字节',
  'reference.openDecoder': '在十六进制解码器中打开',
  'reference.openBuilder': '在报文构建器中打开',
  'reference.col.bit': '位',
  'reference.col.meaning': '含义',
  'reference.col.field': '字段',
  'reference.col.bytes': '字节数',
  'reference.col.part': '所属部分',
  'reference.col.id': '标识符',
  'reference.col.property': '属性',
  'reference.col.type': '编码方式',
  'reference.col.repeat': '可否重复',
  'reference.col.code': '码值',
  'reference.col.name': '名称',
  'reference.col.offset': '偏移',
  'reference.col.hex': '字节（十六进制）',
  'reference.col.value': '值',
  'reference.typeBits': '报文类型：{code}（{name}）',
  'reference.flag.dup': 'DUP：重发之前发送过的报文时为 1',
  'reference.flag.qos1': 'QoS 高位',
  'reference.flag.qos0': 'QoS 低位（QoS 为 3 属于畸形报文）',
  'reference.flag.retain': 'RETAIN（保留）',
  'reference.flagReserved': '保留位，必须为 {value}',
  'reference.flagsRule': '其他任何标志位取值都属于畸形报文：{rules}。',
  'reference.length.vbi': '1–4（变长字节整数）',
  'reference.length.varies': '不定',
  'reference.yes': '可以',
  'reference.no': '不可以',
  'reference.inWill': '{name}（仅用于遗嘱属性）',
  'reference.part.fixedHeader': '固定报头',
  'reference.part.variableHeader': '可变报头',
  'reference.part.properties': '属性',
  'reference.part.payload': '有效载荷',
  'reference.wire.byte': '单字节',
  'reference.wire.twoByteInteger': '双字节整数',
  'reference.wire.fourByteInteger': '四字节整数',
  'reference.wire.variableByteInteger': '变长字节整数',
  'reference.wire.utf8String': 'UTF-8 编码字符串',
  'reference.wire.binaryData': '二进制数据',
  'reference.wire.utf8StringPair': 'UTF-8 字符串对',
  'reference.field.propertyId': '属性标识符',
  'reference.field.propertyValue': '属性值',
  'reference.example.connectMinimal': '一个全新会话的 3.1.1 连接，mosquitto_pub 就是这样发的',
  'reference.example.connectWillAuth': '持久会话，带保留的遗嘱消息、用户名和密码',
  'reference.example.connectV5': '5.0 的 CONNECT：会话过期间隔、Receive Maximum 和延迟发布的遗嘱',
  'reference.example.connackAccepted': '连接被接受，没有已有会话',
  'reference.example.connackNotAuthorized': '被拒绝：未授权（3.1.1 返回码 5）',
  'reference.example.connackV5': '5.0 的 CONNACK：恢复已有会话，带服务端限制和服务端分配的客户端标识符',
  'reference.example.publishQos0': 'QoS 0：没有报文标识符，也不会有任何回应',
  'reference.example.publishQos1Retained': 'QoS 1 的保留消息',
  'reference.example.publishV5': '5.0 的 PUBLISH：带内容类型、过期时间和一个用户属性',
  'reference.example.pubackV4': '3.1.1 的 PUBACK：只有报文标识符',
  'reference.example.pubackNoSubscribers': '5.0：已接受，但没有任何订阅者（0x10）',
  'reference.example.pubrecV4': '3.1.1 的 PUBREC',
  'reference.example.pubrecNotAuthorized': '5.0：带原因字符串的拒绝，交互到此结束',
  'reference.example.pubrelV4': '3.1.1 的 PUBREL（标志位 0010）',
  'reference.example.pubrelNotFound': '5.0：报文标识符不存在（0x92）',
  'reference.example.pubcompV4': '3.1.1 的 PUBCOMP',
  'reference.example.pubcompV5Short': '5.0 的简写形式：省略了原因码 0x00',
  'reference.example.subscribeTwo': '两个带通配符的主题过滤器',
  'reference.example.subscribeV5Options': '5.0：No Local、Retain Handling 1 和订阅标识符',
  'reference.example.subackMixed': '一个过滤器授予 QoS 1，另一个被拒绝（0x80）',
  'reference.example.subackV5': '5.0：授予 QoS 1，以及主题过滤器无效（0x8F）',
  'reference.example.unsubscribeOne': '取消一个订阅',
  'reference.example.unsubscribeV5': '5.0：取消两个订阅',
  'reference.example.unsubackV4': '3.1.1 的 UNSUBACK：没有有效载荷',
  'reference.example.unsubackV5': '5.0：一个过滤器成功，另一个“订阅不存在”（0x11）',
  'reference.example.pingreq': 'PINGREQ',
  'reference.example.pingresp': 'PINGRESP',
  'reference.example.disconnectV4': '3.1.1 的 DISCONNECT',
  'reference.example.disconnectWithWill': '5.0：断开连接，但请发布我的遗嘱（0x04）',
  'reference.example.disconnectTakenOver': '5.0，由服务端发出：会话被另一个连接接管（0x8E）',
  'reference.example.authContinue': '继续认证（0x18），携带 SCRAM-SHA-256 的 client-first 数据',
  'reference.example.authReauthenticate': '在已建立的连接上重新认证（0x19）',
  'reference.allPackets': '全部报文',
  // == end reference ==

  // == capture (pcap / pcapng reader) ==
  // == end capture ==

  // == embed (embed button, trainer events) ==
  // == end embed ==
};

