import { StoreError, UNIQUE_FIELDS } from '../errors.js';

/**
 * PostgreSQL's errors as StoreErrors with the same codes the SQLite store gives: a unique violation
 * is CONFLICT naming the field, other constraints INVALID, lock troubles BUSY, a server that cannot
 * be reached UNAVAILABLE (naming PostgreSQL and where), a missing database OPEN_FAILED.
 */
const NETWORK = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN']);
const GONE = /connection terminated|timeout exceeded when trying to connect|connection ended unexpectedly|client has encountered a connection error|not queryable|terminating connection|query read timeout/i;

/** Constraint names (PostgreSQL's defaults: table_pkey, table_column_key) as the SQLite column names. */
const CONSTRAINTS: Record<string, string> = {
  agents_pkey: 'agents.agent_id',
  agents_extension_key: 'agents.extension',
  queues_pkey: 'queues.name',
  queues_dnis_key: 'queues.dnis',
  customers_pkey: 'customers.id',
  interactions_call_id_key: 'interactions.call_id',
};

const field = (err: object, key: string): string => (key in err ? String((err as Record<string, unknown>)[key] ?? '') : '');

export function translator(endpoint: string) {
  return function toStoreError(err: unknown, context: string): StoreError {
    if (err instanceof StoreError) return err;
    const message = err instanceof Error ? err.message : String(err);
    const code = typeof err === 'object' && err !== null ? field(err, 'code') : '';
    if (code === '23505') {
      const column = CONSTRAINTS[field(err as object, 'constraint')];
      const name = column === undefined ? undefined : UNIQUE_FIELDS[column];
      return new StoreError('CONFLICT', `${context}: ${name === undefined ? message : `this ${name} is already taken`}`, { cause: err });
    }
    if (code.startsWith('23') || code.startsWith('22')) return new StoreError('INVALID', `${context}: ${message}`, { cause: err });
    if (code === '40001' || code === '40P01' || code === '55P03') {
      return new StoreError('BUSY', `${context}: PostgreSQL could not take a lock (${message})`, { cause: err });
    }
    if (NETWORK.has(code) || code.startsWith('08') || code.startsWith('57P') || GONE.test(message)) {
      return new StoreError('UNAVAILABLE', `${context}: PostgreSQL at ${endpoint} is unreachable (${message})`, { cause: err });
    }
    if (code === '3D000' || code.startsWith('28')) {
      return new StoreError('OPEN_FAILED', `${context}: cannot open PostgreSQL at ${endpoint}: ${message}`, { cause: err });
    }
    if (/after calling end on the pool/i.test(message)) return new StoreError('CLOSED', `${context}: the store is closed`, { cause: err });
    return new StoreError('INTERNAL', `${context}: ${message}`, { cause: err });
  };
}
