/** Saved external numbers of the directory (SQLite): a label and a number to dial, for every agent. */
import type { RepoContext } from './context.js';
import { conflict, notFound } from './errors.js';
import type { NewSavedNumber, SavedNumber, SavedNumberPatch } from './types.js';
import * as v from './validate.js';

export interface SavedNumberRow {
  id: number;
  label: string;
  number: string;
  created_at: number;
  updated_at: number;
}

export const SAVED_NUMBER_COLUMNS = 'id, label, number, created_at, updated_at';

export const toSavedNumber = (r: SavedNumberRow): SavedNumber => ({
  id: Number(r.id),
  label: r.label,
  number: r.number,
  createdAt: Number(r.created_at),
  updatedAt: Number(r.updated_at),
});

/** The label and number of a new or changed entry, checked; each names the field it rejects. */
export function checkSavedNumber(input: Partial<NewSavedNumber>, current?: SavedNumber): { label: string; number: string } {
  return {
    label: input.label === undefined && current ? current.label : v.text('label', input.label, { max: 100 }),
    number: input.number === undefined && current ? current.number : v.dialable('number', input.number),
  };
}

export const numberTaken = (number: string, label: string) => conflict(`number ${JSON.stringify(number)} is already saved as ${JSON.stringify(label)}`);

export function directoryRepo({ db, now }: RepoContext) {
  const select = db.prepare<[number], SavedNumberRow>(`SELECT ${SAVED_NUMBER_COLUMNS} FROM directory_numbers WHERE id = ?`);
  const selectByNumber = db.prepare<[string], SavedNumberRow>(`SELECT ${SAVED_NUMBER_COLUMNS} FROM directory_numbers WHERE number = ?`);
  const selectAll = db.prepare<[], SavedNumberRow>(`SELECT ${SAVED_NUMBER_COLUMNS} FROM directory_numbers ORDER BY label, id`);
  const insert = db.prepare<[string, string, number, number], { id: number }>(
    'INSERT INTO directory_numbers (label, number, created_at, updated_at) VALUES (?, ?, ?, ?) RETURNING id',
  );
  const update = db.prepare('UPDATE directory_numbers SET label = @label, number = @number, updated_at = @now WHERE id = @id');
  const remove = db.prepare('DELETE FROM directory_numbers WHERE id = ?');

  const get = (id: number): SavedNumber | undefined => {
    const row = select.get(id);
    return row === undefined ? undefined : toSavedNumber(row);
  };
  const checkFree = (number: string, id?: number): void => {
    const owner = selectByNumber.get(number);
    if (owner !== undefined && owner.id !== id) throw numberTaken(number, owner.label);
  };

  return {
    createSavedNumber(input: NewSavedNumber): SavedNumber {
      v.object('saved number', input);
      const { label, number } = checkSavedNumber(input);
      checkFree(number);
      const at = now();
      const { id } = insert.get(label, number, at, at) as { id: number };
      return get(id) as SavedNumber;
    },

    updateSavedNumber(id: number, patch: SavedNumberPatch): SavedNumber {
      v.object('saved number patch', patch);
      const current = get(id);
      if (current === undefined) throw notFound('saved number', id);
      const { label, number } = checkSavedNumber(patch, current);
      checkFree(number, id);
      update.run({ id, label, number, now: now() });
      return get(id) as SavedNumber;
    },

    deleteSavedNumber(id: number): void {
      if (remove.run(id).changes === 0) throw notFound('saved number', id);
    },

    getSavedNumber: get,

    listSavedNumbers(): SavedNumber[] {
      return selectAll.all().map(toSavedNumber);
    },
  };
}
