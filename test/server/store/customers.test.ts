import { describe, expect, it } from 'vitest';
import { phoneKey, tryPhoneKey } from '../../../src/server/store/index.js';
import { BACKENDS, open, rejected } from './helpers.js';

const names = (list: readonly { name: string }[]) => list.map((c) => c.name);

describe('phone numbers', () => {
  it('normalise to digits with a leading + when international ("00" counts as +)', () => {
    expect(phoneKey('+1 (202) 555-0101').normalised).toBe('+12025550101');
    expect(phoneKey('1-202-555-0101').normalised).toBe('12025550101');
    expect(phoneKey('0044 20 7946 0958').normalised).toBe('+442079460958');
    expect(phoneKey('5001')).toEqual({ normalised: '5001', digits: '5001', tail: undefined });
    expect(tryPhoneKey('anonymous')).toBeUndefined();
    expect(tryPhoneKey('')).toBeUndefined();
    expect(() => phoneKey('555-CALL')).toThrow(/not a phone number/);
  });
});

describe.each(BACKENDS)('customers ($name)', (backend) => {
  it('create with phones (normalised, duplicates dropped), email, notes and extra fields', async () => {
    const store = await open(backend, { seed: false, now: () => 42 });
    const c = await store.createCustomer({
      id: 'c-1',
      name: '  Ada Lovelace ',
      phones: ['+44 20 7946 0001', '0044 (20) 7946-0001', '+1 202 555 0199'],
      email: 'ada@example.com',
      notes: 'VIP',
      extra: { tier: 'gold', tags: ['math'], since: 1843, active: true },
    });
    expect(c).toEqual({
      id: 'c-1',
      name: 'Ada Lovelace',
      phones: ['+442079460001', '+12025550199'],
      email: 'ada@example.com',
      notes: 'VIP',
      extra: { tier: 'gold', tags: ['math'], since: 1843, active: true },
      createdAt: 42,
      updatedAt: 42,
    });
    expect(await store.getCustomer('c-1')).toEqual(c);
  });

  it('get a random id when none is given', async () => {
    const store = await open(backend, { seed: false });
    const c = await store.createCustomer({ name: 'No Id' });
    expect(c.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(c).toMatchObject({ phones: [], notes: '', extra: {}, email: undefined });
  });

  it('update replaces the fields given (phones and extra as a whole), null removes the email', async () => {
    const store = await open(backend);
    const updated = await store.updateCustomer('cust-1001', { phones: ['202 555 0177'], email: null, extra: { tier: 'platinum' } });
    expect(updated).toMatchObject({ name: 'Jane Smith', phones: ['2025550177'], email: undefined, extra: { tier: 'platinum' } });
    expect(await store.findCustomersByPhone('+1 202 555 0101')).toEqual([]);
    expect(names(await store.findCustomersByPhone('2025550177'))).toEqual(['Jane Smith']);
    expect(await store.updateCustomer('cust-1001', { notes: 'called twice' })).toMatchObject({ phones: ['2025550177'], notes: 'called twice' });
  });

  it('delete removes the customer and its phone numbers', async () => {
    const store = await open(backend);
    await store.deleteCustomer('cust-1003');
    expect(await store.getCustomer('cust-1003')).toBeUndefined();
    expect(names(await store.findCustomersByPhone('+12025550123'))).toEqual(['Luis Garcia']);
  });

  it('list sorted by name, searched by name or email, paged', async () => {
    const store = await open(backend);
    expect(names(await store.listCustomers())).toEqual(['Jane Smith', 'John Carter', 'Luis Garcia', 'Maria Garcia', 'Priya Patel', 'Yuki Tanaka']);
    expect(names(await store.listCustomers({ search: 'garcia' }))).toEqual(['Luis Garcia', 'Maria Garcia']);
    expect(names(await store.listCustomers({ search: 'example.co.uk' }))).toEqual(['Yuki Tanaka']);
    expect(names(await store.listCustomers({ search: '%' }))).toEqual([]); // wildcards are literal
    expect(names(await store.listCustomers({ limit: 2, offset: 2 }))).toEqual(['Luis Garcia', 'Maria Garcia']);
  });

  it('refuse bad input with INVALID, a taken id with CONFLICT, an unknown id with NOT_FOUND', async () => {
    const store = await open(backend);
    expect(await rejected(store.createCustomer({ name: '' }))).toMatchObject({ code: 'INVALID', message: 'name must not be empty' });
    expect(await rejected(store.createCustomer({ name: 'X', phones: ['call me'] }))).toMatchObject({ code: 'INVALID' });
    expect(await rejected(store.createCustomer({ name: 'X', email: 'nope' }))).toMatchObject({ code: 'INVALID' });
    expect(await rejected(store.createCustomer({ name: 'X', extra: [] as unknown as Record<string, never> }))).toMatchObject({ code: 'INVALID' });
    expect(await rejected(store.createCustomer({ id: 'cust-1001', name: 'X' }))).toMatchObject({
      code: 'CONFLICT', message: 'customer "cust-1001" already exists',
    });
    expect(await rejected(store.updateCustomer('ghost', { name: 'X' }))).toMatchObject({ code: 'NOT_FOUND' });
    expect(await rejected(store.deleteCustomer('ghost'))).toMatchObject({ code: 'NOT_FOUND' });
    expect(await rejected(store.listCustomers({ limit: 0 }))).toMatchObject({ code: 'INVALID' });
    expect(await rejected(store.updateCustomer('cust-1001', { phones: ['+1 202 555 0101', 'x'] }))).toMatchObject({ code: 'INVALID' });
    expect((await store.getCustomer('cust-1001'))?.phones).toEqual(['+12025550101']); // a failed update changes nothing
  });
});

describe.each(BACKENDS)('findCustomersByPhone, the screen pop ($name)', (backend) => {
  it('finds nobody, one customer or several', async () => {
    const store = await open(backend);
    expect(await store.findCustomersByPhone('+1 202 555 0000')).toEqual([]);
    expect(names(await store.findCustomersByPhone('+1 202 555 0101'))).toEqual(['Jane Smith']);
    expect(names(await store.findCustomersByPhone('+1 202 555 0123'))).toEqual(['Luis Garcia', 'Maria Garcia']);
  });

  it('matches whatever the format: +1 202 555…, 1202555…, (202) 555-…, 001…', async () => {
    const store = await open(backend);
    for (const ani of ['+12025550102', '12025550102', '+1 (202) 555-0102', '1.202.555.0102', '0012025550102', '+1 202 555 0112']) {
      expect(names(await store.findCustomersByPhone(ani)), ani).toEqual(['John Carter']);
    }
  });

  it('falls back to the last digits for a number without its country code or with a trunk prefix', async () => {
    const store = await open(backend);
    expect(names(await store.findCustomersByPhone('(202) 555-0106'))).toEqual(['Priya Patel']);
    expect(names(await store.findCustomersByPhone('020 7946 0958'))).toEqual(['Yuki Tanaka']);
    expect(names(await store.findCustomersByPhone('202 555 0123'))).toEqual(['Luis Garcia', 'Maria Garcia']);
  });

  it('prefers an exact match over a last-digits one', async () => {
    const store = await open(backend, { seed: false });
    await store.createCustomer({ id: 'us', name: 'US', phones: ['+1 202 555 0150'] });
    await store.createCustomer({ id: 'local', name: 'Local', phones: ['202 555 0150'] });
    expect(names(await store.findCustomersByPhone('2025550150'))).toEqual(['Local']);
    expect(names(await store.findCustomersByPhone('+12025550150'))).toEqual(['US']);
    expect(names(await store.findCustomersByPhone('+33 2 02 55 50 150'))).toEqual(['Local', 'US']); // no exact: both tails match
  });

  it('does not match short numbers (extensions) by their last digits', async () => {
    const store = await open(backend, { seed: false });
    await store.createCustomer({ name: 'Desk', phones: ['5001'] });
    expect(await store.findCustomersByPhone('15001')).toEqual([]);
    expect(names(await store.findCustomersByPhone('5001'))).toEqual(['Desk']);
  });

  it('answers nobody for an ANI that is not a number', async () => {
    const store = await open(backend);
    expect(await store.findCustomersByPhone('anonymous')).toEqual([]);
    expect(await store.findCustomersByPhone('')).toEqual([]);
  });
});
