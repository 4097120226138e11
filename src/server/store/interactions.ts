import type { CallRecord } from '../switch/types.js';
import type { RepoContext } from './context.js';
import type { LogPosition } from './store.js';
import { invalid, notFound } from './errors.js';
import { tryPhoneKey } from './phone.js';
import { checkQuality, parseQuality, qualityAfter } from './call-quality.js';
import { parsePauses, pausesAfter, touchesPauses } from './recording-pauses.js';
import {
  INTERACTION_STATUSES,
  type CallQuality,
  type Interaction,
  type InteractionPatch,
  type InteractionQuery,
  type InteractionStatus,
  type InteractionWithTimeline,
  type RecordResult,
  type TimelineEntry,
  type TimelineKind,
} from './types.js';
import * as v from './validate.js';

export interface InteractionRow {
  id: number;
  call_id: string;
  ani: string;
  dnis: string | null;
  queue: string | null;
  agent_id: string | null;
  extension: string | null;
  customer_id: string | null;
  offered_at: number;
  answered_at: number | null;
  ended_at: number | null;
  status: InteractionStatus;
  notes: string;
  disposition: string | null;
  updated_at: number;
  /** JSON list of RecordingPause (migration 6). */
  recording_pauses: string;
  /** JSON list of CallQuality (SQLite migration 8, PostgreSQL 6). */
  call_quality: string;
}

export interface EventRow {
  seq: number;
  kind: TimelineKind;
  at: number;
  detail: string | null;
  agent_id: string | null;
}

export const COLUMNS =
  'id, call_id, ani, dnis, queue, agent_id, extension, customer_id, offered_at, answered_at, ended_at, status, notes, disposition, updated_at, recording_pauses, call_quality';

const RECORD_KINDS: ReadonlySet<string> = new Set<CallRecord['kind']>([
  'queued', 'offered', 'answered', 'held', 'retrieved', 'transferred', 'conferenced', 'dtmf', 'recording', 'ended', 'abandoned',
]);

const opt = <T>(value: T | null): T | undefined => value ?? undefined;

export const toInteraction = (r: InteractionRow): Interaction => ({
  id: r.id,
  callId: r.call_id,
  ani: r.ani,
  dnis: opt(r.dnis),
  queue: opt(r.queue),
  agentId: opt(r.agent_id),
  extension: opt(r.extension),
  customerId: opt(r.customer_id),
  offeredAt: r.offered_at,
  answeredAt: opt(r.answered_at),
  endedAt: opt(r.ended_at),
  status: r.status,
  notes: r.notes,
  disposition: opt(r.disposition),
  updatedAt: r.updated_at,
  ...recordingPausesOf(r.recording_pauses),
  ...qualityOf(r.call_quality),
});

const qualityOf = (text: string): Pick<Interaction, 'quality'> => {
  const quality = parseQuality(text);
  return quality.length === 0 ? {} : { quality };
};

const recordingPausesOf = (text: string): Pick<Interaction, 'recordingPauses'> => {
  const pauses = parsePauses(text).map((p) => (p.to === undefined ? { from: Number(p.from) } : { from: Number(p.from), to: Number(p.to) }));
  return pauses.length === 0 ? {} : { recordingPauses: pauses };
};

export const toEntry = (r: EventRow): TimelineEntry => ({ seq: r.seq, kind: r.kind, at: r.at, detail: opt(r.detail), agentId: opt(r.agent_id) });

/** A stored timeline entry joined with its interaction: the call record it came from, as far as it was kept. */
export interface StoredRecordRow {
  call_id: string;
  ani: string;
  dnis: string | null;
  queue: string | null;
  kind: CallRecord['kind'];
  at: number;
  detail: string | null;
  agent_id: string | null;
}

/** Timeline entries of the switch (not the desktop's status changes) at or after a time, oldest first. */
export const STORED_RECORDS_SQL = (param: string) => `SELECT i.call_id, i.ani, i.dnis, i.queue, e.kind, e.at, e.detail, e.agent_id
  FROM interaction_events e JOIN interactions i ON i.id = e.interaction_id
  WHERE e.at >= ${param} AND e.kind <> 'status'
  ORDER BY e.at, e.interaction_id, e.seq`;

/** The queue is the interaction's last one: a call that went through two queues counts in the last. */
export const toStoredRecord = (r: StoredRecordRow): CallRecord => {
  const record: { -readonly [K in keyof CallRecord]: CallRecord[K] } = { kind: r.kind, callId: r.call_id, at: Number(r.at), ani: r.ani };
  if (r.dnis !== null) record.dnis = r.dnis;
  if (r.queue !== null) record.queue = r.queue;
  if (r.agent_id !== null) record.agentId = r.agent_id;
  if (r.detail !== null) record.detail = r.detail;
  return record;
};

export function checkRecord(record: CallRecord): void {
  if (typeof record !== 'object' || record === null) throw invalid(`call record must be an object, got ${v.describe(record)}`);
  if (!RECORD_KINDS.has(record.kind)) throw invalid(`call record kind ${v.describe(record.kind)} is not one of ${[...RECORD_KINDS].join(', ')}`);
  if (typeof record.callId !== 'string' || record.callId.length === 0) throw invalid('call record callId must be a non-empty string');
  if (typeof record.at !== 'number' || !Number.isFinite(record.at)) throw invalid(`call record at must be a time in ms, got ${v.describe(record.at)}`);
  if (typeof record.ani !== 'string') throw invalid(`call record ani must be a string, got ${v.describe(record.ani)}`);
  for (const field of ['dnis', 'queue', 'agentId', 'extension', 'detail'] as const) {
    const value = record[field];
    if (value !== undefined && typeof value !== 'string') throw invalid(`call record ${field} must be a string, got ${v.describe(value)}`);
  }
}

/** The log name and sequence number of a batch (recordCallEvents); shared with the PostgreSQL store. */
export function checkPosition(position: LogPosition): LogPosition {
  if (typeof position !== 'object' || position === null) throw invalid(`position must be an object { log, seq }, got ${v.describe(position)}`);
  const log = v.text('position.log', position.log);
  if (!Number.isSafeInteger(position.seq) || position.seq < 1) {
    throw invalid(`position.seq must be a positive integer, got ${v.describe(position.seq)}`);
  }
  return { log, seq: position.seq };
}

/**
 * The fields an interaction patch leaves after it, checked (the customer link is checked by the
 * caller, against its database): the same for every back end.
 */
export function patchedFields(current: Pick<InteractionRow, 'notes' | 'disposition' | 'status'>, patch: InteractionPatch) {
  if (patch.status !== undefined && !INTERACTION_STATUSES.includes(patch.status)) {
    throw invalid(`status must be one of ${INTERACTION_STATUSES.join(', ')}, got ${v.describe(patch.status)}`);
  }
  return {
    notes: patch.notes === undefined ? current.notes : v.text('notes', patch.notes, { max: 65536, allowEmpty: true }),
    disposition: patch.disposition === undefined ? current.disposition : patch.disposition === null ? null : v.text('disposition', patch.disposition),
    status: patch.status ?? current.status,
  };
}

export interface InteractionRepoOptions {
  /** Link a new interaction to the customer whose phone matches the ANI, when exactly one does. */
  readonly autoLinkCustomers: boolean;
}

export function interactionRepo({ db, now }: RepoContext, { autoLinkCustomers }: InteractionRepoOptions) {
  const exists = db.prepare<[string], { id: number }>('SELECT id FROM interactions WHERE call_id = ?');
  const selectRecordsSince = db.prepare<[number], StoredRecordRow>(STORED_RECORDS_SQL('?'));
  const customersByDigits = db.prepare<[string], { customer_id: string }>(
    'SELECT customer_id FROM customer_phones WHERE digits = ? GROUP BY customer_id LIMIT 2',
  );
  const customersByTail = db.prepare<[string], { customer_id: string }>(
    'SELECT customer_id FROM customer_phones WHERE tail = ? GROUP BY customer_id LIMIT 2',
  );
  const upsert = db.prepare<Record<string, unknown>, { id: number; event_count: number }>(
    `INSERT INTO interactions (call_id, ani, ani_digits, dnis, queue, agent_id, extension, customer_id,
                               offered_at, answered_at, ended_at, status, event_count, updated_at)
     VALUES (@callId, @ani, @aniDigits, @dnis, @queue, @agentId, @extension, @customerId,
             @at, @answeredAt, @endedAt, @status, 1, @now)
     ON CONFLICT (call_id) DO UPDATE SET
       dnis        = COALESCE(dnis, excluded.dnis),
       queue       = COALESCE(excluded.queue, queue),
       agent_id    = COALESCE(excluded.agent_id, agent_id),
       extension   = COALESCE(excluded.extension, extension),
       answered_at = COALESCE(answered_at, excluded.answered_at),
       ended_at    = COALESCE(ended_at, excluded.ended_at),
       status      = CASE WHEN excluded.status = 'abandoned' AND status = 'open' THEN 'abandoned' ELSE status END,
       event_count = event_count + 1,
       updated_at  = excluded.updated_at
     RETURNING id, event_count`,
  );
  const updateQuality = db.prepare('UPDATE interactions SET call_quality = ?, updated_at = ? WHERE id = ?');
  const qualityTx = db.transaction((callId: string, q: CallQuality): InteractionWithTimeline => {
    const row = selectByCall.get(callId);
    if (row === undefined) throw notFound('interaction of call', callId);
    updateQuality.run(JSON.stringify(qualityAfter(parseQuality(row.call_quality), q)), now(), row.id);
    return get(row.id) as InteractionWithTimeline;
  });
  const selectPauses = db.prepare<[number], { recording_pauses: string }>('SELECT recording_pauses FROM interactions WHERE id = ?');
  const updatePauses = db.prepare('UPDATE interactions SET recording_pauses = ? WHERE id = ?');
  const appendEvent = db.prepare(
    'INSERT INTO interaction_events (interaction_id, seq, kind, at, detail, agent_id) VALUES (?, ?, ?, ?, ?, ?)',
  );
  const bumpCount = db.prepare<[number], { event_count: number }>(
    'UPDATE interactions SET event_count = event_count + 1 WHERE id = ? RETURNING event_count',
  );
  const select = db.prepare<[number], InteractionRow>(`SELECT ${COLUMNS} FROM interactions WHERE id = ?`);
  const selectByCall = db.prepare<[string], InteractionRow>(`SELECT ${COLUMNS} FROM interactions WHERE call_id = ?`);
  const selectTimeline = db.prepare<[number], EventRow>(
    'SELECT seq, kind, at, detail, agent_id FROM interaction_events WHERE interaction_id = ? ORDER BY seq',
  );
  const customerExists = db.prepare<[string], { one: number }>('SELECT 1 AS one FROM customers WHERE id = ?');
  const update = db.prepare(
    `UPDATE interactions SET notes = @notes, disposition = @disposition, customer_id = @customerId, status = @status,
       updated_at = @now WHERE id = @id`,
  );

  /** The one customer this ANI belongs to, if exactly one (same rule as findCustomersByPhone). */
  const uniqueCustomer = (ani: string): string | null => {
    const key = tryPhoneKey(ani);
    if (key === undefined) return null;
    let ids = customersByDigits.all(key.digits);
    if (ids.length === 0 && key.tail !== undefined) ids = customersByTail.all(key.tail);
    return ids.length === 1 ? (ids[0]?.customer_id ?? null) : null;
  };

  const record = db.transaction((r: CallRecord): RecordResult => {
    const isNew = exists.get(r.callId) === undefined;
    const owns = r.kind === 'offered' || r.kind === 'answered';
    const row = upsert.get({
      callId: r.callId,
      ani: r.ani,
      aniDigits: tryPhoneKey(r.ani)?.digits ?? null,
      dnis: r.dnis ?? null,
      queue: r.queue ?? null,
      agentId: owns ? (r.agentId ?? null) : null,
      extension: owns ? (r.extension ?? null) : null,
      customerId: isNew && autoLinkCustomers ? uniqueCustomer(r.ani) : null,
      at: r.at,
      answeredAt: r.kind === 'answered' ? r.at : null,
      endedAt: r.kind === 'ended' || r.kind === 'abandoned' ? r.at : null,
      status: r.kind === 'abandoned' ? 'abandoned' : 'open',
      now: now(),
    }) as { id: number; event_count: number };
    appendEvent.run(row.id, row.event_count, r.kind, r.at, r.detail ?? null, r.agentId ?? null);
    if (touchesPauses(r)) {
      const next = pausesAfter(parsePauses(selectPauses.get(row.id)?.recording_pauses), r);
      if (next) updatePauses.run(JSON.stringify(next), row.id);
    }
    return { interactionId: row.id, created: isNew, seq: row.event_count };
  });

  const get = (id: number): InteractionWithTimeline | undefined => {
    const row = select.get(id);
    return row === undefined ? undefined : { ...toInteraction(row), timeline: selectTimeline.all(row.id).map(toEntry) };
  };

  const updateTx = db.transaction((id: number, patch: InteractionPatch): InteractionWithTimeline => {
    const current = select.get(id);
    if (current === undefined) throw notFound('interaction', id);
    let customerId = current.customer_id;
    if (patch.customerId !== undefined) {
      if (patch.customerId !== null && customerExists.get(v.identifier('customerId', patch.customerId)) === undefined) {
        throw notFound('customer', patch.customerId);
      }
      customerId = patch.customerId;
    }
    const { notes, disposition, status } = patchedFields(current, patch);
    const at = now();
    update.run({
      id,
      notes,
      disposition,
      customerId,
      status,
      now: at,
    });
    if (status !== current.status) {
      const bumped = bumpCount.get(id) as { event_count: number };
      appendEvent.run(id, bumped.event_count, 'status', at, status, null);
    }
    return get(id) as InteractionWithTimeline;
  });

  // Every call never ended, whatever its status: the agent may wrap up (or mark abandoned) during
  // the call. One scan of the table, once at start.
  const unended = db.prepare<[], { id: number; status: InteractionStatus; last_at: number | null; offered_at: number }>(
    `SELECT i.id, i.status, i.offered_at, (SELECT MAX(at) FROM interaction_events e WHERE e.interaction_id = i.id) AS last_at
       FROM interactions i WHERE i.ended_at IS NULL ORDER BY i.id`,
  );
  const interrupt = db.prepare(
    "UPDATE interactions SET status = 'interrupted', ended_at = @endedAt, event_count = event_count + 1, updated_at = @now WHERE id = @id RETURNING event_count",
  );
  /** A call already wrapped up keeps the agent's status: only its end is recorded. */
  const endOnly = db.prepare(
    'UPDATE interactions SET ended_at = @endedAt, event_count = event_count + 1, updated_at = @now WHERE id = @id RETURNING event_count',
  );
  const closeInterrupted = db.transaction((): { count: number; ids: number[] } => {
    const at = now();
    const ids: number[] = [];
    for (const row of unended.all()) {
      const endedAt = row.last_at ?? row.offered_at;
      const open = row.status === 'open';
      const { event_count } = (open ? interrupt : endOnly).get({ id: row.id, endedAt, now: at }) as { event_count: number };
      appendEvent.run(row.id, event_count, open ? 'status' : 'ended', endedAt, 'interrupted', null);
      ids.push(row.id);
    }
    return { count: ids.length, ids };
  });

  const selectPosition = db.prepare<[string], { seq: number }>('SELECT seq FROM log_positions WHERE log = ?');
  const upsertPosition = db.prepare('INSERT INTO log_positions (log, seq) VALUES (?, ?) ON CONFLICT (log) DO UPDATE SET seq = excluded.seq');
  /** The batch and the cursor in one transaction; nothing when the cursor is already there. */
  const recordBatch = db.transaction((records: readonly CallRecord[], log: string, seq: number): void => {
    if ((selectPosition.get(log)?.seq ?? 0) >= seq) return;
    for (const r of records) record(r);
    upsertPosition.run(log, seq);
  });

  const listStatements = new Map<string, ReturnType<typeof db.prepare<Record<string, unknown>, InteractionRow>>>();

  return {
    /**
     * Folds one lifecycle record of the switch into its interaction, in one transaction: the first
     * record of a callId opens it; 'offered'/'answered' set the owning agent; the first 'answered'
     * sets answeredAt; the first 'ended'/'abandoned' sets endedAt; 'abandoned' marks an open
     * interaction abandoned. Every record is appended to the timeline.
     */
    recordCallEvent(r: CallRecord): RecordResult {
      checkRecord(r);
      return record(r);
    },

    /** See Store.recordCallEvents: a replay of a batch already applied changes nothing. */
    recordCallEvents(records: readonly CallRecord[], position: LogPosition): void {
      const { log, seq } = checkPosition(position);
      if (!Array.isArray(records)) throw invalid(`records must be an array of call records, got ${v.describe(records)}`);
      records.forEach(checkRecord);
      recordBatch.immediate(records, log, seq);
    },

    recordedPosition(log: string): number {
      return selectPosition.get(v.text('log', log))?.seq ?? 0;
    },

    getInteraction: get,

    getInteractionByCallId(callId: string): InteractionWithTimeline | undefined {
      const row = selectByCall.get(callId);
      return row === undefined ? undefined : get(row.id);
    },

    callRecordsSince(since: number): CallRecord[] {
      if (typeof since !== 'number' || !Number.isFinite(since)) throw invalid(`since must be a time in ms, got ${v.describe(since)}`);
      return selectRecordsSince.all(since).map(toStoredRecord);
    },

    /** A leg's audio quality onto the call's interaction (replacing that leg's earlier summary). */
    recordCallQuality(callId: string, quality: CallQuality): InteractionWithTimeline {
      const q = checkQuality(quality);
      return qualityTx.immediate(v.text('callId', callId, { max: 128 }), q);
    },

    /** Notes, disposition, customer link, status (a change of status is added to the timeline). */
    updateInteraction(id: number, patch: InteractionPatch): InteractionWithTimeline {
      if (!Number.isSafeInteger(id)) throw invalid(`interaction id must be an integer, got ${v.describe(id)}`);
      v.object('interaction patch', patch);
      return updateTx(id, patch);
    },

    /** See Store.closeInterruptedInteractions: one transaction, so a crash during it changes nothing. */
    closeInterruptedInteractions: () => closeInterrupted.immediate(),

    /** Newest first (by offeredAt); filters combine with AND. No timelines: use getInteraction. */
    listInteractions(query: InteractionQuery = {}): Interaction[] {
      const { limit, offset } = v.page(query.limit, query.offset);
      const where: string[] = [];
      const params: Record<string, unknown> = { limit, offset };
      if (query.agentId !== undefined) {
        where.push('agent_id = @agentId');
        params.agentId = v.text('agentId', query.agentId);
      }
      if (query.involving !== undefined) {
        where.push(
          '(agent_id = @involving OR EXISTS (SELECT 1 FROM interaction_events e WHERE e.agent_id = @involving AND e.interaction_id = interactions.id))',
        );
        params.involving = v.text('involving', query.involving);
      }
      if (query.customerId !== undefined) {
        where.push('customer_id = @customerId');
        params.customerId = v.text('customerId', query.customerId);
      }
      if (query.ani !== undefined) {
        const ani = v.text('ani', query.ani, { max: 64 });
        const digits = tryPhoneKey(ani)?.digits;
        where.push(digits === undefined ? 'ani = @ani' : 'ani_digits = @ani');
        params.ani = digits ?? ani;
      }
      if (query.status !== undefined) {
        if (!INTERACTION_STATUSES.includes(query.status)) {
          throw invalid(`status must be one of ${INTERACTION_STATUSES.join(', ')}, got ${v.describe(query.status)}`);
        }
        where.push('status = @status');
        params.status = query.status;
      }
      const sql = `SELECT ${COLUMNS} FROM interactions ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''}
                   ORDER BY offered_at DESC, id DESC LIMIT @limit OFFSET @offset`;
      let statement = listStatements.get(sql);
      if (statement === undefined) {
        statement = db.prepare<Record<string, unknown>, InteractionRow>(sql);
        listStatements.set(sql, statement);
      }
      return statement.all(params).map(toInteraction);
    },
  };
}

export type InteractionRepo = ReturnType<typeof interactionRepo>;
