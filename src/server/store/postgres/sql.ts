/**
 * The PostgreSQL connection: a pg.Pool (it reconnects by itself after the server went away) and a
 * small query interface that the repositories share, in or out of a transaction.
 */
import pg from 'pg';

export interface Sql {
  /** Rows of a query with $1, $2… parameters. */
  rows<R>(text: string, params?: readonly unknown[]): Promise<R[]>;
  /** The first row, or undefined. */
  one<R>(text: string, params?: readonly unknown[]): Promise<R | undefined>;
  /** How many rows a write touched. */
  run(text: string, params?: readonly unknown[]): Promise<number>;
  /** Runs fn in one transaction (BEGIN…COMMIT, ROLLBACK when it throws); inside one, fn joins it. */
  transaction<T>(fn: (tx: Sql) => Promise<T>): Promise<T>;
}

export const isPostgresUrl = (location: string): boolean => /^postgres(ql)?:\/\//i.test(location);

/** The URL with its password replaced by "***", for logs, errors and Store.location. */
export function maskUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password !== '') parsed.password = '***';
    return parsed.toString();
  } catch {
    return url.replace(/(\/\/[^:@/]*):[^@/]*@/, '$1:***@');
  }
}

/** "host:port/database" for messages. */
export function endpointOf(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.hostname || 'localhost'}:${parsed.port || '5432'}${parsed.pathname}`;
  } catch {
    return maskUrl(url);
  }
}

const INT8 = 20;
/** bigint columns (times in ms, ids) come back as numbers: they stay far below 2^53. */
const types: pg.CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === INT8 ? (value: string) => Number(value) : pg.types.getTypeParser(oid, format)) as pg.CustomTypesConfig['getTypeParser'],
};

export interface PoolOptions {
  readonly size: number;
  readonly connectTimeoutMs: number;
  /** A query unanswered this long fails; the pool drops its connection (released with the error). None when absent. */
  readonly queryTimeoutMs?: number;
}

export function createPool(url: string, options: PoolOptions): pg.Pool {
  const pool = new pg.Pool({ connectionString: url, max: options.size, connectionTimeoutMillis: options.connectTimeoutMs, ...(options.queryTimeoutMs === undefined ? {} : { query_timeout: options.queryTimeoutMs }), types });
  // An idle connection that dies (PostgreSQL restarted) is dropped by the pool; the next query opens
  // a new one. Without a listener the 'error' event would end the process.
  pool.on('error', () => undefined);
  return pool;
}

type Queryable = Pick<pg.Pool | pg.PoolClient, 'query'>;

function over(target: Queryable, transaction: Sql['transaction']): Sql {
  const query = (text: string, params: readonly unknown[] = []) => target.query(text, params as unknown[]);
  return {
    rows: async <R>(text: string, params?: readonly unknown[]) => (await query(text, params)).rows as R[],
    one: async <R>(text: string, params?: readonly unknown[]) => (await query(text, params)).rows[0] as R | undefined,
    run: async (text: string, params?: readonly unknown[]) => (await query(text, params)).rowCount ?? 0,
    transaction,
  };
}

/** Queries on any pooled connection; transaction() takes one connection for its duration. */
export function poolSql(pool: pg.Pool): Sql {
  return over(pool, async (fn) => {
    const client = await pool.connect();
    let broken: Error | undefined;
    try {
      await client.query('BEGIN');
      const inTx: Sql = over(client, (inner) => inner(inTx));
      const result = await fn(inTx);
      await client.query('COMMIT');
      return result;
    } catch (err) {
      await client.query('ROLLBACK').catch((rollbackError: unknown) => {
        // The connection itself failed: do not give it back to the pool.
        broken = rollbackError instanceof Error ? rollbackError : new Error(String(rollbackError));
      });
      throw err;
    } finally {
      client.release(broken);
    }
  });
}
