/**
 * Runs `analyseInput` in a Web Worker. A new request while one is running terminates the worker
 * (the only way to stop a decode in progress) and starts a fresh one, so typing over a huge paste
 * never queues up stale work.
 */
import type { AnalysisResult, DecodeLimits, VersionChoice } from './hex-decoder-model.ts';

export class DecodeCancelled extends Error {
  override readonly name = 'DecodeCancelled';
}

export class DecodeClient {
  private worker: Worker | null = null;
  private nextId = 1;
  private pending: { id: number; resolve: (r: AnalysisResult) => void; reject: (e: Error) => void } | null = null;

  static supported(): boolean {
    return typeof Worker !== 'undefined';
  }

  decode(text: string, choice: VersionChoice, limits: DecodeLimits): Promise<AnalysisResult> {
    if (this.pending !== null) {
      this.pending.reject(new DecodeCancelled('superseded'));
      this.pending = null;
      this.worker?.terminate();
      this.worker = null;
    }
    const worker = this.worker ?? this.start();
    const id = this.nextId++;
    return new Promise<AnalysisResult>((resolve, reject) => {
      this.pending = { id, resolve, reject };
      worker.postMessage({ id, text, choice, limits });
    });
  }

  private start(): Worker {
    const worker = new Worker(new URL('./decode-worker.ts', import.meta.url), { type: 'module' });
    worker.onmessage = (event: MessageEvent<{ id: number; result?: AnalysisResult; error?: string }>) => {
      const pending = this.pending;
      if (pending === null || pending.id !== event.data.id) return;
      this.pending = null;
      if (event.data.result !== undefined) pending.resolve(event.data.result);
      else pending.reject(new Error(event.data.error ?? 'unknown error'));
    };
    worker.onerror = (event) => {
      const pending = this.pending;
      this.pending = null;
      this.worker?.terminate();
      this.worker = null;
      pending?.reject(new Error(event.message || 'the worker failed to start'));
    };
    this.worker = worker;
    return worker;
  }

  dispose(): void {
    this.pending?.reject(new DecodeCancelled('disposed'));
    this.pending = null;
    this.worker?.terminate();
    this.worker = null;
  }
}
