/** Saved external numbers of the directory (PostgreSQL); the checks are SQLite's (../directory.ts). */
import { SAVED_NUMBER_COLUMNS, checkSavedNumber, numberTaken, toSavedNumber, type SavedNumberRow } from '../directory.js';
import { notFound } from '../errors.js';
import type { NewSavedNumber, SavedNumber, SavedNumberPatch } from '../types.js';
import * as v from '../validate.js';
import type { PgContext } from './context.js';

export function pgDirectoryRepo({ sql, now }: PgContext) {
  const get = async (id: number): Promise<SavedNumber | undefined> => {
    const row = await sql.one<SavedNumberRow>(`SELECT ${SAVED_NUMBER_COLUMNS} FROM directory_numbers WHERE id = $1`, [id]);
    return row === undefined ? undefined : toSavedNumber(row);
  };
  const checkFree = async (number: string, id?: number): Promise<void> => {
    const owner = await sql.one<SavedNumberRow>(`SELECT ${SAVED_NUMBER_COLUMNS} FROM directory_numbers WHERE number = $1`, [number]);
    if (owner !== undefined && Number(owner.id) !== id) throw numberTaken(number, owner.label);
  };

  return {
    async createSavedNumber(input: NewSavedNumber): Promise<SavedNumber> {
      v.object('saved number', input);
      const { label, number } = checkSavedNumber(input);
      await checkFree(number);
      const row = await sql.one<{ id: number }>('INSERT INTO directory_numbers (label, number, created_at, updated_at) VALUES ($1, $2, $3, $3) RETURNING id', [label, number, now()]);
      return (await get(Number(row?.id))) as SavedNumber;
    },

    async updateSavedNumber(id: number, patch: SavedNumberPatch): Promise<SavedNumber> {
      v.object('saved number patch', patch);
      const current = await get(id);
      if (current === undefined) throw notFound('saved number', id);
      const { label, number } = checkSavedNumber(patch, current);
      await checkFree(number, id);
      await sql.run('UPDATE directory_numbers SET label = $2, number = $3, updated_at = $4 WHERE id = $1', [id, label, number, now()]);
      return (await get(id)) as SavedNumber;
    },

    async deleteSavedNumber(id: number): Promise<void> {
      if ((await sql.run('DELETE FROM directory_numbers WHERE id = $1', [id])) === 0) throw notFound('saved number', id);
    },

    getSavedNumber: get,

    async listSavedNumbers(): Promise<SavedNumber[]> {
      return (await sql.rows<SavedNumberRow>(`SELECT ${SAVED_NUMBER_COLUMNS} FROM directory_numbers ORDER BY label COLLATE "C", id`)).map(toSavedNumber);
    },
  };
}
