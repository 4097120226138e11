import { checkQuality, parseQuality, qualityAfter } from '../call-quality.js';
import { parsePauses, pausesAfter, touchesPauses } from '../recording-pauses.js';
import type { CallRecord } from '../../switch/types.js';
import { invalid, notFound } from '../errors.js';
import {
  checkPosition,
  checkRecord,
  COLUMNS,
  patchedFields,
  STORED_RECORDS_SQL,
  toEntry,
  toInteraction,
  toStoredRecord,
  type EventRow,
  type InteractionRow,
  type StoredRecordRow,
} from '../interactions.js';
import { tryPhoneKey } from '../phone.js';
import type { LogPosition } from '../store.js';
import {
  INTERACTION_STATUSES,
  type Interaction,
  type CallQuality,
  type InteractionPatch,
  type InteractionQuery,
  type InteractionStatus,
  type InteractionWithTimeline,
  type RecordResult,
} from '../types.js';
import * as v from '../validate.js';
import type { PgContext } from './context.js';
import type { Sql } from './sql.js';

/** Same folding of call records as the SQLite store (see interactions.ts there and README.md). */
export function pgInteractionRepo({ sql, now }: PgContext, { autoLinkCustomers }: { autoLinkCustomers: boolean }) {
  /** The one customer this ANI belongs to, if exactly one (same rule as findCustomersByPhone). */
  const uniqueCustomer = async (tx: Sql, ani: string): Promise<string | null> => {
    const key = tryPhoneKey(ani);
    if (key === undefined) return null;
    const find = (column: 'digits' | 'tail', value: string) =>
      tx.rows<{ customer_id: string }>(`SELECT customer_id FROM customer_phones WHERE ${column} = $1 GROUP BY customer_id LIMIT 2`, [value]);
    let ids = await find('digits', key.digits);
    if (ids.length === 0 && key.tail !== undefined) ids = await find('tail', key.tail);
    return ids.length === 1 ? (ids[0]?.customer_id ?? null) : null;
  };

  const appendEvent = (tx: Sql, id: number, seq: number, kind: string, at: number, detail: string | null, agentId: string | null) =>
    tx.run('INSERT INTO interaction_events (interaction_id, seq, kind, at, detail, agent_id) VALUES ($1, $2, $3, $4, $5, $6)', [
      id, seq, kind, at, detail, agentId,
    ]);

  /** One record: an upsert of the interaction (its row stays locked until commit) and a timeline entry. */
  const recordIn = async (tx: Sql, r: CallRecord): Promise<RecordResult> => {
    const known = await tx.one('SELECT id FROM interactions WHERE call_id = $1', [r.callId]);
    const owns = r.kind === 'offered' || r.kind === 'answered';
    const row = (await tx.one<{ id: number; event_count: number }>(
      `INSERT INTO interactions AS i (call_id, ani, ani_digits, dnis, queue, agent_id, extension, customer_id,
                                      offered_at, answered_at, ended_at, status, event_count, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, 1, $13)
       ON CONFLICT (call_id) DO UPDATE SET
         dnis        = COALESCE(i.dnis, excluded.dnis),
         queue       = COALESCE(excluded.queue, i.queue),
         agent_id    = COALESCE(excluded.agent_id, i.agent_id),
         extension   = COALESCE(excluded.extension, i.extension),
         answered_at = COALESCE(i.answered_at, excluded.answered_at),
         ended_at    = COALESCE(i.ended_at, excluded.ended_at),
         status      = CASE WHEN excluded.status = 'abandoned' AND i.status = 'open' THEN 'abandoned' ELSE i.status END,
         event_count = i.event_count + 1,
         updated_at  = excluded.updated_at
       RETURNING id, event_count`,
      [
        r.callId,
        r.ani,
        tryPhoneKey(r.ani)?.digits ?? null,
        r.dnis ?? null,
        r.queue ?? null,
        owns ? (r.agentId ?? null) : null,
        owns ? (r.extension ?? null) : null,
        known === undefined && autoLinkCustomers ? await uniqueCustomer(tx, r.ani) : null,
        r.at,
        r.kind === 'answered' ? r.at : null,
        r.kind === 'ended' || r.kind === 'abandoned' ? r.at : null,
        r.kind === 'abandoned' ? 'abandoned' : 'open',
        now(),
      ],
    )) as { id: number; event_count: number };
    await appendEvent(tx, row.id, row.event_count, r.kind, r.at, r.detail ?? null, r.agentId ?? null);
    if (touchesPauses(r)) {
      const current = await tx.one<{ recording_pauses: string }>('SELECT recording_pauses FROM interactions WHERE id = $1', [row.id]);
      const next = pausesAfter(parsePauses(current?.recording_pauses), r);
      if (next) await tx.run('UPDATE interactions SET recording_pauses = $1 WHERE id = $2', [JSON.stringify(next), row.id]);
    }
    // The first record inserts with event_count 1: true even when another server raced us to it.
    return { interactionId: row.id, created: row.event_count === 1, seq: row.event_count };
  };

  const getIn = async (tx: Sql, id: number): Promise<InteractionWithTimeline | undefined> => {
    const row = await tx.one<InteractionRow>(`SELECT ${COLUMNS} FROM interactions WHERE id = $1`, [id]);
    if (row === undefined) return undefined;
    const events = await tx.rows<EventRow>('SELECT seq, kind, at, detail, agent_id FROM interaction_events WHERE interaction_id = $1 ORDER BY seq', [id]);
    return { ...toInteraction(row), timeline: events.map(toEntry) };
  };

  const checkId = (id: number): number => {
    if (!Number.isSafeInteger(id)) throw invalid(`interaction id must be an integer, got ${v.describe(id)}`);
    return id;
  };

  return {
    async recordCallEvent(r: CallRecord): Promise<RecordResult> {
      checkRecord(r);
      return sql.transaction((tx) => recordIn(tx, r));
    },

    async recordCallEvents(records: readonly CallRecord[], position: LogPosition): Promise<void> {
      const { log, seq } = checkPosition(position);
      if (!Array.isArray(records)) throw invalid(`records must be an array of call records, got ${v.describe(records)}`);
      records.forEach(checkRecord);
      await sql.transaction(async (tx) => {
        await tx.run('INSERT INTO log_positions (log, seq) VALUES ($1, 0) ON CONFLICT (log) DO NOTHING', [log]);
        // Locked until commit: two servers replaying one log apply each batch once.
        const stored = (await tx.one<{ seq: number }>('SELECT seq FROM log_positions WHERE log = $1 FOR UPDATE', [log]))?.seq ?? 0;
        if (stored >= seq) return;
        for (const r of records) await recordIn(tx, r);
        await tx.run('UPDATE log_positions SET seq = $2 WHERE log = $1', [log, seq]);
      });
    },

    async recordedPosition(log: string): Promise<number> {
      return (await sql.one<{ seq: number }>('SELECT seq FROM log_positions WHERE log = $1', [v.text('log', log)]))?.seq ?? 0;
    },

    getInteraction: async (id: number) => (Number.isSafeInteger(id) ? getIn(sql, id) : undefined),

    async callRecordsSince(since: number): Promise<CallRecord[]> {
      if (typeof since !== 'number' || !Number.isFinite(since)) throw invalid(`since must be a time in ms, got ${v.describe(since)}`);
      return (await sql.rows<StoredRecordRow>(STORED_RECORDS_SQL('$1'), [since])).map(toStoredRecord);
    },

    async getInteractionByCallId(callId: string): Promise<InteractionWithTimeline | undefined> {
      const row = await sql.one<{ id: number }>('SELECT id FROM interactions WHERE call_id = $1', [callId]);
      return row === undefined ? undefined : getIn(sql, row.id);
    },

    /** A leg's audio quality onto the call's interaction (replacing that leg's earlier summary). */
    async recordCallQuality(callId: string, quality: CallQuality): Promise<InteractionWithTimeline> {
      const q = checkQuality(quality);
      const id = v.text('callId', callId, { max: 128 });
      return sql.transaction(async (tx) => {
        const row = await tx.one<{ id: number; call_quality: string }>('SELECT id, call_quality FROM interactions WHERE call_id = $1 FOR UPDATE', [id]);
        if (row === undefined) throw notFound('interaction of call', id);
        await tx.run('UPDATE interactions SET call_quality = $2, updated_at = $3 WHERE id = $1', [row.id, JSON.stringify(qualityAfter(parseQuality(row.call_quality), q)), now()]);
        return (await getIn(tx, row.id)) as InteractionWithTimeline;
      });
    },

    /** Notes, disposition, customer link, status (a change of status is added to the timeline). */
    async updateInteraction(id: number, patch: InteractionPatch): Promise<InteractionWithTimeline> {
      checkId(id);
      v.object('interaction patch', patch);
      return sql.transaction(async (tx) => {
        const current = await tx.one<InteractionRow>(`SELECT ${COLUMNS} FROM interactions WHERE id = $1 FOR UPDATE`, [id]);
        if (current === undefined) throw notFound('interaction', id);
        let customerId = current.customer_id;
        if (patch.customerId !== undefined) {
          if (patch.customerId !== null && (await tx.one('SELECT 1 FROM customers WHERE id = $1', [v.identifier('customerId', patch.customerId)])) === undefined) {
            throw notFound('customer', patch.customerId);
          }
          customerId = patch.customerId;
        }
        const { notes, disposition, status } = patchedFields(current, patch);
        const at = now();
        await tx.run('UPDATE interactions SET notes = $2, disposition = $3, customer_id = $4, status = $5, updated_at = $6 WHERE id = $1', [
          id,
          notes,
          disposition,
          customerId,
          status,
          at,
        ]);
        if (status !== current.status) {
          const bumped = (await tx.one<{ event_count: number }>('UPDATE interactions SET event_count = event_count + 1 WHERE id = $1 RETURNING event_count', [id])) as {
            event_count: number;
          };
          await appendEvent(tx, id, bumped.event_count, 'status', at, status, null);
        }
        return (await getIn(tx, id)) as InteractionWithTimeline;
      });
    },

    /** See Store.closeInterruptedInteractions: one transaction, so a crash during it changes nothing. */
    closeInterruptedInteractions: () =>
      sql.transaction(async (tx) => {
        const at = now();
        const ids: number[] = [];
        const unended = await tx.rows<{ id: number; status: InteractionStatus; last_at: number | null; offered_at: number }>(
          `SELECT i.id, i.status, i.offered_at, (SELECT MAX(at) FROM interaction_events e WHERE e.interaction_id = i.id) AS last_at
             FROM interactions i WHERE i.ended_at IS NULL ORDER BY i.id FOR UPDATE OF i`,
        );
        for (const row of unended) {
          const endedAt = row.last_at ?? row.offered_at;
          const open = row.status === 'open';
          const { event_count } = (await tx.one<{ event_count: number }>(
            `UPDATE interactions SET ${open ? "status = 'interrupted', " : ''}ended_at = $2, event_count = event_count + 1, updated_at = $3
             WHERE id = $1 RETURNING event_count`,
            [row.id, endedAt, at],
          )) as { event_count: number };
          await appendEvent(tx, row.id, event_count, open ? 'status' : 'ended', endedAt, 'interrupted', null);
          ids.push(row.id);
        }
        return { count: ids.length, ids };
      }),

    /** Newest first (by offeredAt); filters combine with AND. No timelines: use getInteraction. */
    async listInteractions(query: InteractionQuery = {}): Promise<Interaction[]> {
      const { limit, offset } = v.page(query.limit, query.offset);
      const where: string[] = [];
      const params: unknown[] = [];
      const param = (value: unknown): string => `$${params.push(value)}`;
      if (query.agentId !== undefined) where.push(`agent_id = ${param(v.text('agentId', query.agentId))}`);
      if (query.involving !== undefined) {
        const p = param(v.text('involving', query.involving));
        where.push(`(agent_id = ${p} OR EXISTS (SELECT 1 FROM interaction_events e WHERE e.agent_id = ${p} AND e.interaction_id = interactions.id))`);
      }
      if (query.customerId !== undefined) where.push(`customer_id = ${param(v.text('customerId', query.customerId))}`);
      if (query.ani !== undefined) {
        const ani = v.text('ani', query.ani, { max: 64 });
        const digits = tryPhoneKey(ani)?.digits;
        where.push(digits === undefined ? `ani = ${param(ani)}` : `ani_digits = ${param(digits)}`);
      }
      if (query.status !== undefined) {
        if (!INTERACTION_STATUSES.includes(query.status)) {
          throw invalid(`status must be one of ${INTERACTION_STATUSES.join(', ')}, got ${v.describe(query.status)}`);
        }
        where.push(`status = ${param(query.status)}`);
      }
      const rows = await sql.rows<InteractionRow>(
        `SELECT ${COLUMNS} FROM interactions ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''}
         ORDER BY offered_at DESC, id DESC LIMIT ${param(limit)} OFFSET ${param(offset)}`,
        params,
      );
      return rows.map(toInteraction);
    },
  };
}
