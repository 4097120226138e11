import type { RepoContext } from './context.js';
import { conflict, notFound } from './errors.js';
import type { NewQueue, Queue, QueuePatch } from './types.js';
import * as v from './validate.js';

export interface QueueRow {
  name: string;
  dnis: string;
  skill: string;
  service_level_seconds: number;
  created_at: number;
  updated_at: number;
}

const COLUMNS = 'name, dnis, skill, service_level_seconds, created_at, updated_at';

export const toQueue = (r: QueueRow): Queue => ({
  name: r.name,
  dnis: r.dnis,
  skill: r.skill,
  serviceLevelSeconds: Number(r.service_level_seconds),
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

/** The service level threshold of a queue: 1 s to an hour. */
export const checkServiceLevel = (value: unknown): number => v.seconds('serviceLevelSeconds', value, 1, 3600);
export const DEFAULT_QUEUE_SERVICE_LEVEL_SECONDS = 20;

export function queueRepo({ db, now }: RepoContext) {
  const select = db.prepare<[string], QueueRow>(`SELECT ${COLUMNS} FROM queues WHERE name = ?`);
  const selectByDnis = db.prepare<[string], QueueRow>(`SELECT ${COLUMNS} FROM queues WHERE dnis = ?`);
  const selectAll = db.prepare<[], QueueRow>(`SELECT ${COLUMNS} FROM queues ORDER BY name`);
  const insert = db.prepare('INSERT INTO queues (name, dnis, skill, service_level_seconds, created_at, updated_at) VALUES (@name, @dnis, @skill, @sl, @now, @now)');
  const update = db.prepare('UPDATE queues SET dnis = @dnis, skill = @skill, service_level_seconds = @sl, updated_at = @now WHERE name = @name');
  const remove = db.prepare('DELETE FROM queues WHERE name = ?');

  const get = (name: string): Queue | undefined => {
    const row = select.get(name);
    return row === undefined ? undefined : toQueue(row);
  };

  const checkDnisFree = (dnis: string, name: string): string => {
    const owner = selectByDnis.get(dnis)?.name;
    if (owner !== undefined && owner !== name) throw conflict(`DNIS ${JSON.stringify(dnis)} is already the number of queue ${JSON.stringify(owner)}`);
    return dnis;
  };

  return {
    createQueue(input: NewQueue): Queue {
      v.object('queue', input);
      const name = v.identifier('queue name', input.name);
      if (select.get(name) !== undefined) throw conflict(`queue ${JSON.stringify(name)} already exists`);
      insert.run({
        name,
        dnis: checkDnisFree(v.dialable('dnis', input.dnis), name),
        skill: input.skill === undefined ? name : v.identifier('skill', input.skill),
        sl: checkServiceLevel(input.serviceLevelSeconds ?? DEFAULT_QUEUE_SERVICE_LEVEL_SECONDS),
        now: now(),
      });
      return get(name) as Queue;
    },

    updateQueue(name: string, patch: QueuePatch): Queue {
      v.object('queue patch', patch);
      const current = get(name);
      if (current === undefined) throw notFound('queue', name);
      update.run({
        name,
        dnis: patch.dnis === undefined ? current.dnis : checkDnisFree(v.dialable('dnis', patch.dnis), name),
        skill: patch.skill === undefined ? current.skill : v.identifier('skill', patch.skill),
        sl: patch.serviceLevelSeconds === undefined ? current.serviceLevelSeconds : checkServiceLevel(patch.serviceLevelSeconds),
        now: now(),
      });
      return get(name) as Queue;
    },

    deleteQueue(name: string): void {
      if (remove.run(name).changes === 0) throw notFound('queue', name);
    },

    getQueue: get,

    getQueueByDnis(dnis: string): Queue | undefined {
      const row = selectByDnis.get(dnis);
      return row === undefined ? undefined : toQueue(row);
    },

    listQueues(): Queue[] {
      return selectAll.all().map(toQueue);
    },
  };
}

export type QueueRepo = ReturnType<typeof queueRepo>;
