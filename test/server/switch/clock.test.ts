import { describe, expect, it } from 'vitest';
import { ManualClock, systemClock } from '../../../src/server/switch/index.js';

describe('ManualClock', () => {
  it('runs due timers in due order, ties in creation order, and moves now to each', () => {
    const clock = new ManualClock(1000);
    const seen: string[] = [];
    clock.setTimeout(() => seen.push(`b@${clock.now()}`), 20);
    clock.setTimeout(() => seen.push(`a@${clock.now()}`), 10);
    clock.setTimeout(() => seen.push(`c@${clock.now()}`), 20);
    clock.advance(15);
    expect(seen).toEqual(['a@1010']);
    expect(clock.now()).toBe(1015);
    clock.advance(100);
    expect(seen).toEqual(['a@1010', 'b@1020', 'c@1020']);
    expect(clock.now()).toBe(1115);
  });

  it('runs timers set by timers when they fall inside the window', () => {
    const clock = new ManualClock(0);
    const seen: number[] = [];
    clock.setTimeout(() => {
      seen.push(clock.now());
      clock.setTimeout(() => seen.push(clock.now()), 5);
    }, 5);
    clock.advance(10);
    expect(seen).toEqual([5, 10]);
  });

  it('clears timers, treats negative delays as now and refuses to go back', () => {
    const clock = new ManualClock(0);
    let fired = 0;
    const handle = clock.setTimeout(() => fired++, 1);
    clock.clearTimeout(handle);
    clock.setTimeout(() => fired++, -5);
    expect(clock.pending).toBe(1);
    clock.tick();
    expect(fired).toBe(1);
    expect(clock.pending).toBe(0);
    expect(() => clock.advance(-1)).toThrow(RangeError);
  });

  it('systemClock gives real time and real timers', async () => {
    expect(Math.abs(systemClock.now() - Date.now())).toBeLessThan(1000);
    await new Promise<void>((resolve) => systemClock.setTimeout(resolve, 1));
    const handle = systemClock.setTimeout(() => {
      throw new Error('cleared timers do not run');
    }, 1);
    systemClock.clearTimeout(handle);
    await new Promise((resolve) => setTimeout(resolve, 5));
  });
});
