import { randomUUID } from 'node:crypto';
import { phoneList, toCustomers, type CustomerRow, type PhoneRow } from '../customers.js';
import { conflict, invalid, notFound } from '../errors.js';
import { tryPhoneKey, type PhoneKey } from '../phone.js';
import type { Customer, CustomerPatch, CustomerQuery, NewCustomer } from '../types.js';
import * as v from '../validate.js';
import type { PgContext } from './context.js';
import type { Sql } from './sql.js';

const COLUMNS = 'c.id, c.name, c.email, c.notes, c.extra::text AS extra, c.created_at, c.updated_at';
/** Name order as SQLite gives it (bytes), whatever the database's locale. */
const ORDER = 'ORDER BY c.name COLLATE "C", c.id COLLATE "C"';

export function pgCustomerRepo({ sql, now }: PgContext) {
  /** Rows to customers, phones fetched in one query for the whole page. */
  const hydrate = async (rows: CustomerRow[]): Promise<Customer[]> => {
    if (rows.length === 0) return [];
    const phones = await sql.rows<PhoneRow>(
      'SELECT customer_id, number FROM customer_phones WHERE customer_id = ANY($1::text[]) ORDER BY customer_id, position',
      [rows.map((r) => r.id)],
    );
    return toCustomers(rows, phones);
  };

  const get = async (id: string): Promise<Customer | undefined> => {
    const row = await sql.one<CustomerRow>(`SELECT ${COLUMNS} FROM customers c WHERE c.id = $1`, [id]);
    return row === undefined ? undefined : (await hydrate([row]))[0];
  };

  const writePhones = async (tx: Sql, id: string, phones: PhoneKey[]): Promise<void> => {
    await tx.run('DELETE FROM customer_phones WHERE customer_id = $1', [id]);
    for (const [i, p] of phones.entries()) {
      await tx.run('INSERT INTO customer_phones (customer_id, position, number, digits, tail) VALUES ($1, $2, $3, $4, $5)', [
        id, i, p.normalised, p.digits, p.tail ?? null,
      ]);
    }
  };

  const byKey = (column: 'digits' | 'tail', value: string) =>
    sql.rows<CustomerRow>(`SELECT ${COLUMNS} FROM customers c WHERE c.id IN (SELECT customer_id FROM customer_phones WHERE ${column} = $1) ${ORDER}`, [value]);

  return {
    async createCustomer(input: NewCustomer): Promise<Customer> {
      v.object('customer', input);
      const id = input.id === undefined ? randomUUID() : v.identifier('customer id', input.id);
      const name = v.text('name', input.name);
      const email = input.email === undefined ? null : v.email(input.email);
      const notes = input.notes === undefined ? '' : v.text('notes', input.notes, { max: 65536, allowEmpty: true });
      const extra = JSON.stringify(input.extra === undefined ? {} : v.jsonObject('extra', input.extra));
      const phones = phoneList(input.phones ?? []);
      if ((await get(id)) !== undefined) throw conflict(`customer ${JSON.stringify(id)} already exists`);
      await sql.transaction(async (tx) => {
        const at = now();
        await tx.run('INSERT INTO customers (id, name, email, notes, extra, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $6)', [
          id, name, email, notes, extra, at,
        ]);
        await writePhones(tx, id, phones);
      });
      return (await get(id)) as Customer;
    },

    async updateCustomer(id: string, patch: CustomerPatch): Promise<Customer> {
      v.object('customer patch', patch);
      const current = await get(id);
      if (current === undefined) throw notFound('customer', id);
      const row = [
        id,
        patch.name === undefined ? current.name : v.text('name', patch.name),
        patch.email === undefined ? (current.email ?? null) : patch.email === null ? null : v.email(patch.email),
        patch.notes === undefined ? current.notes : v.text('notes', patch.notes, { max: 65536, allowEmpty: true }),
        JSON.stringify(patch.extra === undefined ? current.extra : v.jsonObject('extra', patch.extra)),
        now(),
      ];
      const phones = patch.phones === undefined ? undefined : phoneList(patch.phones);
      await sql.transaction(async (tx) => {
        if ((await tx.run('UPDATE customers SET name = $2, email = $3, notes = $4, extra = $5, updated_at = $6 WHERE id = $1', row)) === 0) {
          throw notFound('customer', id); // deleted meanwhile by another server
        }
        if (phones !== undefined) await writePhones(tx, id, phones);
      });
      return (await get(id)) as Customer;
    },

    /** Interactions that named the customer keep their history, unlinked. */
    async deleteCustomer(id: string): Promise<void> {
      if ((await sql.run('DELETE FROM customers WHERE id = $1', [id])) === 0) throw notFound('customer', id);
    },

    getCustomer: get,

    async listCustomers(query: CustomerQuery = {}): Promise<Customer[]> {
      const { limit, offset } = v.page(query.limit, query.offset);
      const search = query.search === undefined ? undefined : v.text('search', query.search, { allowEmpty: true });
      const pattern = search === undefined || search === '' ? null : `%${search.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
      const rows = await sql.rows<CustomerRow>(
        `SELECT ${COLUMNS} FROM customers c
         WHERE $1::text IS NULL OR c.name ILIKE $1 ESCAPE '\\' OR c.email ILIKE $1 ESCAPE '\\'
         ${ORDER} LIMIT $2 OFFSET $3`,
        [pattern, limit, offset],
      );
      return hydrate(rows);
    },

    /** Same rule as the SQLite store: exact digits first, else the last digits; not a number → nobody. */
    async findCustomersByPhone(number: string): Promise<Customer[]> {
      if (typeof number !== 'string') throw invalid(`phone number must be a string, got ${v.describe(number)}`);
      const key = tryPhoneKey(number);
      if (key === undefined) return [];
      const exact = await byKey('digits', key.digits);
      if (exact.length > 0 || key.tail === undefined) return hydrate(exact);
      return hydrate(await byKey('tail', key.tail));
    },
  };
}
