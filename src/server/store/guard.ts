import { StoreError } from './errors.js';

/**
 * Wraps every method so that it answers a Promise, refuses after close with CLOSED, and lets only
 * StoreErrors out (`translate` turns the back end's own errors into one; `name` says which method).
 */
export function guardAsync<T extends object>(
  methods: T,
  isClosed: () => boolean,
  translate: (err: unknown, context: string) => StoreError,
): { [K in keyof T]: T[K] extends (...args: infer A) => infer R ? (...args: A) => Promise<Awaited<R>> : never } {
  const guarded: Record<string, unknown> = {};
  for (const [name, fn] of Object.entries(methods) as [string, (...args: unknown[]) => unknown][]) {
    guarded[name] = async (...args: unknown[]): Promise<unknown> => {
      if (isClosed()) throw new StoreError('CLOSED', `${name}: the store is closed`);
      try {
        // A synchronous back end runs here, before the first await: calls keep their order.
        return await fn(...args);
      } catch (err) {
        throw translate(err, name);
      }
    };
  }
  return guarded as never;
}
