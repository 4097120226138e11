/**
 * A tiny typed emitter. A listener that throws must not break the session nor reach the
 * implementation that forwarded the event, so each call is isolated and the failure reported.
 */
export type Listener<Args extends unknown[]> = (...args: Args) => void;
type AnyListener = (...args: unknown[]) => void;

export class TypedEmitter<Events extends { [K in keyof Events]: unknown[] }> {
  readonly #listeners = new Map<keyof Events, AnyListener[]>();
  readonly #onListenerError: (error: unknown, name: keyof Events) => void;

  /** `onListenerError` hears about listeners that threw; it must not throw itself. */
  constructor(onListenerError: (error: unknown, name: keyof Events) => void) {
    this.#onListenerError = onListenerError;
  }

  /** Adds a listener; the returned function removes it. */
  on<K extends keyof Events>(name: K, listener: Listener<Events[K]>): () => void {
    const list = this.#listeners.get(name) ?? [];
    this.#listeners.set(name, [...list, listener as unknown as AnyListener]);
    return () => this.off(name, listener);
  }

  /** Adds a listener called at most once. */
  once<K extends keyof Events>(name: K, listener: Listener<Events[K]>): () => void {
    const wrapper: Listener<Events[K]> = (...args) => {
      off();
      listener(...args);
    };
    // Remember the original so that off(name, listener) also removes a once-listener.
    onceOriginals.set(wrapper, listener);
    const off = this.on(name, wrapper);
    return off;
  }

  off<K extends keyof Events>(name: K, listener: Listener<Events[K]>): void {
    const list = this.#listeners.get(name);
    if (!list) return;
    const index = list.findIndex((l) => l === (listener as unknown) || onceOriginals.get(l) === listener);
    if (index < 0) return;
    // Copy on write: an emit in progress keeps iterating its own array.
    this.#listeners.set(name, [...list.slice(0, index), ...list.slice(index + 1)]);
  }

  listenerCount(name: keyof Events): number {
    return this.#listeners.get(name)?.length ?? 0;
  }

  removeAllListeners(): void {
    this.#listeners.clear();
  }

  emit<K extends keyof Events>(name: K, ...args: Events[K]): void {
    const listeners = this.#listeners.get(name);
    // Nobody listening: nothing to do (emitted for every event, so no empty list is built).
    if (listeners === undefined) return;
    for (const listener of listeners) {
      try {
        listener(...args);
      } catch (error) {
        try {
          this.#onListenerError(error, name);
        } catch {
          // The reporter failed too: nothing left that could hear about it.
        }
      }
    }
  }
}

const onceOriginals = new WeakMap<object, unknown>();
