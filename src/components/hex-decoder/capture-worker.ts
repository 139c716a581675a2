/**
 * Reads a capture file off the main thread: a 100 MB pcap takes seconds, and the page must keep
 * answering meanwhile. Reports progress as it goes; the packets' bytes come back as a transfer.
 */
import { analyseCapture, captureFormat } from '../../input/index.ts';
import { summariseCapture } from './capture-model.ts';

interface Request { id: number; file: Blob; name: string }

const scope = self as unknown as {
  onmessage: ((event: MessageEvent<Request>) => void) | null;
  postMessage: (message: unknown, transfer?: Transferable[]) => void;
};

scope.onmessage = async (event) => {
  const { id, file, name } = event.data;
  try {
    const bytes = new Uint8Array(await file.arrayBuffer());
    if (captureFormat(bytes) === null) {
      scope.postMessage({ id, notCapture: true });
      return;
    }
    const analysis = analyseCapture(bytes, { onProgress: (fraction) => scope.postMessage({ id, progress: fraction }) });
    const view = summariseCapture(name, analysis);
    scope.postMessage({ id, view }, [view.buffer]);
  } catch (error) {
    scope.postMessage({ id, error: error instanceof Error ? error.message : String(error) });
  }
};
