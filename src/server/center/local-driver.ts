/** One process: inputs apply the moment they are given, and timers are this process's own. */
import { createCallCenter, type CenterOptions } from './center.js';
import type { CenterDriver } from './driver.js';
import { EffectListeners } from './effect-listeners.js';
import type { Input, SwitchSetup } from './inputs.js';

export interface LocalDriver extends CenterDriver {
  close(): void;
}

export function createLocalDriver(setup: SwitchSetup, options: CenterOptions): LocalDriver {
  const center = createCallCenter(options);
  const listeners = new EffectListeners();
  center.onEffect = (effect) => listeners.deliver(effect);
  const timers = new Map<number, ReturnType<typeof setTimeout>>();
  let closed = false;

  const execSync = (input: Input): unknown => center.apply(input, Date.now());
  center.clock.arming = {
    set({ id, due }) {
      const handle = setTimeout(() => {
        timers.delete(id);
        if (!closed) execSync({ k: 'timer', id });
      }, Math.max(0, due - Date.now()));
      // A pending wrap-up, ring or grace timer must not keep a stopping process alive.
      handle.unref?.();
      timers.set(id, handle);
    },
    clear(id) {
      clearTimeout(timers.get(id));
      timers.delete(id);
    },
  };
  execSync({ k: 'init', setup });

  return {
    center,
    execSync,
    exec(input) {
      try {
        return Promise.resolve(execSync(input));
      } catch (error) {
        return Promise.reject(error instanceof Error ? error : new Error(String(error)));
      }
    },
    onEffect(listener) {
      return listeners.add(listener);
    },
    close() {
      closed = true;
      for (const handle of timers.values()) clearTimeout(handle);
      timers.clear();
    },
  };
}
