/**
 * A tiny typed event emitter (node:events is not available in the browser bundle). Listeners run
 * synchronously, in subscription order. A listener that throws must not leave the broker half way
 * through a packet, so its error is rethrown on a microtask instead of unwinding the broker.
 */
export type Listener<E> = (event: E) => void;

export class Emitter<M extends { [K in keyof M]: { type: K } }> {
  private readonly listeners = new Map<keyof M, Array<Listener<never>>>();
  private readonly anyListeners: Array<Listener<M[keyof M]>> = [];

  /** Returns a function that removes the listener. */
  on<K extends keyof M>(type: K, listener: Listener<M[K]>): () => void {
    let list = this.listeners.get(type);
    if (list === undefined) this.listeners.set(type, (list = []));
    list.push(listener as Listener<never>);
    return () => this.off(type, listener);
  }

  off<K extends keyof M>(type: K, listener: Listener<M[K]>): void {
    const list = this.listeners.get(type);
    if (list === undefined) return;
    const at = list.indexOf(listener as Listener<never>);
    if (at !== -1) list.splice(at, 1);
  }

  /** Every event, whatever its type. */
  onAny(listener: Listener<M[keyof M]>): () => void {
    this.anyListeners.push(listener);
    return () => {
      const at = this.anyListeners.indexOf(listener);
      if (at !== -1) this.anyListeners.splice(at, 1);
    };
  }

  /** Is anyone listening for this type? Lets the broker skip building events nobody reads. */
  wants(type: keyof M): boolean {
    return this.anyListeners.length > 0 || (this.listeners.get(type)?.length ?? 0) > 0;
  }

  emit<K extends keyof M>(event: M[K]): void {
    const list = this.listeners.get(event.type as K);
    if (list !== undefined) for (const listener of list.slice()) call(listener as Listener<M[K]>, event);
    if (this.anyListeners.length > 0) for (const listener of this.anyListeners.slice()) call(listener, event);
  }
}

function call<E>(listener: Listener<E>, event: E): void {
  try {
    listener(event);
  } catch (error) {
    queueMicrotask(() => {
      throw error;
    });
  }
}
