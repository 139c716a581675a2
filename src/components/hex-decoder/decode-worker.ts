/**
 * Decodes pasted text off the main thread: parsing megabytes of hex and decoding a long stream can
 * take a second, and the page must keep answering meanwhile. The bytes go back as a transfer, not
 * a copy.
 *
 * The listener is set first and the model is imported behind it: the model's graph includes the
 * widget text catalogue, whose module awaits its language files (catalogue.ts), and a module
 * worker starts delivering messages while such an await is pending, so a listener set after it
 * could miss the page's request (the 5 MB paste then stayed "in the background" for good).
 */
import type { DecodeLimits, VersionChoice } from './hex-decoder-model.ts';

const model = import('./hex-decoder-model.ts');

interface Request { id: number; text: string; choice: VersionChoice; limits: DecodeLimits }

const scope = self as unknown as {
  onmessage: ((event: MessageEvent<Request>) => void) | null;
  postMessage: (message: unknown, transfer?: Transferable[]) => void;
};

scope.onmessage = async (event) => {
  const { id, text, choice, limits } = event.data;
  try {
    const { analyseInput } = await model;
    const result = analyseInput(text, choice, limits);
    scope.postMessage({ id, result }, [result.bytes.buffer]);
  } catch (error) {
    scope.postMessage({ id, error: error instanceof Error ? error.message : String(error) });
  }
};
