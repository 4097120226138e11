/** The main thread's handle on the client worker (bench/gateway/clients.ts): commands in, replies out. */
import { Worker } from 'node:worker_threads';
import type { ClientCommand, ClientDone, ClientReply } from './clients.js';

type WithoutId<T> = T extends unknown ? Omit<T, 'id'> : never;

export class ClientPool {
  readonly #worker: Worker;
  #nextId = 1;
  readonly #waiting = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
  #done: ((done: ClientDone) => void) | undefined;
  #failure: Error | undefined;

  constructor() {
    // Loaders registered with --import do not reach worker threads on Node 20: the worker registers tsx itself.
    const tsx = import.meta.resolve('tsx/esm/api');
    const entry = new URL('./clients.ts', import.meta.url).href;
    const code = `import(${JSON.stringify(tsx)}).then((api) => { api.register(); return import(${JSON.stringify(entry)}); });`;
    this.#worker = new Worker(code, { eval: true });
    this.#worker.on('message', (message: ClientReply | ClientDone) => {
      if ('done' in message) {
        const done = this.#done;
        this.#done = undefined;
        done?.(message);
        return;
      }
      const waiter = this.#waiting.get(message.id);
      this.#waiting.delete(message.id);
      if (message.ok) waiter?.resolve(message.value);
      else waiter?.reject(new Error(`client worker: ${message.error}`));
    });
    this.#worker.on('error', (error) => this.#fail(error));
    this.#worker.on('exit', (code) => this.#fail(new Error(`client worker exited with code ${code}`)));
  }

  #fail(error: Error): void {
    this.#failure ??= error;
    for (const waiter of this.#waiting.values()) waiter.reject(error);
    this.#waiting.clear();
  }

  call<T = unknown>(command: WithoutId<ClientCommand>, timeoutMs = 120_000): Promise<T> {
    if (this.#failure) return Promise.reject(this.#failure);
    const id = this.#nextId++;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#waiting.delete(id);
        reject(new Error(`client worker: no reply to "${command.cmd}" within ${timeoutMs} ms`));
      }, timeoutMs);
      this.#waiting.set(id, {
        resolve: (value) => (clearTimeout(timer), resolve(value as T)),
        reject: (error) => (clearTimeout(timer), reject(error)),
      });
      this.#worker.postMessage({ ...command, id });
    });
  }

  /** Arms the worker to count `count` event frames; resolves with the time the last one arrived. */
  async expect(count: number, flags: { parse?: boolean; record?: boolean } = {}, timeoutMs = 60_000): Promise<() => Promise<ClientDone>> {
    const done = new Promise<ClientDone>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`only part of ${count} event frames arrived within ${timeoutMs} ms`)), timeoutMs);
      this.#done = (value) => (clearTimeout(timer), resolve(value));
    });
    done.catch(() => undefined);
    await this.call({ cmd: 'expect', count, ...flags });
    return () => done;
  }

  async terminate(): Promise<void> {
    this.#worker.removeAllListeners('exit');
    await this.#worker.terminate();
  }
}
