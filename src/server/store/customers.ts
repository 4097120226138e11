import { randomUUID } from 'node:crypto';
import type { RepoContext } from './context.js';
import { conflict, invalid, notFound } from './errors.js';
import { phoneKey, tryPhoneKey, type PhoneKey } from './phone.js';
import type { Customer, CustomerPatch, CustomerQuery, JsonValue, NewCustomer } from './types.js';
import * as v from './validate.js';

export interface CustomerRow {
  id: string;
  name: string;
  email: string | null;
  notes: string;
  extra: string;
  created_at: number;
  updated_at: number;
}

export interface PhoneRow {
  customer_id: string;
  number: string;
}

/** Customer rows and their phone rows (in position order) as customers: the same for every back end. */
export function toCustomers(rows: readonly CustomerRow[], phoneRows: readonly PhoneRow[]): Customer[] {
  const phones = new Map<string, string[]>();
  for (const p of phoneRows) {
    const list = phones.get(p.customer_id) ?? [];
    list.push(p.number);
    phones.set(p.customer_id, list);
  }
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    phones: phones.get(r.id) ?? [],
    email: r.email ?? undefined,
    notes: r.notes,
    extra: JSON.parse(r.extra) as Record<string, JsonValue>,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  }));
}

const COLUMNS = 'c.id, c.name, c.email, c.notes, c.extra, c.created_at, c.updated_at';
const MAX_PHONES = 20;

export function phoneList(value: unknown): PhoneKey[] {
  if (!Array.isArray(value)) throw invalid(`phones must be an array of phone numbers, got ${v.describe(value)}`);
  if (value.length > MAX_PHONES) throw invalid(`a customer has at most ${MAX_PHONES} phone numbers, got ${value.length}`);
  const byDigits = new Map<string, PhoneKey>();
  value.forEach((p, i) => {
    if (typeof p !== 'string') throw invalid(`phones[${i}] must be a string, got ${v.describe(p)}`);
    const key = phoneKey(p);
    if (!byDigits.has(key.digits)) byDigits.set(key.digits, key);
  });
  return [...byDigits.values()];
}

export function customerRepo({ db, now }: RepoContext) {
  const select = db.prepare<[string], CustomerRow>(`SELECT ${COLUMNS} FROM customers c WHERE c.id = ?`);
  const selectPage = db.prepare<{ pattern: string | null; limit: number; offset: number }, CustomerRow>(
    `SELECT ${COLUMNS} FROM customers c
     WHERE @pattern IS NULL OR c.name LIKE @pattern ESCAPE '\\' OR c.email LIKE @pattern ESCAPE '\\'
     ORDER BY c.name, c.id LIMIT @limit OFFSET @offset`,
  );
  const selectByDigits = db.prepare<[string], CustomerRow>(
    `SELECT ${COLUMNS} FROM customers c WHERE c.id IN (SELECT customer_id FROM customer_phones WHERE digits = ?) ORDER BY c.name, c.id`,
  );
  const selectByTail = db.prepare<[string], CustomerRow>(
    `SELECT ${COLUMNS} FROM customers c WHERE c.id IN (SELECT customer_id FROM customer_phones WHERE tail = ?) ORDER BY c.name, c.id`,
  );
  const selectPhones = db.prepare<[string], PhoneRow>(
    `SELECT customer_id, number FROM customer_phones
     WHERE customer_id IN (SELECT value FROM json_each(?)) ORDER BY customer_id, position`,
  );
  const insert = db.prepare(
    `INSERT INTO customers (id, name, email, notes, extra, created_at, updated_at)
     VALUES (@id, @name, @email, @notes, @extra, @now, @now)`,
  );
  const update = db.prepare(
    'UPDATE customers SET name = @name, email = @email, notes = @notes, extra = @extra, updated_at = @now WHERE id = @id',
  );
  const insertPhone = db.prepare('INSERT INTO customer_phones (customer_id, position, number, digits, tail) VALUES (?, ?, ?, ?, ?)');
  const deletePhones = db.prepare('DELETE FROM customer_phones WHERE customer_id = ?');
  const remove = db.prepare('DELETE FROM customers WHERE id = ?');

  /** Rows to customers, phones fetched in one query for the whole page. */
  const hydrate = (rows: CustomerRow[]): Customer[] =>
    rows.length === 0 ? [] : toCustomers(rows, selectPhones.all(JSON.stringify(rows.map((r) => r.id))));

  const get = (id: string): Customer | undefined => {
    const row = select.get(id);
    return row === undefined ? undefined : hydrate([row])[0];
  };

  const writePhones = (id: string, phones: PhoneKey[]): void => {
    deletePhones.run(id);
    phones.forEach((p, i) => insertPhone.run(id, i, p.normalised, p.digits, p.tail ?? null));
  };

  const createTx = db.transaction((row: Record<string, unknown>, id: string, phones: PhoneKey[]) => {
    insert.run(row);
    writePhones(id, phones);
  });
  const updateTx = db.transaction((row: Record<string, unknown>, id: string, phones: PhoneKey[] | undefined) => {
    update.run(row);
    if (phones !== undefined) writePhones(id, phones);
  });

  return {
    createCustomer(input: NewCustomer): Customer {
      v.object('customer', input);
      const id = input.id === undefined ? randomUUID() : v.identifier('customer id', input.id);
      if (select.get(id) !== undefined) throw conflict(`customer ${JSON.stringify(id)} already exists`);
      const row = {
        id,
        name: v.text('name', input.name),
        email: input.email === undefined ? null : v.email(input.email),
        notes: input.notes === undefined ? '' : v.text('notes', input.notes, { max: 65536, allowEmpty: true }),
        extra: JSON.stringify(input.extra === undefined ? {} : v.jsonObject('extra', input.extra)),
        now: now(),
      };
      createTx(row, id, phoneList(input.phones ?? []));
      return get(id) as Customer;
    },

    updateCustomer(id: string, patch: CustomerPatch): Customer {
      v.object('customer patch', patch);
      const current = get(id);
      if (current === undefined) throw notFound('customer', id);
      const row = {
        id,
        name: patch.name === undefined ? current.name : v.text('name', patch.name),
        email: patch.email === undefined ? (current.email ?? null) : patch.email === null ? null : v.email(patch.email),
        notes: patch.notes === undefined ? current.notes : v.text('notes', patch.notes, { max: 65536, allowEmpty: true }),
        extra: JSON.stringify(patch.extra === undefined ? current.extra : v.jsonObject('extra', patch.extra)),
        now: now(),
      };
      updateTx(row, id, patch.phones === undefined ? undefined : phoneList(patch.phones));
      return get(id) as Customer;
    },

    /** Interactions that named the customer keep their history, unlinked. */
    deleteCustomer(id: string): void {
      if (remove.run(id).changes === 0) throw notFound('customer', id);
    },

    getCustomer: get,

    listCustomers(query: CustomerQuery = {}): Customer[] {
      const { limit, offset } = v.page(query.limit, query.offset);
      const search = query.search === undefined ? undefined : v.text('search', query.search, { allowEmpty: true });
      const pattern = search === undefined || search === '' ? null : `%${search.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
      return hydrate(selectPage.all({ pattern, limit, offset }));
    },

    /**
     * Customers with this number, sorted by name: none, one, or several (a shared line). Exact
     * digits first; only when nothing matches, the last digits (ANI without its country code or
     * with a trunk prefix). Something that is not a number (an "anonymous" ANI) matches nobody.
     */
    findCustomersByPhone(number: string): Customer[] {
      if (typeof number !== 'string') throw invalid(`phone number must be a string, got ${v.describe(number)}`);
      const key = tryPhoneKey(number);
      if (key === undefined) return [];
      const exact = selectByDigits.all(key.digits);
      if (exact.length > 0 || key.tail === undefined) return hydrate(exact);
      return hydrate(selectByTail.all(key.tail));
    },
  };
}

export type CustomerRepo = ReturnType<typeof customerRepo>;
