import { conflict, notFound } from '../errors.js';
import { checkServiceLevel, DEFAULT_QUEUE_SERVICE_LEVEL_SECONDS, toQueue, type QueueRow } from '../queues.js';
import type { NewQueue, Queue, QueuePatch } from '../types.js';
import * as v from '../validate.js';
import type { PgContext } from './context.js';

const COLUMNS = 'name, dnis, skill, service_level_seconds, created_at, updated_at';

export function pgQueueRepo({ sql, now }: PgContext) {
  const get = async (name: string): Promise<Queue | undefined> => {
    const row = await sql.one<QueueRow>(`SELECT ${COLUMNS} FROM queues WHERE name = $1`, [name]);
    return row === undefined ? undefined : toQueue(row);
  };
  const getByDnis = async (dnis: string): Promise<Queue | undefined> => {
    const row = await sql.one<QueueRow>(`SELECT ${COLUMNS} FROM queues WHERE dnis = $1`, [dnis]);
    return row === undefined ? undefined : toQueue(row);
  };

  const checkDnisFree = async (dnis: string, name: string): Promise<string> => {
    const owner = (await getByDnis(dnis))?.name;
    if (owner !== undefined && owner !== name) throw conflict(`DNIS ${JSON.stringify(dnis)} is already the number of queue ${JSON.stringify(owner)}`);
    return dnis;
  };

  return {
    async createQueue(input: NewQueue): Promise<Queue> {
      v.object('queue', input);
      const name = v.identifier('queue name', input.name);
      const dnis = v.dialable('dnis', input.dnis);
      const skill = input.skill === undefined ? name : v.identifier('skill', input.skill);
      const sl = checkServiceLevel(input.serviceLevelSeconds ?? DEFAULT_QUEUE_SERVICE_LEVEL_SECONDS);
      if ((await get(name)) !== undefined) throw conflict(`queue ${JSON.stringify(name)} already exists`);
      await checkDnisFree(dnis, name);
      await sql.run('INSERT INTO queues (name, dnis, skill, service_level_seconds, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $5)', [name, dnis, skill, sl, now()]);
      return (await get(name)) as Queue;
    },

    async updateQueue(name: string, patch: QueuePatch): Promise<Queue> {
      v.object('queue patch', patch);
      const current = await get(name);
      if (current === undefined) throw notFound('queue', name);
      const dnis = patch.dnis === undefined ? current.dnis : await checkDnisFree(v.dialable('dnis', patch.dnis), name);
      const skill = patch.skill === undefined ? current.skill : v.identifier('skill', patch.skill);
      const sl = patch.serviceLevelSeconds === undefined ? current.serviceLevelSeconds : checkServiceLevel(patch.serviceLevelSeconds);
      await sql.run('UPDATE queues SET dnis = $2, skill = $3, service_level_seconds = $5, updated_at = $4 WHERE name = $1', [name, dnis, skill, now(), sl]);
      return (await get(name)) as Queue;
    },

    async deleteQueue(name: string): Promise<void> {
      if ((await sql.run('DELETE FROM queues WHERE name = $1', [name])) === 0) throw notFound('queue', name);
    },

    getQueue: get,
    getQueueByDnis: getByDnis,

    async listQueues(): Promise<Queue[]> {
      return (await sql.rows<QueueRow>(`SELECT ${COLUMNS} FROM queues ORDER BY name COLLATE "C"`)).map(toQueue);
    },
  };
}
