import type { ScryptParams } from '../passwords.js';
import type { Sql } from './sql.js';

/** What every PostgreSQL repository gets: the pool, or a transaction when seeding. */
export interface PgContext {
  readonly sql: Sql;
  readonly now: () => number;
  readonly scrypt: ScryptParams;
}
