/**
 * Runs the capture reader in a Web Worker. Opening another file (or cancelling) terminates the
 * worker: the only way to stop a read in progress.
 */
import type { CaptureView } from './capture-model.ts';

export class NotACapture extends Error {
  override readonly name = 'NotACapture';
}

export class CaptureCancelled extends Error {
  override readonly name = 'CaptureCancelled';
}

export class CaptureClient {
  private worker: Worker | null = null;
  private nextId = 1;
  private reject: ((e: Error) => void) | null = null;

  read(file: Blob, name: string, onProgress: (fraction: number) => void): Promise<CaptureView> {
    this.cancel();
    const worker = new Worker(new URL('./capture-worker.ts', import.meta.url), { type: 'module' });
    this.worker = worker;
    const id = this.nextId++;
    return new Promise<CaptureView>((resolve, reject) => {
      this.reject = reject;
      worker.onmessage = (event: MessageEvent<{ id: number; progress?: number; view?: CaptureView; notCapture?: boolean; error?: string }>) => {
        const m = event.data;
        if (m.id !== id) return;
        if (m.progress !== undefined) { onProgress(m.progress); return; }
        this.finish();
        if (m.view !== undefined) resolve(m.view);
        else if (m.notCapture) reject(new NotACapture());
        else reject(new Error(m.error ?? 'unknown error'));
      };
      worker.onerror = (event) => {
        this.finish();
        reject(new Error(event.message || 'the worker failed'));
      };
      worker.postMessage({ id, file, name });
    });
  }

  cancel(): void {
    const reject = this.reject;
    this.finish();
    reject?.(new CaptureCancelled('cancelled'));
  }

  private finish(): void {
    this.worker?.terminate();
    this.worker = null;
    this.reject = null;
  }
}
