import type { Db } from './db.js';
import type { ScryptParams } from './passwords.js';

/** What every repository gets from openStore. */
export interface RepoContext {
  readonly db: Db;
  readonly now: () => number;
  readonly scrypt: ScryptParams;
}
