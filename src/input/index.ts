/**
 * Everything a user can hand the decoder, read through one entry: pasted text in any of the
 * accepted hex spellings (src/input/text/, a file per format) or a capture file (pcap, pcapng;
 * src/input/capture/). A new format is a new file plus one line here.
 */
import { analyseCapture, type AnalyseOptions, type CaptureAnalysis } from './capture/analyse.ts';
import { captureFormat } from './capture/frames.ts';
import { parseHexInput, type HexInputOptions, type HexInputResult } from './text/index.ts';

export { parseHexInput, HexInputError, toHex, toCArray, type HexInputFormat, type HexInputOptions, type HexInputResult } from './text/index.ts';
export {
  analyseCapture, isCapture, timeDifference, NotACaptureError,
  type AnalyseOptions, type CaptureAnalysis, type CaptureConnection, type CaptureError, type CapturedPacket, type ConnectionProtocol, type Endpoint,
} from './capture/analyse.ts';
export { CaptureFileError, captureFormat, type CaptureFormat, type Timestamp } from './capture/frames.ts';
export type { Direction, StreamEvent, PacketError } from './capture/mqtt-stream.ts';

export type InputReading =
  | { kind: 'text'; text: HexInputResult }
  | { kind: 'capture'; capture: CaptureAnalysis };

export interface ReadInputOptions {
  text?: HexInputOptions;
  capture?: AnalyseOptions;
}

/**
 * Reads text (pasted hex, base64, dumps) or bytes (a file: a capture if it starts with a pcap or
 * pcapng magic number, otherwise its text). Throws HexInputError for text that is not hex in any
 * form; a damaged capture is not thrown but reported in `capture.error`, with what came before it.
 */
export function readInput(input: string | Uint8Array, options: ReadInputOptions = {}): InputReading {
  if (typeof input !== 'string') {
    if (captureFormat(input) !== null) return { kind: 'capture', capture: analyseCapture(input, options.capture) };
    input = new TextDecoder('utf-8').decode(input);
  }
  return { kind: 'text', text: parseHexInput(input, options.text) };
}
