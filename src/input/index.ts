/**
 * Everything a user can hand the decoder, read through one entry: pasted text in any of the
 * accepted hex spellings (src/input/text/, a file per format) or a capture file (pcap, pcapng;
 * src/input/capture/). A new format is a new file plus one line here.
 */
export { parseHexInput, HexInputError, toHex, toCArray, type HexInputFormat, type HexInputOptions, type HexInputResult } from './text/index.ts';
