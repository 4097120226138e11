/**
 * Keeps the order of writes of one store: each write starts when the one called before it has
 * settled (whatever its outcome), and a read starts once the writes called before it have, so a
 * caller reads what it wrote without awaiting each write.
 */
type Fn = (...args: never[]) => Promise<unknown>;

export function writeQueue() {
  let tail: Promise<unknown> = Promise.resolve();
  const settled = (p: Promise<unknown>): Promise<void> => p.then(
    () => undefined,
    () => undefined,
  );

  const write = <F extends Fn>(fn: F): F =>
    ((...args: Parameters<F>) => {
      const result = settled(tail).then(() => fn(...args));
      tail = settled(result);
      return result;
    }) as F;

  const read = <F extends Fn>(fn: F): F =>
    ((...args: Parameters<F>) => {
      const before = tail;
      return before.then(() => fn(...args));
    }) as F;

  const each = <T extends Record<string, Fn>>(methods: T, wrap: <F extends Fn>(fn: F) => F): T =>
    Object.fromEntries(Object.entries(methods).map(([name, fn]) => [name, wrap(fn)])) as T;

  return {
    writes: <T extends Record<string, Fn>>(methods: T): T => each(methods, write),
    reads: <T extends Record<string, Fn>>(methods: T): T => each(methods, read),
    /** Settles once every write called so far has. */
    idle: (): Promise<void> => settled(tail),
  };
}
