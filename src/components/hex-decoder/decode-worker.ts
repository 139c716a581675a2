/**
 * Decodes pasted text off the main thread: parsing megabytes of hex and decoding a long stream can
 * take a second, and the page must keep answering meanwhile. The bytes go back as a transfer, not
 * a copy.
 */
import { analyseInput, type DecodeLimits, type VersionChoice } from './hex-decoder-model.ts';

interface Request { id: number; text: string; choice: VersionChoice; limits: DecodeLimits }

const scope = self as unknown as {
  onmessage: ((event: MessageEvent<Request>) => void) | null;
  postMessage: (message: unknown, transfer?: Transferable[]) => void;
};

scope.onmessage = (event) => {
  const { id, text, choice, limits } = event.data;
  try {
    const result = analyseInput(text, choice, limits);
    scope.postMessage({ id, result }, [result.bytes.buffer]);
  } catch (error) {
    scope.postMessage({ id, error: error instanceof Error ? error.message : String(error) });
  }
};
