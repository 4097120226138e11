import { describe, expect, it } from 'vitest';
import { openStore, SEED, SEED_PASSWORD } from '../../../src/server/store/index.js';
import { FAST_SCRYPT, open, tempFile } from './helpers.js';

describe('seed data', () => {
  it('fills a brand-new file with the documented agents, queues and customers', async () => {
    const store = open();
    expect(store.seeded).toBe(true);
    expect(store.listAgents().map((a) => [a.agentId, a.extension, a.skills])).toEqual([
      ['agent1', '5001', ['sales', 'support']],
      ['agent2', '5002', ['sales', 'support']],
      ['agent3', '5003', ['support']],
      ['agent4', '5004', ['sales']],
    ]);
    expect(store.listQueues().map((q) => [q.name, q.dnis, q.skill])).toEqual([
      ['sales', '8000', 'sales'],
      ['support', '8001', 'support'],
    ]);
    expect(store.listCustomers().map((c) => c.id).sort()).toEqual(SEED.customers.map((c) => c.id).sort());
    expect(SEED.customers.length).toBeGreaterThanOrEqual(5);
    for (const a of SEED.agents) expect(await store.verifyAgentPassword(a.agentId, SEED_PASSWORD)).toBe(true);
  });

  it('includes a phone number shared by two customers (the "several matches" screen pop)', () => {
    const store = open();
    const counts = new Map<string, number>();
    for (const c of store.listCustomers()) for (const p of c.phones) counts.set(p, (counts.get(p) ?? 0) + 1);
    const shared = [...counts].filter(([, n]) => n === 2).map(([p]) => p);
    expect(shared).toEqual(['+12025550123']);
    expect(store.findCustomersByPhone(shared[0]!).map((c) => c.name)).toEqual(['Luis Garcia', 'Maria Garcia']);
  });

  it('happens once: reopening does not add or restore anything', () => {
    const file = tempFile();
    const first = openStore(file, { scrypt: FAST_SCRYPT });
    first.deleteAgent('agent4');
    first.deleteCustomer('cust-1006');
    first.close();

    const again = open({ file });
    expect(again.seeded).toBe(false);
    expect(again.listAgents().map((a) => a.agentId)).toEqual(['agent1', 'agent2', 'agent3']);
    expect(again.getCustomer('cust-1006')).toBeUndefined();
    expect(again.listQueues()).toHaveLength(2);
  });

  it('can be turned off for a new file, and a later open does not seed it either', () => {
    const file = tempFile();
    const empty = openStore(file, { seed: false });
    expect(empty.seeded).toBe(false);
    expect(empty.listAgents()).toEqual([]);
    empty.close();
    const later = open({ file });
    expect(later.seeded).toBe(false);
    expect(later.listAgents()).toEqual([]);
  });

  it('accepts a data set of its own', () => {
    const store = open({
      seed: { agents: [{ agentId: 'solo', displayName: 'Solo', extension: '7001', password: 'pw' }], queues: [], customers: [] },
    });
    expect(store.listAgents().map((a) => a.agentId)).toEqual(['solo']);
  });
});
