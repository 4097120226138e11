import { describe, expect, it } from 'vitest';
import { openStore, SEED, SEED_PASSWORD } from '../../../src/server/store/index.js';
import { BACKENDS, FAST_SCRYPT, open } from './helpers.js';

describe.each(BACKENDS)('seed data ($name)', (backend) => {
  it('fills a brand-new database with the documented agents, queues and customers', async () => {
    const store = await open(backend);
    expect(store.seeded).toBe(true);
    expect((await store.listAgents()).map((a) => [a.agentId, a.extension, a.skills])).toEqual([
      ['agent1', '5001', ['sales', 'support']],
      ['agent2', '5002', ['sales', 'support']],
      ['agent3', '5003', ['support']],
      ['agent4', '5004', ['sales']],
    ]);
    expect((await store.listQueues()).map((q) => [q.name, q.dnis, q.skill])).toEqual([
      ['sales', '8000', 'sales'],
      ['support', '8001', 'support'],
    ]);
    expect((await store.listCustomers()).map((c) => c.id).sort()).toEqual(SEED.customers.map((c) => c.id).sort());
    expect(SEED.customers.length).toBeGreaterThanOrEqual(5);
    for (const a of SEED.agents) expect(await store.verifyAgentPassword(a.agentId, SEED_PASSWORD)).toBe(true);
  });

  it('includes a phone number shared by two customers (the "several matches" screen pop)', async () => {
    const store = await open(backend);
    const counts = new Map<string, number>();
    for (const c of await store.listCustomers()) for (const p of c.phones) counts.set(p, (counts.get(p) ?? 0) + 1);
    const shared = [...counts].filter(([, n]) => n === 2).map(([p]) => p);
    expect(shared).toEqual(['+12025550123']);
    expect((await store.findCustomersByPhone(shared[0]!)).map((c) => c.name)).toEqual(['Luis Garcia', 'Maria Garcia']);
  });

  it('happens once: reopening does not add or restore anything', async () => {
    const location = await backend.fresh();
    const first = await openStore(location, { scrypt: FAST_SCRYPT });
    await first.deleteAgent('agent4');
    await first.deleteCustomer('cust-1006');
    await first.close();

    const again = await open(backend, { location });
    expect(again.seeded).toBe(false);
    expect((await again.listAgents()).map((a) => a.agentId)).toEqual(['agent1', 'agent2', 'agent3']);
    expect(await again.getCustomer('cust-1006')).toBeUndefined();
    expect(await again.listQueues()).toHaveLength(2);
  });

  it('can be turned off for a new database, and a later open does not seed it either', async () => {
    const location = await backend.fresh();
    const empty = await openStore(location, { seed: false });
    expect(empty.seeded).toBe(false);
    expect(await empty.listAgents()).toEqual([]);
    await empty.close();
    const later = await open(backend, { location });
    expect(later.seeded).toBe(false);
    expect(await later.listAgents()).toEqual([]);
  });

  it('accepts a data set of its own', async () => {
    const store = await open(backend, {
      seed: { agents: [{ agentId: 'solo', displayName: 'Solo', extension: '7001', password: 'pw' }], queues: [], customers: [] },
    });
    expect((await store.listAgents()).map((a) => a.agentId)).toEqual(['solo']);
  });
});
