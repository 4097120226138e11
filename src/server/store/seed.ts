import type { NewAgent, NewCustomer, NewQueue } from './types.js';

/** The password of every demo agent. Change it (or open with `seed: false`) before real use. */
export const SEED_PASSWORD = 'demo';

export interface SeedData {
  readonly agents: readonly NewAgent[];
  readonly queues: readonly NewQueue[];
  readonly customers: readonly NewCustomer[];
}

/**
 * What a brand-new database holds (README.md shows it as a table). Phone numbers are fictional:
 * +1 202 555 01xx is reserved for fiction in North America, +44 20 7946 0xxx in the UK.
 * Maria and Luis Garcia share a home line, so a call from it pops the "several matches" list.
 */
export const SEED: SeedData = {
  agents: [
    { agentId: 'agent1', displayName: 'Alice Martin', extension: '5001', skills: ['sales', 'support'], password: SEED_PASSWORD },
    { agentId: 'agent2', displayName: 'Bruno Keller', extension: '5002', skills: ['sales', 'support'], password: SEED_PASSWORD },
    { agentId: 'agent3', displayName: 'Chloé Dubois', extension: '5003', skills: ['support'], password: SEED_PASSWORD },
    { agentId: 'agent4', displayName: 'Dev Sharma', extension: '5004', skills: ['sales'], password: SEED_PASSWORD },
  ],
  queues: [
    { name: 'sales', dnis: '8000', skill: 'sales' },
    { name: 'support', dnis: '8001', skill: 'support' },
  ],
  customers: [
    {
      id: 'cust-1001',
      name: 'Jane Smith',
      phones: ['+1 202 555 0101'],
      email: 'jane.smith@example.com',
      notes: 'Prefers email follow-up.',
      extra: { tier: 'gold', account: 'AC-1001' },
    },
    {
      id: 'cust-1002',
      name: 'John Carter',
      phones: ['+1 202 555 0102', '+1 202 555 0112'],
      email: 'john.carter@example.com',
      notes: 'Two lines: office and mobile.',
      extra: { tier: 'silver', account: 'AC-1002' },
    },
    {
      id: 'cust-1003',
      name: 'Maria Garcia',
      phones: ['+1 202 555 0123'],
      email: 'maria.garcia@example.com',
      notes: 'Shares the home line with Luis Garcia.',
      extra: { tier: 'standard', account: 'AC-1003' },
    },
    {
      id: 'cust-1004',
      name: 'Luis Garcia',
      phones: ['+1 202 555 0123', '+1 202 555 0124'],
      email: 'luis.garcia@example.com',
      notes: 'Shares the home line with Maria Garcia; mobile is his own.',
      extra: { tier: 'standard', account: 'AC-1004' },
    },
    {
      id: 'cust-1005',
      name: 'Yuki Tanaka',
      phones: ['+44 20 7946 0958'],
      email: 'yuki.tanaka@example.co.uk',
      notes: 'UK customer.',
      extra: { tier: 'gold', account: 'AC-1005', locale: 'en-GB' },
    },
    {
      id: 'cust-1006',
      name: 'Priya Patel',
      phones: ['+1 202 555 0106'],
      notes: 'No email on file.',
      extra: { tier: 'standard', account: 'AC-1006' },
    },
  ],
};

interface SeedTarget {
  createAgent(a: NewAgent): unknown;
  createQueue(q: NewQueue): unknown;
  createCustomer(c: NewCustomer): unknown;
}

export function applySeed(target: SeedTarget, data: SeedData = SEED): void {
  data.agents.forEach((a) => target.createAgent(a));
  data.queues.forEach((q) => target.createQueue(q));
  data.customers.forEach((c) => target.createCustomer(c));
}

/** The same for a store whose writes answer Promises (PostgreSQL): one after another. */
export async function applySeedAsync(target: SeedTarget, data: SeedData = SEED): Promise<void> {
  for (const a of data.agents) await target.createAgent(a);
  for (const q of data.queues) await target.createQueue(q);
  for (const c of data.customers) await target.createCustomer(c);
}
