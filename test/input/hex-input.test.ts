import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { HexInputError, parseHexInput, toCArray, toHex, type HexInputResult } from '../../src/input/index.ts';

// An MQTT 3.1.1 CONNECT as mosquitto_pub sends it, built field by field rather than copied from
// hex, so the fixtures below are checked against an independent spelling of the same bytes.
const ascii = (s: string): number[] => Array.from(new TextEncoder().encode(s));
const CONNECT = Uint8Array.from([
  0x10, 0x1a, // CONNECT, remaining length 26
  0x00, 0x04, ...ascii('MQTT'), // protocol name
  0x04, // protocol level 4 = 3.1.1
  0x02, // connect flags: clean session
  0x00, 0x3c, // keep alive 60 s
  0x00, 0x0e, ...ascii('mosq_pub_12345'), // client identifier
]);
const CONNECT_SPACED = '10 1a 00 04 4d 51 54 54 04 02 00 3c 00 0e 6d 6f 73 71 5f 70 75 62 5f 31 32 33 34 35';

function parse(text: string, options?: Parameters<typeof parseHexInput>[1]): HexInputResult {
  return parseHexInput(text, options);
}

function bytesOf(text: string, options?: Parameters<typeof parseHexInput>[1]): number[] {
  return Array.from(parseHexInput(text, options).bytes);
}

function errorOf(text: string, options?: Parameters<typeof parseHexInput>[1]): HexInputError {
  try {
    parseHexInput(text, options);
  } catch (error) {
    if (error instanceof HexInputError) return error;
    throw error;
  }
  throw new Error(`expected a HexInputError for ${JSON.stringify(text.slice(0, 80))}`);
}

const CONNECT_ARRAY = Array.from(CONNECT);

describe('the CONNECT fixture', () => {
  it('is 28 bytes whose remaining length covers everything after the fixed header', () => {
    expect(CONNECT.length).toBe(28);
    expect(CONNECT[1]).toBe(CONNECT.length - 2);
    expect(toHex(CONNECT, ' ')).toBe(CONNECT_SPACED);
  });
});

describe('plain hex', () => {
  it('reads continuous lowercase hex', () => {
    const r = parse('101a00044d5154540402003c000e6d6f73715f7075625f3132333435');
    expect(Array.from(r.bytes)).toEqual(CONNECT_ARRAY);
    expect(r.format).toBe('hex');
    expect(r.description).toBe('continuous hex');
    expect(r.warnings).toEqual([]);
  });

  it('reads uppercase hex spaced and wrapped over lines with CRLF endings', () => {
    const text = '10 1A 00 04 4D 51 54 54\r\n04 02 00 3C 00 0E 6D 6F\r\n73 71 5F 70 75 62 5F 31\r\n32 33 34 35\r\n';
    const r = parse(text);
    expect(Array.from(r.bytes)).toEqual(CONNECT_ARRAY);
    expect(r.format).toBe('hex');
    expect(r.description).toBe('hex (spaces and line breaks ignored)');
  });

  it('reads colon- and dash-separated hex', () => {
    expect(bytesOf(CONNECT_SPACED.replaceAll(' ', ':'))).toEqual(CONNECT_ARRAY);
    expect(parse('10:1a:00').description).toBe('hex (colons ignored)');
    expect(bytesOf(CONNECT_SPACED.replaceAll(' ', '-'))).toEqual(CONNECT_ARRAY);
  });

  it('reads xxd -p style groups and hex broken by non-breaking and zero-width spaces from web pages', () => {
    expect(bytesOf('101a 0004 4d51 5454')).toEqual([0x10, 0x1a, 0x00, 0x04, 0x4d, 0x51, 0x54, 0x54]);
    expect(bytesOf('10\u00a01a\u200b00\u3000 04')).toEqual([0x10, 0x1a, 0x00, 0x04]);
  });

  it('reads hex wrapped in quotes, as copied out of JSON', () => {
    const r = parse('  "101a00044d515454"  ');
    expect(Array.from(r.bytes)).toEqual(CONNECT_ARRAY.slice(0, 8));
    expect(r.format).toBe('hex');
    expect(r.description).toBe('continuous hex (quotes ignored)');
  });

  it('ignores comments after the hex', () => {
    const r = parse('c0 00 // PINGREQ\ne0 00 # DISCONNECT\n/* done */');
    expect(Array.from(r.bytes)).toEqual([0xc0, 0x00, 0xe0, 0x00]);
    expect(r.description).toContain('comments ignored');
  });

  it('reads a continuous run after a single 0x prefix', () => {
    const r = parse('0x101a00044d515454');
    expect(Array.from(r.bytes)).toEqual(CONNECT_ARRAY.slice(0, 8));
    expect(r.format).toBe('hex');
  });
});

describe('0x lists and C arrays', () => {
  it('reads a comma-separated 0x list', () => {
    const r = parse(Array.from(CONNECT, (b) => `0x${b.toString(16).padStart(2, '0')}`).join(', '));
    expect(Array.from(r.bytes)).toEqual(CONNECT_ARRAY);
    expect(r.format).toBe('hex-0x');
    expect(r.description).toBe('0x-prefixed bytes (commas and whitespace ignored)');
  });

  it('reads 0X in upper case, without commas, across lines', () => {
    expect(bytesOf('0X10 0X1A\n0x00\t0x04\n')).toEqual([0x10, 0x1a, 0x00, 0x04]);
  });

  it('reads a Python or JavaScript list in brackets', () => {
    expect(bytesOf('[0x10, 0x1a, 0x00, 0x04]')).toEqual([0x10, 0x1a, 0x00, 0x04]);
  });

  it('reads a full C array and ignores the declaration, braces, semicolon and comments', () => {
    const text = [
      '/* CONNECT sent by mosquitto_pub */',
      'static const unsigned char pkt[] = {',
      '  0x10, 0x1a,             // fixed header',
      '  0x00, 0x04, 0x4d, 0x51, 0x54, 0x54, /* "MQTT" */ 0x04, 0x02, 0x00, 0x3c,',
      '  0x00, 0x0e, 0x6d, 0x6f, 0x73, 0x71, 0x5f, 0x70, 0x75, 0x62, 0x5f, 0x31, 0x32, 0x33, 0x34, 0x35,',
      '};',
    ].join('\n');
    const r = parse(text);
    expect(Array.from(r.bytes)).toEqual(CONNECT_ARRAY);
    expect(r.format).toBe('c-array');
    expect(r.description).toBe('C array (declaration, braces and comments ignored)');
    expect(r.warnings).toEqual([]);
  });

  it('reads a uint8_t array with a size and warns when the size disagrees with the bytes', () => {
    const r = parse(`uint8_t b[26] = {${Array.from(CONNECT, (b) => `0x${b.toString(16)}`).join(',')}};`);
    expect(Array.from(r.bytes)).toEqual(CONNECT_ARRAY);
    expect(r.warnings).toEqual(['The declaration says [26] but the initializer holds 28 bytes.']);
    expect(parse('uint8_t b[2] = { 0xc0, 0x00 };').warnings).toEqual([]);
  });

  it('reads xxd -i output, including the length variable after the array', () => {
    const text = `unsigned char mqtt_bin[] = {
  0x10, 0x1a, 0x00, 0x04, 0x4d, 0x51, 0x54, 0x54, 0x04, 0x02, 0x00, 0x3c,
  0x00, 0x0e, 0x6d, 0x6f, 0x73, 0x71, 0x5f, 0x70, 0x75, 0x62, 0x5f, 0x31,
  0x32, 0x33, 0x34, 0x35
};
unsigned int mqtt_bin_len = 28;
`;
    expect(bytesOf(text)).toEqual(CONNECT_ARRAY);
  });

  it("reads Wireshark's Go literal and C array copies, whose bytes may have a single digit", () => {
    expect(bytesOf('[]byte{0x10, 0x1a, 0x0, 0x4}')).toEqual([0x10, 0x1a, 0x00, 0x04]);
    expect(bytesOf('unsigned char bytes[] = {0xc0, 0x0};')).toEqual([0xc0, 0x00]);
  });

  it('refuses a value that does not fit in a byte, and bytes without the 0x prefix', () => {
    const big = errorOf('uint8_t b[] = { 0x10, 0x1a2b };');
    expect(big.message).toContain('0x1a2b does not fit in one byte');
    expect([big.line, big.column]).toEqual([1, 23]);
    const bare = errorOf('0x10, 1a, 0x00');
    expect(bare.message).toContain('"1a" has no 0x prefix');
    expect([bare.line, bare.column]).toEqual([1, 7]);
  });
});

describe('escaped strings', () => {
  it('reads bare \\x escapes', () => {
    const r = parse(Array.from(CONNECT, (b) => `\\x${b.toString(16).padStart(2, '0')}`).join(''));
    expect(Array.from(r.bytes)).toEqual(CONNECT_ARRAY);
    expect(r.format).toBe('hex-escaped');
  });

  it('reads a quoted string of \\x escapes', () => {
    expect(bytesOf('"\\x10\\x1a\\x00\\x04"')).toEqual([0x10, 0x1a, 0x00, 0x04]);
  });

  it('reads the Python repr of the CONNECT, taking printable characters between escapes as bytes', () => {
    // Exactly what Python prints for bytes.fromhex('101a0004…'): note \x0e followed by "mosq".
    const r = parse("b'\\x10\\x1a\\x00\\x04MQTT\\x04\\x02\\x00<\\x00\\x0emosq_pub_12345'");
    expect(Array.from(r.bytes)).toEqual(CONNECT_ARRAY);
    expect(r.format).toBe('hex-escaped');
    expect(r.description).toContain('Python bytes literal');
  });

  it('reads the short example from the brief, b\'\\x10\\x0c\\x00\\x04MQTT\'', () => {
    expect(bytesOf("b'\\x10\\x0c\\x00\\x04MQTT'")).toEqual([0x10, 0x0c, 0x00, 0x04, ...ascii('MQTT')]);
  });

  it('decodes Python escapes for quotes, backslashes and control characters', () => {
    expect(bytesOf("b'\\'\\\\\\t\\n\\r\"'")).toEqual([0x27, 0x5c, 0x09, 0x0a, 0x0d, 0x22]);
  });

  it("reads Wireshark's escaped string, which continues lines with a backslash", () => {
    const text = '"\\x10\\x1a\\x00\\x04\\x4d\\x51\\x54\\x54\\x04\\x02\\x00\\x3c\\x00\\x0e\\x6d\\x6f" \\\n"\\x73\\x71\\x5f\\x70\\x75\\x62\\x5f\\x31\\x32\\x33\\x34\\x35"\n';
    expect(bytesOf(text)).toEqual(CONNECT_ARRAY);
  });

  it("reads Wireshark's C string copy, which uses octal escapes", () => {
    expect(bytesOf('"\\020\\032\\000\\004MQTT\\004\\002\\000<\\000\\016mosq_pub_12345"')).toEqual(CONNECT_ARRAY);
  });

  it('reads a quoted string without escapes as hex or base64 when it is one, else as its characters', () => {
    expect(parse('"c000e000"').format).toBe('hex');
    expect(parse("'EBoABE1RVFQ='").format).toBe('base64');
    const text = parse('"mosq_pub_12345"');
    expect(text.format).toBe('hex-escaped');
    expect(Array.from(text.bytes)).toEqual(ascii('mosq_pub_12345'));
    expect(bytesOf('" "')).toEqual([0x20]);
    expect(parse('""').format).toBe('empty');
    expect(parse('`c0 00`').format).toBe('hex');
  });

  it('reads a C declaration with adjacent string literals', () => {
    expect(bytesOf('const char pkt[] = "\\xc0\\x00"\n                   "\\xe0\\x00";')).toEqual([0xc0, 0x00, 0xe0, 0x00]);
  });

  it('points at a string that is never closed', () => {
    const e = errorOf('x = "\\x10\\x1a\n');
    expect(e.message).toContain('not closed');
    expect([e.line, e.column]).toEqual([1, 5]);
  });
});

// As Wireshark copies it (Copy → …as Hex Dump; the same text as the site's smoke test).
const WIRESHARK_CONNECT = [
  '0000   10 1a 00 04 4d 51 54 54 04 02 00 3c 00 0e 6d 6f   ....MQTT...<..mo',
  '0010   73 71 5f 70 75 62 5f 31 32 33 34 35               sq_pub_12345',
  '',
].join('\n');

describe('Wireshark and hexdump -C dumps', () => {
  it('reads a Wireshark hex dump whose last line is short', () => {
    const r = parse(WIRESHARK_CONNECT);
    expect(Array.from(r.bytes)).toEqual(CONNECT_ARRAY);
    expect(r.format).toBe('wireshark-dump');
    expect(r.description).toBe('Wireshark hex dump (offset column and ASCII column ignored)');
    expect(r.warnings).toEqual([]);
  });

  it('ignores an ASCII column that looks like hex ("dead/beef", "ab cd ef 01 23")', () => {
    // PUBLISH to "dead/beef" with payload "ab cd ef 01 23": the second line's ASCII column holds
    // five hex-looking pairs separated by single spaces.
    const text = [
      '0000   30 19 00 09 64 65 61 64 2f 62 65 65 66 61 62 20   0...dead/beefab ',
      '0010   63 64 20 65 66 20 30 31 20 32 33                  cd ef 01 23',
    ].join('\n');
    const expected = [0x30, 0x19, 0x00, 0x09, ...ascii('dead/beef'), ...ascii('ab cd ef 01 23')];
    expect(expected.length).toBe(27);
    expect(bytesOf(text)).toEqual(expected);
  });

  it('ignores an ASCII column made only of hex digits, "0123456789abcdef"', () => {
    const text = [
      '0000   30 18 00 01 74 30 31 32 33 34 35 36 37 38 39 61   0...t0123456789a',
      '0010   62 63 64 65 66 20 63 61 66 65                     bcdef cafe',
    ].join('\n');
    expect(bytesOf(text)).toEqual([0x30, 0x18, 0x00, 0x01, ...ascii('t0123456789abcdef cafe')]);
  });

  it('uses the next offset to drop hex-looking ASCII text when a line lost its padding', () => {
    // Someone trimmed the spaces: line 1 ends "… 35  ab cd" with only two spaces before "ab cd".
    const text = [
      '0000  c0 00 e0 00 30 03 00 01 61 31 32 33 34 35  ab cd',
      '000e  c0 00                                            ..',
    ].join('\n');
    const r = parse(text);
    expect(Array.from(r.bytes)).toEqual([0xc0, 0x00, 0xe0, 0x00, 0x30, 0x03, 0x00, 0x01, 0x61, 0x31, 0x32, 0x33, 0x34, 0x35, 0xc0, 0x00]);
    expect(r.warnings[0]).toContain('end of line 1');
  });

  it('reads tshark -x output (two spaces after the offset) and notes that it is a whole frame', () => {
    const text = `0000  00 00 00 00 00 00 00 00 00 00 00 00 08 00 45 00   ..............E.
0010  00 44 1a 2b 40 00 40 06 00 00 7f 00 00 01 7f 00   .D.+@.@.........
0020  00 01 d4 31 07 5b 00 00 00 01 00 00 00 01 50 18   ...1.[........P.
0030  02 00 00 00 00 00 10 1a 00 04 4d 51 54 54 04 02   ..........MQTT..
0040  00 3c 00 0e 6d 6f 73 71 5f 70 75 62 5f 31 32 33   .<..mosq_pub_123
0050  34 35                                             45

`;
    const r = parse(text);
    expect(r.format).toBe('wireshark-dump');
    expect(r.bytes.length).toBe(82);
    expect(Array.from(r.bytes.subarray(54))).toEqual(CONNECT_ARRAY);
    expect(r.warnings).toHaveLength(1);
    expect(r.warnings[0]).toContain('Ethernet 14 + IPv4 20 + TCP 20');
    expect(r.warnings[0]).toContain('offset 54 (0x36)');
  });

  it('reads the older Wireshark layout with two spaces between the 8-byte halves', () => {
    const text = [
      '0000  10 1a 00 04 4d 51 54 54  04 02 00 3c 00 0e 6d 6f   ....MQTT ...<..mo',
      '0010  73 71 5f 70 75 62 5f 31  32 33 34 35               sq_pub_1 2345',
    ].join('\n');
    expect(bytesOf(text)).toEqual(CONNECT_ARRAY);
  });

  it('reads a dump copied without its ASCII column', () => {
    const r = parse('0000   10 1a 00 04 4d 51 54 54 04 02 00 3c 00 0e 6d 6f\n0010   73 71 5f 70 75 62 5f 31 32 33 34 35\n');
    expect(Array.from(r.bytes)).toEqual(CONNECT_ARRAY);
    expect(r.description).toBe('Wireshark hex dump (offset column ignored)');
  });

  it('reads hexdump -C output', () => {
    const text = `00000000  10 1a 00 04 4d 51 54 54  04 02 00 3c 00 0e 6d 6f  |....MQTT...<..mo|
00000010  73 71 5f 70 75 62 5f 31  32 33 34 35              |sq_pub_12345|
0000001c
`;
    const r = parse(text);
    expect(Array.from(r.bytes)).toEqual(CONNECT_ARRAY);
    expect(r.format).toBe('wireshark-dump');
    expect(r.description).toBe('hexdump -C output (offset column and |ASCII| column ignored)');
    expect(r.warnings).toEqual([]);
  });

  it('expands the * that hexdump -C writes for repeated lines', () => {
    // hexdump -C of a PUBLISH to "a/b/c/dead" followed by zeros and "tail" (70 bytes).
    const text = `00000000  30 12 00 0a 61 2f 62 2f  63 2f 64 65 61 64 62 65  |0...a/b/c/deadbe|
00000010  65 66 00 00 00 00 00 00  00 00 00 00 00 00 00 00  |ef..............|
00000020  00 00 00 00 00 00 00 00  00 00 00 00 00 00 00 00  |................|
*
00000040  00 00 74 61 69 6c                                 |..tail|
00000046
`;
    const r = parse(text);
    expect(Array.from(r.bytes)).toEqual([0x30, 0x12, 0x00, 0x0a, ...ascii('a/b/c/deadbeef'), ...new Array(48).fill(0), ...ascii('tail')]);
    expect(r.warnings).toEqual([]);
  });

  it('joins several dumps whose offsets start again, and says so', () => {
    const r = parse('0000   c0 00   ..\n\n0000   d0 00   ..\n');
    expect(Array.from(r.bytes)).toEqual([0xc0, 0x00, 0xd0, 0x00]);
    expect(r.warnings).toEqual(['The paste holds 2 dumps (the offset starts again on line 3); their bytes were joined in order.']);
  });

  it('warns when a line is missing from the middle of a dump', () => {
    const r = parse('0000   c0 00 c0 00 c0 00 c0 00 c0 00 c0 00 c0 00 c0 00   ................\n0020   d0 00   ..\n');
    expect(r.bytes.length).toBe(18);
    expect(r.warnings[0]).toContain('16 bytes missing');
  });

  it('points at a bad character inside the byte columns', () => {
    const e = errorOf('0000   10 1a 00 04\n0004   4d 5g 54 54   MQTT\n');
    expect(e.message).toContain("'g' (U+0067)");
    expect([e.line, e.column]).toEqual([2, 12]);
  });
});

describe('xxd dumps', () => {
  it('reads xxd output with its 16-bit groups and short last line', () => {
    const text = `00000000: 101a 0004 4d51 5454 0402 003c 000e 6d6f  ....MQTT...<..mo
00000010: 7371 5f70 7562 5f31 3233 3435            sq_pub_12345
`;
    const r = parse(text);
    expect(Array.from(r.bytes)).toEqual(CONNECT_ARRAY);
    expect(r.format).toBe('xxd');
    expect(r.description).toBe('xxd hex dump (offset column and ASCII column ignored)');
  });

  it('reads xxd -g1 output', () => {
    const text = `00000000: 10 1a 00 04 4d 51 54 54 04 02 00 3c 00 0e 6d 6f  ....MQTT...<..mo
00000010: 73 71 5f 70 75 62 5f 31 32 33 34 35              sq_pub_12345
`;
    expect(bytesOf(text)).toEqual(CONNECT_ARRAY);
  });

  it('ignores an ASCII column that looks like hex groups', () => {
    // The payload "dead beef" makes the ASCII column read "dead beef".
    const text = '00000000: 3010 0001 7464 6561 6420 6265 6566  0...tdead beef\n';
    expect(bytesOf(text)).toEqual([0x30, 0x10, 0x00, 0x01, ...ascii('tdead beef')]);
  });
});

// Real tcpdump 4.99 output (tcpdump -r capture.pcap -X / -XX / -x) of the CONNECT over IPv4/IPv6.
const TCPDUMP_X = `00:00:00.000000 IP 127.0.0.1.54321 > 127.0.0.1.1883: Flags [P.], seq 1:29, ack 1, win 512, length 28
\t0x0000:  4500 0044 1a2b 4000 4006 0000 7f00 0001  E..D.+@.@.......
\t0x0010:  7f00 0001 d431 075b 0000 0001 0000 0001  .....1.[........
\t0x0020:  5018 0200 0000 0000 101a 0004 4d51 5454  P...........MQTT
\t0x0030:  0402 003c 000e 6d6f 7371 5f70 7562 5f31  ...<..mosq_pub_1
\t0x0040:  3233 3435                                2345
`;

describe('tcpdump dumps', () => {
  it('reads tcpdump -X, strips the IPv4 and TCP headers and says how many bytes went', () => {
    const r = parse(TCPDUMP_X);
    expect(Array.from(r.bytes)).toEqual(CONNECT_ARRAY);
    expect(r.format).toBe('tcpdump-x');
    expect(r.description).toBe('tcpdump -X hex dump (offset column and ASCII column ignored)');
    expect(r.warnings).toContain('The tcpdump output starts with an IPv4 header: tcpdump prints the IP and TCP headers in front of the MQTT bytes.');
    expect(r.warnings).toContain('Stripped the first 40 bytes (IPv4 20 + TCP 20) and kept the 28 bytes of TCP payload.');
  });

  it('reads tcpdump -X lines pasted without the summary line', () => {
    const r = parse(TCPDUMP_X.split('\n').slice(1).join('\n'));
    expect(Array.from(r.bytes)).toEqual(CONNECT_ARRAY);
    expect(r.warnings).toHaveLength(2);
  });

  it('keeps every byte when asked to, but still says the dump starts with IP', () => {
    const r = parse(TCPDUMP_X, { stripNetworkHeaders: false });
    expect(r.bytes.length).toBe(68);
    expect(Array.from(r.bytes.subarray(40))).toEqual(CONNECT_ARRAY);
    expect(r.warnings.some((w) => w.includes('starts with an IPv4 header'))).toBe(true);
  });

  it('strips the Ethernet header too from tcpdump -XX output', () => {
    const text = `00:00:00.000000 IP 127.0.0.1.54321 > 127.0.0.1.1883: Flags [P.], seq 1:29, ack 1, win 512, length 28
\t0x0000:  0000 0000 0000 0000 0000 0000 0800 4500  ..............E.
\t0x0010:  0044 1a2b 4000 4006 0000 7f00 0001 7f00  .D.+@.@.........
\t0x0020:  0001 d431 075b 0000 0001 0000 0001 5018  ...1.[........P.
\t0x0030:  0200 0000 0000 101a 0004 4d51 5454 0402  ..........MQTT..
\t0x0040:  003c 000e 6d6f 7371 5f70 7562 5f31 3233  .<..mosq_pub_123
\t0x0050:  3435                                     45
`;
    const r = parse(text);
    expect(Array.from(r.bytes)).toEqual(CONNECT_ARRAY);
    expect(r.warnings).toContain('Stripped the first 54 bytes (Ethernet 14 + IPv4 20 + TCP 20) and kept the 28 bytes of TCP payload.');
  });

  it('reads tcpdump -x of an IPv6 packet and strips its 40-byte header', () => {
    const text = `00:00:00.000000 IP6 ::1.54321 > ::1.1883: Flags [P.], seq 1:29, ack 1, win 512, length 28
\t0x0000:  6000 0000 0030 0640 0000 0000 0000 0000
\t0x0010:  0000 0000 0000 0001 0000 0000 0000 0000
\t0x0020:  0000 0000 0000 0001 d431 075b 0000 0001
\t0x0030:  0000 0001 5018 0200 0000 0000 101a 0004
\t0x0040:  4d51 5454 0402 003c 000e 6d6f 7371 5f70
\t0x0050:  7562 5f31 3233 3435
`;
    const r = parse(text);
    expect(Array.from(r.bytes)).toEqual(CONNECT_ARRAY);
    expect(r.description).toBe('tcpdump -x hex dump (offset column ignored)');
    expect(r.warnings).toContain('Stripped the first 60 bytes (IPv6 40 + TCP 20) and kept the 28 bytes of TCP payload.');
  });

  it('joins the TCP payloads of several packets, TCP options and a bare ACK included', () => {
    const text = `00:00:00.000000 IP 127.0.0.1.54321 > 127.0.0.1.1883: Flags [P.], seq 1:29, ack 1, win 512, options [nop,nop,TS val 1 ecr 1], length 28
\t0x0000:  4500 0050 1a2b 4000 4006 0000 7f00 0001  E..P.+@.@.......
\t0x0010:  7f00 0001 d431 075b 0000 0001 0000 0001  .....1.[........
\t0x0020:  8018 0200 0000 0000 0101 080a 0000 0001  ................
\t0x0030:  0000 0001 101a 0004 4d51 5454 0402 003c  ........MQTT...<
\t0x0040:  000e 6d6f 7371 5f70 7562 5f31 3233 3435  ..mosq_pub_12345
00:00:01.000000 IP 127.0.0.1.1883 > 127.0.0.1.54321: Flags [P.], seq 1:5, ack 0, win 512, options [nop,nop,TS val 1 ecr 1], length 4
\t0x0000:  4500 0038 1a2b 4000 4006 0000 7f00 0001  E..8.+@.@.......
\t0x0010:  7f00 0001 075b d431 0000 0001 0000 0001  .....[.1........
\t0x0020:  8018 0200 0000 0000 0101 080a 0000 0001  ................
\t0x0030:  0000 0001 2002 0000                      ........
00:00:02.000000 IP 127.0.0.1.54321 > 127.0.0.1.1883: Flags [P.], ack 1, win 512, options [nop,nop,TS val 1 ecr 1], length 0
\t0x0000:  4500 0034 1a2b 4000 4006 0000 7f00 0001  E..4.+@.@.......
\t0x0010:  7f00 0001 d431 075b 0000 0001 0000 0001  .....1.[........
\t0x0020:  8018 0200 0000 0000 0101 080a 0000 0001  ................
\t0x0030:  0000 0001                                ....
`;
    const r = parse(text);
    expect(Array.from(r.bytes)).toEqual([...CONNECT_ARRAY, 0x20, 0x02, 0x00, 0x00]);
    expect(r.warnings).toContain('Stripped the IP and TCP headers of 3 packets (156 bytes in all) and joined their TCP payloads (32 bytes).');
  });

  it('keeps all bytes of a packet that is not TCP, and says why', () => {
    // IPv4 + UDP (protocol 17) carrying c0 00.
    const text = '\t0x0000:  4500 001e 0000 4000 4011 0000 7f00 0001  E.......@.......\n\t0x0010:  7f00 0001 3039 075b 000a 0000 c000       ....09.[......\n';
    const r = parse(text);
    expect(r.bytes.length).toBe(30);
    expect(r.warnings).toContain('The packet was kept whole: its protocol is 17, not TCP (6).');
  });

  it('keeps all bytes, without a header warning, when the dump does not start with IP', () => {
    const r = parse('\t0x0000:  c000 e000\n');
    expect(Array.from(r.bytes)).toEqual([0xc0, 0x00, 0xe0, 0x00]);
    expect(r.warnings).toEqual([]);
  });
});

describe('base64', () => {
  it('reads base64 of the CONNECT', () => {
    const r = parse('EBoABE1RVFQEAgA8AA5tb3NxX3B1Yl8xMjM0NQ==');
    expect(Array.from(r.bytes)).toEqual(CONNECT_ARRAY);
    expect(r.format).toBe('base64');
    expect(r.description).toBe('base64');
  });

  it('reads the example from the brief, whose padding ends a 22-byte prefix of the CONNECT', () => {
    expect(bytesOf('EBoABE1RVFQEAgA8AA5tb3NxX3B1Yg==')).toEqual(CONNECT_ARRAY.slice(0, 22));
  });

  it('reads base64 wrapped over lines and the URL-safe alphabet', () => {
    expect(bytesOf('EBoABE1RVFQEAgA8\nAA5tb3NxX3B1Yl8x\nMjM0NQ==\n')).toEqual(CONNECT_ARRAY);
    const r = parse(Buffer.from([0xfb, 0xff, 0xbf]).toString('base64url'));
    expect(Array.from(r.bytes)).toEqual([0xfb, 0xff, 0xbf]);
    expect(r.description).toBe('base64 (URL-safe alphabet)');
  });

  it('prefers hex when the text is valid as both', () => {
    const r = parse('ABCD');
    expect(r.format).toBe('hex');
    expect(Array.from(r.bytes)).toEqual([0xab, 0xcd]);
  });

  it('is not tried when allowBase64 is false', () => {
    const e = errorOf('EBoABE1RVFQEAgA8AA5tb3NxX3B1Yl8xMjM0NQ==', { allowBase64: false });
    expect(e.message).toContain("'o' (U+006F)");
  });

  it('is not tried for spaced text, so a typo in spaced hex stays a hex error', () => {
    const e = errorOf('10 1a 0g 04');
    expect(e.message).toContain("'g' (U+0067)");
  });

  it('warns when base64 wins over text that is nearly all hex digits', () => {
    const r = parse('101a00g4');
    expect(r.format).toBe('base64');
    expect(r.warnings[0]).toContain('nearly all hex digits');
    expect(r.warnings[0]).toContain("'g' (U+0067)");
  });
});

describe('empty input', () => {
  it('reads empty and whitespace-only text as zero bytes', () => {
    for (const text of ['', '   ', '\n\t\r\n', '\u00a0']) {
      const r = parse(text);
      expect(r.format).toBe('empty');
      expect(r.bytes.length).toBe(0);
      expect(r.warnings).toEqual([]);
    }
  });
});

describe('errors', () => {
  it('names a non-hex character with its line and column', () => {
    const e = errorOf('10 1a 00 04\n4d 51 5g 54');
    expect(e).toBeInstanceOf(HexInputError);
    expect(e.name).toBe('HexInputError');
    expect(e.message).toContain("'g' (U+0067)");
    expect(e.line).toBe(2);
    expect(e.column).toBe(8);
    expect(e.snippet).toBe('4d 51 5g 54');
  });

  it('names the position of an odd number of hex digits', () => {
    const e = errorOf('10 1a 0 04');
    expect(e.message).toContain('Odd number of hex digits (1)');
    expect([e.line, e.column]).toEqual([1, 7]);
    const run = errorOf('c000\n101a0');
    expect(run.message).toContain('Odd number of hex digits (5) in "101a0"');
    expect([run.line, run.column]).toEqual([2, 1]);
  });

  it('explains plain hexdump output instead of misreading its little-endian words', () => {
    const e = errorOf('0000000 1a10 0400 514d 5454 0204 3c00 0e00 6f6d\n');
    expect(e.message).toContain('hexdump -C');
  });

  it('renders invisible and control characters by code point only', () => {
    const bell = errorOf('10\u00071a');
    expect(bell.message).toContain('U+0007');
    expect(bell.message).not.toContain('\u0007');
    const rtl = errorOf('10 \u202e1a');
    expect(rtl.message).toContain('U+202E');
    expect(rtl.message).not.toContain('\u202e');
    expect(rtl.snippet).not.toContain('\u202e');
  });

  it('counts columns in characters, not UTF-16 units', () => {
    const e = errorOf('😀😀 zz');
    expect(e.message).toContain("'😀' (U+1F600)");
    expect([e.line, e.column]).toEqual([1, 1]);
    const later = errorOf('10 😀');
    expect(later.column).toBe(4);
  });

  it('keeps the snippet and message short on a huge line', () => {
    const e = errorOf(`${'ab'.repeat(50_000)}zz${'cd'.repeat(50_000)}`);
    expect(e.column).toBe(100_001);
    expect(e.snippet.length).toBeLessThanOrEqual(42);
    expect(e.message.length).toBeLessThan(200);
  });

  it('points at an unclosed C comment', () => {
    const e = errorOf('uint8_t a[] = { 0x10, /* oops\n0x1a };');
    expect(e.message).toContain('never closed');
    expect([e.line, e.column]).toEqual([1, 23]);
  });

  it('refuses input that produces more than maxBytes', () => {
    const e = errorOf('10 1a 00 04', { maxBytes: 3 });
    expect(e.message).toContain('more than 3 bytes');
    expect([e.line, e.column]).toEqual([1, 10]);
    expect(bytesOf('10 1a 00', { maxBytes: 3 })).toEqual([0x10, 0x1a, 0x00]);
    expect(errorOf('EBoABE1RVFQ=', { maxBytes: 4 }).message).toContain('more than the 4 bytes');
  });

  it('refuses input that is far too long before reading it', () => {
    const e = errorOf(' '.repeat(70_000), { maxBytes: 10 });
    expect(e.message).toMatch(/^The input is 70,000 characters long; at most 65,616 are read/);
    expect(e.message.length).toBeLessThan(200);
  });

  it('does not fall back to base64 after a size error', () => {
    expect(() => parseHexInput('ABCDABCD', { maxBytes: 2 })).toThrow(/more than 2 bytes/);
  });

  it('refuses a maxBytes that is not a whole number', () => {
    expect(() => parseHexInput('00', { maxBytes: -1 })).toThrow(RangeError);
    expect(() => parseHexInput('00', { maxBytes: 1.5 })).toThrow(RangeError);
  });
});

describe('large input', () => {
  it('parses 5 MB of continuous hex', () => {
    const bytes = randomBytes(2_500_000);
    const text = toHex(bytes);
    expect(text.length).toBe(5_000_000);
    const r = parse(text);
    expect(r.bytes.length).toBe(bytes.length);
    expect(equalBytes(r.bytes, bytes)).toBe(true);
  });

  it('parses a 5 MB Wireshark dump', () => {
    const bytes = randomBytes(1_100_000);
    const text = wiresharkDump(bytes);
    expect(text.length).toBeGreaterThan(5_000_000);
    expect(equalBytes(parse(text).bytes, bytes)).toBe(true);
  });

  it('reports an error at the end of 5 MB of spaced hex with its position', () => {
    const text = `${toHex(randomBytes(1_700_000), ' ')} zz`;
    const e = errorOf(text);
    expect(e.line).toBe(1);
    expect(e.column).toBe(text.length - 1);
    expect(e.message.length).toBeLessThan(200);
  });
});

describe('toHex and toCArray', () => {
  it('renders lowercase hex with an optional separator', () => {
    expect(toHex(Uint8Array.from([0x10, 0x1a, 0x00]), ' ')).toBe('10 1a 00');
    expect(toHex(Uint8Array.from([0xde, 0xad, 0xbe, 0xef]))).toBe('deadbeef');
    expect(toHex(Uint8Array.from([0xab, 0xcd]), ', ')).toBe('ab, cd');
    expect(toHex(new Uint8Array(0), ' ')).toBe('');
  });

  it('renders every byte value across chunk boundaries', () => {
    const all = Uint8Array.from({ length: 20_000 }, (_, i) => i & 0xff);
    const hex = toHex(all, ':');
    expect(hex.split(':')).toEqual(Array.from(all, (b) => b.toString(16).padStart(2, '0')));
  });

  it('renders a C array with 16 bytes per line', () => {
    expect(toCArray(CONNECT)).toBe(`const uint8_t packet[] = {
  0x10, 0x1a, 0x00, 0x04, 0x4d, 0x51, 0x54, 0x54, 0x04, 0x02, 0x00, 0x3c, 0x00, 0x0e, 0x6d, 0x6f,
  0x73, 0x71, 0x5f, 0x70, 0x75, 0x62, 0x5f, 0x31, 0x32, 0x33, 0x34, 0x35
};`);
    expect(toCArray(Uint8Array.from([0xc0, 0x00]), 'ping')).toBe('const uint8_t ping[] = {\n  0xc0, 0x00\n};');
    expect(toCArray(new Uint8Array(0))).toBe('const uint8_t packet[] = {\n};');
  });

  it('turns any name into a C identifier', () => {
    expect(toCArray(Uint8Array.from([1]), 'my packet-1')).toMatch(/^const uint8_t my_packet_1\[\]/);
    expect(toCArray(Uint8Array.from([1]), '1st')).toMatch(/^const uint8_t _1st\[\]/);
  });

  it('round-trips through parseHexInput', () => {
    expect(bytesOf(toHex(CONNECT))).toEqual(CONNECT_ARRAY);
    expect(bytesOf(toHex(CONNECT, ' '))).toEqual(CONNECT_ARRAY);
    const r = parse(toCArray(CONNECT, 'connect'));
    expect(r.format).toBe('c-array');
    expect(Array.from(r.bytes)).toEqual(CONNECT_ARRAY);
  });
});

// ---------------------------------------------------------------------------------------------
// Renderings for the property test, each written the way its tool writes it.

const hex2 = (b: number): string => b.toString(16).padStart(2, '0');
const printable = (b: number): string => (b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : '.');

/** Wireshark's Copy → …as Hex + ASCII Dump (ui/qt/utils/data_printer.cpp). */
function wiresharkDump(bytes: Uint8Array): string {
  const lines: string[] = [];
  for (let i = 0; i < bytes.length; i += 16) {
    const chunk = Array.from(bytes.subarray(i, i + 16));
    const pad = '   '.repeat(16 - chunk.length);
    lines.push(`${i.toString(16).padStart(4, '0')}  ${chunk.map((b) => ` ${hex2(b)}`).join('')}   ${pad}${chunk.map(printable).join('')}`);
  }
  return lines.map((l) => `${l}\n`).join('');
}

/** xxd's default layout: 8-digit offset, 2-byte groups, ASCII column after two spaces. */
function xxdDump(bytes: Uint8Array): string {
  const lines: string[] = [];
  for (let i = 0; i < bytes.length; i += 16) {
    const chunk = Array.from(bytes.subarray(i, i + 16));
    const groups: string[] = [];
    for (let g = 0; g < chunk.length; g += 2) groups.push(chunk.slice(g, g + 2).map(hex2).join(''));
    lines.push(`${i.toString(16).padStart(8, '0')}: ${groups.join(' ').padEnd(39)}  ${chunk.map(printable).join('')}`);
  }
  return lines.map((l) => `${l}\n`).join('');
}

/** hexdump -C without squeezing: two 8-byte halves, |ASCII|, and the closing offset. */
function hexdumpC(bytes: Uint8Array): string {
  if (bytes.length === 0) return '';
  const lines: string[] = [];
  for (let i = 0; i < bytes.length; i += 16) {
    const chunk = Array.from(bytes.subarray(i, i + 16));
    const left = chunk.slice(0, 8).map(hex2).join(' ');
    const right = chunk.slice(8).map(hex2).join(' ');
    lines.push(`${i.toString(16).padStart(8, '0')}  ${`${left.padEnd(23)}  ${right}`.padEnd(48)}  |${chunk.map(printable).join('')}|`);
  }
  lines.push(bytes.length.toString(16).padStart(8, '0'));
  return lines.map((l) => `${l}\n`).join('');
}

/** tcpdump -X of an IPv4/TCP packet carrying `payload` (print-ascii.c's layout). */
function tcpdumpX(payload: Uint8Array): string {
  const ip = [0x45, 0x00, 0, 0, 0x1a, 0x2b, 0x40, 0x00, 0x40, 0x06, 0x00, 0x00, 127, 0, 0, 1, 127, 0, 0, 1];
  const tcp = [0xd4, 0x31, 0x07, 0x5b, 0, 0, 0, 1, 0, 0, 0, 1, 0x50, 0x18, 0x02, 0x00, 0, 0, 0, 0];
  const total = ip.length + tcp.length + payload.length;
  ip[2] = total >> 8;
  ip[3] = total & 0xff;
  const packet = [...ip, ...tcp, ...payload];
  const lines = ['12:00:00.000000 IP 127.0.0.1.54321 > 127.0.0.1.1883: Flags [P.], length ' + payload.length];
  for (let i = 0; i < packet.length; i += 16) {
    const chunk = packet.slice(i, i + 16);
    let hexstuff = '';
    for (let g = 0; g < chunk.length; g += 2) hexstuff += ` ${chunk.slice(g, g + 2).map(hex2).join('')}`;
    lines.push(`\t0x${i.toString(16).padStart(4, '0')}: ${hexstuff.padEnd(40)}  ${chunk.map((b) => (b > 0x20 && b < 0x7f ? String.fromCharCode(b) : '.')).join('')}`);
  }
  return lines.join('\n');
}

/** Python's repr of a bytes object. */
function pythonRepr(bytes: Uint8Array): string {
  let out = "b'";
  for (const b of bytes) {
    if (b === 0x5c) out += '\\\\';
    else if (b === 0x27) out += "\\'";
    else if (b === 0x09) out += '\\t';
    else if (b === 0x0a) out += '\\n';
    else if (b === 0x0d) out += '\\r';
    else if (b >= 0x20 && b < 0x7f) out += String.fromCharCode(b);
    else out += `\\x${hex2(b)}`;
  }
  return `${out}'`;
}

/** Wireshark's Copy → …as C String: printable characters, C escapes, octal for the rest. */
function wiresharkCString(bytes: Uint8Array): string {
  const named: Record<number, string> = { 0x5c: '\\\\', 0x22: '\\"', 0x07: '\\a', 0x08: '\\b', 0x0c: '\\f', 0x0a: '\\n', 0x0d: '\\r', 0x09: '\\t', 0x0b: '\\v' };
  let out = '"';
  for (const b of bytes) out += named[b] ?? (b >= 32 && b <= 126 ? String.fromCharCode(b) : `\\${b.toString(8).padStart(3, '0')}`);
  return `${out}"`;
}

function randomBytes(n: number): Uint8Array {
  const out = new Uint8Array(n);
  let x = 0x12345678;
  for (let i = 0; i < n; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}

function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

describe('round trips of random bytes', () => {
  const renderings: Array<[string, (b: Uint8Array) => string, HexInputResult['format']]> = [
    ['continuous hex', (b) => toHex(b), 'hex'],
    ['spaced hex', (b) => toHex(b, ' '), 'hex'],
    ['colon-separated hex', (b) => toHex(b, ':'), 'hex'],
    ['0x list', (b) => Array.from(b, (x) => `0x${hex2(x)}`).join(', '), 'hex-0x'],
    ['\\x escapes', (b) => Array.from(b, (x) => `\\x${hex2(x)}`).join(''), 'hex-escaped'],
    ['Python repr', pythonRepr, 'hex-escaped'],
    ['Wireshark C string', (b) => wiresharkCString(Uint8Array.from([0, ...b])), 'hex-escaped'],
    ['C array', (b) => toCArray(b), 'c-array'],
    ['Wireshark dump', wiresharkDump, 'wireshark-dump'],
    ['xxd dump', xxdDump, 'xxd'],
    ['hexdump -C', hexdumpC, 'wireshark-dump'],
  ];

  for (const [name, render, format] of renderings) {
    it(`reads back every byte array rendered as ${name}`, () => {
      fc.assert(fc.property(fc.uint8Array({ maxLength: 100 }), (bytes) => {
        const r = parseHexInput(render(bytes));
        // The C string starts with \000 so that it always holds an escape: without one, a quoted
        // string is read as hex or base64 first (tested on its own below).
        expect(Array.from(r.bytes)).toEqual(name === 'Wireshark C string' ? [0, ...bytes] : Array.from(bytes));
        // An empty C array or Python b'' still says what it is; the other renderings of no bytes are empty text.
        expect(r.format).toBe(bytes.length === 0 && !['C array', 'Python repr', 'Wireshark C string'].includes(name) ? 'empty' : format);
      }));
    });
  }

  it('reads back every byte array rendered as base64 (as hex when the base64 is all hex digits)', () => {
    fc.assert(fc.property(fc.uint8Array({ minLength: 1, maxLength: 100 }), (bytes) => {
      const b64 = Buffer.from(bytes).toString('base64');
      const r = parseHexInput(b64);
      if (/^[0-9a-fA-F]+$/.test(b64)) {
        expect(r.format).toBe('hex');
      } else {
        expect(r.format).toBe('base64');
        expect(Array.from(r.bytes)).toEqual(Array.from(bytes));
      }
    }));
  });

  it('reads back the TCP payload of every packet rendered as tcpdump -X', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 100 }), (payload) => {
      const r = parseHexInput(tcpdumpX(payload));
      expect(r.format).toBe('tcpdump-x');
      expect(Array.from(r.bytes)).toEqual(Array.from(payload));
    }));
  });

  it('never throws anything but HexInputError, with a short snippet, on arbitrary text', () => {
    const pieces = fc.constantFrom('0', '1', 'a', 'F', 'g', ' ', '  ', '   ', '\n', '\r\n', '\t', 'x', '0x', '\\x', '\\', '"', "'", 'b',
      '{', '}', ',', ';', '|', '*', ':', '/', '//', '/*', '*/', '#', '=', '+', '0000', '00000010', '0x0000:', 'é', '😀', '\u202e', '\u0000');
    const text = fc.oneof(fc.string({ maxLength: 80 }), fc.array(pieces, { maxLength: 60 }).map((p) => p.join('')));
    fc.assert(fc.property(text, (t) => {
      try {
        const r = parseHexInput(t);
        expect(r.bytes).toBeInstanceOf(Uint8Array);
      } catch (error) {
        expect(error).toBeInstanceOf(HexInputError);
        const e = error as HexInputError;
        expect(e.line).toBeGreaterThanOrEqual(1);
        expect(e.column).toBeGreaterThanOrEqual(1);
        expect(e.snippet.length).toBeLessThanOrEqual(44);
      }
    }), { numRuns: 2000 });
  });
});
