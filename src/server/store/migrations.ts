import type { Db } from './db.js';
import { StoreError } from './errors.js';

/**
 * Schema migrations: numbered from 1 with no gaps, each applied once, in order, in its own
 * IMMEDIATE transaction together with its row in `schema_migrations` (so a crash mid-migration
 * leaves the file at the previous version). `PRAGMA user_version` mirrors the latest version for
 * anyone inspecting the file with the sqlite3 shell. Never edit a released migration: add one.
 */
export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly up: string | ((db: Db) => void);
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'initial schema: agents, queues, customers, interactions',
    up: `
      CREATE TABLE meta (
        key   TEXT PRIMARY KEY,
        value TEXT NOT NULL
      ) STRICT;
      -- Consumed by the first open: a brand-new file gets the demo data once.
      INSERT INTO meta (key, value) VALUES ('seed_pending', '1');

      CREATE TABLE agents (
        agent_id      TEXT PRIMARY KEY,
        display_name  TEXT NOT NULL,
        extension     TEXT NOT NULL UNIQUE,
        skills        TEXT NOT NULL DEFAULT '[]',          -- JSON array of strings
        password_hash TEXT NOT NULL,                       -- scrypt$N$r$p$salt$hash
        created_at    INTEGER NOT NULL,
        updated_at    INTEGER NOT NULL
      ) STRICT;

      CREATE TABLE queues (
        name       TEXT PRIMARY KEY,
        dnis       TEXT NOT NULL UNIQUE,
        skill      TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL
      ) STRICT;

      CREATE TABLE customers (
        id         TEXT PRIMARY KEY,
        name       TEXT NOT NULL,
        email      TEXT,
        notes      TEXT NOT NULL DEFAULT '',
        extra      TEXT NOT NULL DEFAULT '{}',             -- JSON object
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL
      ) STRICT;

      CREATE TABLE customer_phones (
        customer_id TEXT NOT NULL REFERENCES customers(id) ON DELETE CASCADE,
        position    INTEGER NOT NULL,
        number      TEXT NOT NULL,                         -- normalised: digits, leading +
        digits      TEXT NOT NULL,                         -- exact lookup key
        tail        TEXT,                                  -- last digits, fallback lookup key
        PRIMARY KEY (customer_id, position)
      ) STRICT;
      CREATE INDEX customer_phones_digits ON customer_phones (digits);
      CREATE INDEX customer_phones_tail ON customer_phones (tail) WHERE tail IS NOT NULL;

      CREATE TABLE interactions (
        id          INTEGER PRIMARY KEY,
        call_id     TEXT NOT NULL UNIQUE,
        ani         TEXT NOT NULL,
        ani_digits  TEXT,                                  -- NULL when the ANI is not a number
        dnis        TEXT,
        queue       TEXT,
        agent_id    TEXT,                                  -- no FK: history outlives agents
        extension   TEXT,
        customer_id TEXT REFERENCES customers(id) ON DELETE SET NULL,
        offered_at  INTEGER NOT NULL,
        answered_at INTEGER,
        ended_at    INTEGER,
        status      TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'wrapped-up', 'abandoned')),
        notes       TEXT NOT NULL DEFAULT '',
        disposition TEXT,
        event_count INTEGER NOT NULL DEFAULT 0,
        updated_at  INTEGER NOT NULL
      ) STRICT;
      CREATE INDEX interactions_newest ON interactions (offered_at DESC, id DESC);
      CREATE INDEX interactions_agent ON interactions (agent_id, offered_at DESC, id DESC);
      CREATE INDEX interactions_customer ON interactions (customer_id, offered_at DESC, id DESC);
      CREATE INDEX interactions_ani ON interactions (ani_digits, offered_at DESC, id DESC);

      CREATE TABLE interaction_events (
        interaction_id INTEGER NOT NULL REFERENCES interactions(id) ON DELETE CASCADE,
        seq            INTEGER NOT NULL,
        kind           TEXT NOT NULL,
        at             INTEGER NOT NULL,
        detail         TEXT,
        agent_id       TEXT,
        PRIMARY KEY (interaction_id, seq)
      ) STRICT, WITHOUT ROWID;
    `,
  },
  {
    version: 2,
    name: "interaction status 'interrupted'",
    // SQLite cannot change a CHECK constraint in place: both tables are rebuilt (events first, so
    // that dropping the old interactions cascades to nothing) and renamed, which also renames the
    // events' foreign key to the new table.
    up: `
      CREATE TABLE interactions_v2 (
        id          INTEGER PRIMARY KEY,
        call_id     TEXT NOT NULL UNIQUE,
        ani         TEXT NOT NULL,
        ani_digits  TEXT,
        dnis        TEXT,
        queue       TEXT,
        agent_id    TEXT,
        extension   TEXT,
        customer_id TEXT REFERENCES customers(id) ON DELETE SET NULL,
        offered_at  INTEGER NOT NULL,
        answered_at INTEGER,
        ended_at    INTEGER,
        status      TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'wrapped-up', 'abandoned', 'interrupted')),
        notes       TEXT NOT NULL DEFAULT '',
        disposition TEXT,
        event_count INTEGER NOT NULL DEFAULT 0,
        updated_at  INTEGER NOT NULL
      ) STRICT;
      INSERT INTO interactions_v2 SELECT id, call_id, ani, ani_digits, dnis, queue, agent_id, extension, customer_id,
        offered_at, answered_at, ended_at, status, notes, disposition, event_count, updated_at FROM interactions;

      CREATE TABLE interaction_events_v2 (
        interaction_id INTEGER NOT NULL REFERENCES interactions_v2(id) ON DELETE CASCADE,
        seq            INTEGER NOT NULL,
        kind           TEXT NOT NULL,
        at             INTEGER NOT NULL,
        detail         TEXT,
        agent_id       TEXT,
        PRIMARY KEY (interaction_id, seq)
      ) STRICT, WITHOUT ROWID;
      INSERT INTO interaction_events_v2 SELECT interaction_id, seq, kind, at, detail, agent_id FROM interaction_events;

      DROP TABLE interaction_events;
      DROP TABLE interactions;
      ALTER TABLE interactions_v2 RENAME TO interactions;
      ALTER TABLE interaction_events_v2 RENAME TO interaction_events;

      CREATE INDEX interactions_newest ON interactions (offered_at DESC, id DESC);
      CREATE INDEX interactions_agent ON interactions (agent_id, offered_at DESC, id DESC);
      CREATE INDEX interactions_customer ON interactions (customer_id, offered_at DESC, id DESC);
      CREATE INDEX interactions_ani ON interactions (ani_digits, offered_at DESC, id DESC);
      -- Calls still in progress: what closeInterruptedInteractions looks for at start.
      CREATE INDEX interactions_unended ON interactions (id) WHERE status = 'open' AND ended_at IS NULL;
      CREATE INDEX interaction_events_agent ON interaction_events (agent_id, interaction_id) WHERE agent_id IS NOT NULL;
    `,
  },
  {
    version: 3,
    name: 'agents: extensions other than their own that an agent may log in on',
    up: `
      ALTER TABLE agents ADD COLUMN allowed_extensions TEXT NOT NULL DEFAULT '[]';  -- JSON array of dialables
      ALTER TABLE agents ADD COLUMN any_extension INTEGER NOT NULL DEFAULT 0 CHECK (any_extension IN (0, 1));
    `,
  },
  {
    version: 4,
    name: 'log positions: how far each log of call records has been applied',
    up: `
      CREATE TABLE log_positions (
        log TEXT PRIMARY KEY,
        seq INTEGER NOT NULL
      ) STRICT;
    `,
  },
  {
    version: 5,
    name: 'agents: role (agent or supervisor); queues: service level threshold',
    up: `
      ALTER TABLE agents ADD COLUMN role TEXT NOT NULL DEFAULT 'agent' CHECK (role IN ('agent', 'supervisor'));
      ALTER TABLE queues ADD COLUMN service_level_seconds INTEGER NOT NULL DEFAULT 20 CHECK (service_level_seconds BETWEEN 1 AND 3600);
    `,
  },
  {
    version: 6,
    name: 'directory: saved external numbers',
    up: `
      CREATE TABLE directory_numbers (
        id         INTEGER PRIMARY KEY AUTOINCREMENT,
        label      TEXT NOT NULL,
        number     TEXT NOT NULL UNIQUE,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL
      ) STRICT;
    `,
  },
  {
    version: 7,
    name: 'interactions: the pause intervals of the call recording',
    up: `
      ALTER TABLE interactions ADD COLUMN recording_pauses TEXT NOT NULL DEFAULT '[]';  -- JSON [{ from, to? }] in ms
    `,
  },
  {
    version: 8,
    name: 'interactions: the audio quality each phone leg measured',
    up: `
      ALTER TABLE interactions ADD COLUMN call_quality TEXT NOT NULL DEFAULT '[]';  -- JSON [CallQuality]
    `,
  },
];

export interface MigrationResult {
  /** Version of the file before opening (0 = new file). */
  readonly from: number;
  readonly to: number;
  readonly applied: readonly number[];
}

function checkList(migrations: readonly Migration[]): void {
  migrations.forEach((m, i) => {
    if (m.version !== i + 1) {
      throw new StoreError('INVALID', `migration #${i + 1} ("${m.name}") has version ${m.version}: versions must be 1, 2, 3… in order`);
    }
  });
}

interface AppliedRow {
  version: number;
  name: string;
}

/** Brings the file up to the last migration in `migrations`. Safe to call on every open. */
export function migrate(db: Db, migrations: readonly Migration[] = MIGRATIONS, now: () => number = Date.now): MigrationResult {
  checkList(migrations);
  const latest = migrations.length;
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version    INTEGER PRIMARY KEY,
    name       TEXT NOT NULL,
    applied_at INTEGER NOT NULL
  ) STRICT`);
  const readApplied = db.prepare<[], AppliedRow>('SELECT version, name FROM schema_migrations ORDER BY version');
  const record = db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)');

  const check = (): number => {
    const rows = readApplied.all();
    const current = rows.reduce((max, r) => Math.max(max, r.version), 0);
    if (current > latest) {
      throw new StoreError(
        'SCHEMA_TOO_NEW',
        `the database ${JSON.stringify(db.name)} is at schema version ${current}, but this version of OpenCTI-TS only knows up to ${latest}: ` +
          'upgrade OpenCTI-TS or open another file',
      );
    }
    for (const row of rows) {
      const known = migrations[row.version - 1];
      if (known?.name !== row.name) {
        throw new StoreError(
          'SCHEMA_MISMATCH',
          `the database ${JSON.stringify(db.name)} records migration ${row.version} as "${row.name}", which this code does not know` +
            (known === undefined ? '' : ` (expected "${known.name}")`),
        );
      }
    }
    return current;
  };

  const from = check();
  const applied: number[] = [];
  for (const m of migrations.slice(from)) {
    const step = db.transaction(() => {
      // Another process may have migrated while we waited for the write lock.
      if (check() >= m.version) return;
      if (typeof m.up === 'string') db.exec(m.up);
      else m.up(db);
      record.run(m.version, m.name, now());
      db.pragma(`user_version = ${m.version}`);
      applied.push(m.version);
    });
    try {
      step.immediate();
    } catch (err) {
      if (err instanceof StoreError) throw err;
      const message = err instanceof Error ? err.message : String(err);
      throw new StoreError('MIGRATION_FAILED', `migration ${m.version} ("${m.name}") failed and was rolled back: ${message}`, { cause: err });
    }
  }
  return { from, to: latest, applied };
}
