/**
 * The one error type the store throws. Callers switch on `code`; `message` names what is wrong
 * (which id, which field). Raw SQLite exceptions never leave the store: they are translated here
 * (PostgreSQL's in postgres/errors.ts).
 */
export type StoreErrorCode =
  /** The id names nothing (agent, queue, customer, interaction). */
  | 'NOT_FOUND'
  /** A unique value is taken (agent id, extension, queue name, DNIS, customer id, call id). */
  | 'CONFLICT'
  /** An argument is malformed (empty name, bad phone number, bad limit…). */
  | 'INVALID'
  /** The database file was written by a newer version of this code. */
  | 'SCHEMA_TOO_NEW'
  /** The migrations recorded in the file are not the ones this code knows. */
  | 'SCHEMA_MISMATCH'
  /** Another connection held a lock for longer than the busy timeout. */
  | 'BUSY'
  /** The store was closed. */
  | 'CLOSED'
  /** The file could not be opened or is not a SQLite database; the PostgreSQL database does not exist or refused us. */
  | 'OPEN_FAILED'
  /** The database server (PostgreSQL) cannot be reached right now; later calls may succeed again. */
  | 'UNAVAILABLE'
  /** A migration failed; it was rolled back and the ones before it stay applied. */
  | 'MIGRATION_FAILED'
  /** Anything else SQLite reported (disk full, I/O error…); `cause` keeps the original. */
  | 'INTERNAL';

export class StoreError extends Error {
  readonly code: StoreErrorCode;

  constructor(code: StoreErrorCode, message: string, options: { cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'StoreError';
    this.code = code;
  }
}

export const isStoreError = (value: unknown): value is StoreError => value instanceof StoreError;

export const notFound = (what: string, id: string | number): StoreError =>
  new StoreError('NOT_FOUND', `${what} ${JSON.stringify(id)} does not exist`);

export const invalid = (message: string): StoreError => new StoreError('INVALID', message);

export const conflict = (message: string): StoreError => new StoreError('CONFLICT', message);

/** Turns anything thrown inside the store into a StoreError; `context` says what was being done. */
export function toStoreError(err: unknown, context: string): StoreError {
  if (err instanceof StoreError) return err;
  const code = typeof err === 'object' && err !== null && 'code' in err ? String((err as { code: unknown }).code) : '';
  const message = err instanceof Error ? err.message : String(err);
  if (code.startsWith('SQLITE_CONSTRAINT_UNIQUE') || code.startsWith('SQLITE_CONSTRAINT_PRIMARYKEY')) {
    return new StoreError('CONFLICT', `${context}: ${describeUnique(message)}`, { cause: err });
  }
  if (code.startsWith('SQLITE_CONSTRAINT')) {
    return new StoreError('INVALID', `${context}: ${message}`, { cause: err });
  }
  if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) {
    return new StoreError('BUSY', `${context}: the database is locked by another connection (${message})`, { cause: err });
  }
  if (err instanceof TypeError && /database connection is not open/i.test(message)) {
    return new StoreError('CLOSED', `${context}: the store is closed`, { cause: err });
  }
  return new StoreError('INTERNAL', `${context}: ${message}`, { cause: err });
}

export const UNIQUE_FIELDS: Record<string, string> = {
  'agents.agent_id': 'agent id',
  'agents.extension': 'extension',
  'queues.name': 'queue name',
  'queues.dnis': 'DNIS',
  'customers.id': 'customer id',
  'interactions.call_id': 'call id',
  'directory_numbers.number': 'saved number',
};

function describeUnique(message: string): string {
  const column = /UNIQUE constraint failed: ([\w.]+)/.exec(message)?.[1];
  const field = column === undefined ? undefined : UNIQUE_FIELDS[column];
  return field === undefined ? message : `this ${field} is already taken`;
}
