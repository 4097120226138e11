import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach } from 'vitest';
import { openStore, type Store, type StoreOptions } from '../../../src/server/store/index.js';

/** Cheap hashes for tests that are not about passwords (parameters travel with each hash). */
export const FAST_SCRYPT = { N: 1024, r: 8, p: 1 } as const;

const dirs: string[] = [];
const stores: Store[] = [];

afterEach(() => {
  for (const s of stores.splice(0)) s.close();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** A fresh temp folder, removed after the test. */
export function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'opencti-store-'));
  dirs.push(dir);
  return dir;
}

export function tempFile(name = 'store.db'): string {
  return join(tempDir(), name);
}

/** Opens a store on a real file (a new one unless given), closed after the test. */
export function open(options: StoreOptions & { file?: string } = {}): Store {
  const { file = tempFile(), ...rest } = options;
  const store = openStore(file, { scrypt: FAST_SCRYPT, ...rest });
  stores.push(store);
  return store;
}

/** Runs fn and returns the error it throws (fails the test when it does not throw). */
export function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (err) {
    return err;
  }
  throw new Error('expected an error, none was thrown');
}
