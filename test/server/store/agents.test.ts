import { describe, expect, it } from 'vitest';
import { mayUseExtension } from '../../../src/server/store/agents.js';
import { DEFAULT_SCRYPT, StoreError, type Store } from '../../../src/server/store/index.js';
import { BACKENDS, open, rejected } from './helpers.js';

const newAgent = { agentId: 'agent9', displayName: 'Nina Park', extension: '5009', skills: ['sales'], password: 's3cret' };

describe.each(BACKENDS)('agent passwords ($name)', (backend) => {
  it('verify the right password and refuse a wrong one or an unknown agent (default scrypt cost)', async () => {
    const store = await open(backend, { seed: false, scrypt: DEFAULT_SCRYPT });
    await store.createAgent(newAgent);
    expect(await store.verifyAgentPassword('agent9', 's3cret')).toBe(true);
    expect(await store.verifyAgentPassword('agent9', 'S3cret')).toBe(false);
    expect(await store.verifyAgentPassword('agent9', '')).toBe(false);
    expect(await store.verifyAgentPassword('nobody', 's3cret')).toBe(false);
  });

  it('are stored as salted scrypt hashes with their parameters, never in clear', async () => {
    const location = await backend.fresh();
    const store = await open(backend, { location, seed: false });
    await store.createAgent(newAgent);
    await store.createAgent({ ...newAgent, agentId: 'agent10', extension: '5010' });
    const hashes = (await backend.rows(location, 'SELECT password_hash FROM agents ORDER BY agent_id')).map((r) => r.password_hash as string);
    expect(hashes).toHaveLength(2);
    for (const h of hashes) {
      expect(h).toMatch(/^scrypt\$1024\$8\$1\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/);
      expect(h).not.toContain('s3cret');
    }
    expect(hashes[0]).not.toBe(hashes[1]); // random salt: same password, different hashes
  });

  it('keep verifying after the cost is raised (parameters travel with each hash)', async () => {
    const location = await backend.fresh();
    await (await open(backend, { location, seed: false })).createAgent(newAgent);
    const stronger = await open(backend, { location, scrypt: { N: 2048, r: 8, p: 1 } });
    expect(await stronger.verifyAgentPassword('agent9', 's3cret')).toBe(true);
  });

  it('are never part of what the store returns', async () => {
    const store = await open(backend);
    const created = await store.createAgent(newAgent);
    const updated = await store.updateAgent('agent9', { password: 'another' });
    for (const value of [created, updated, await store.getAgent('agent9'), await store.listAgents()]) {
      const json = JSON.stringify(value);
      expect(json).not.toMatch(/scrypt|password|hash|s3cret|another/i);
    }
    expect(Object.keys(created).sort()).toEqual(['agentId', 'allowedExtensions', 'anyExtension', 'createdAt', 'displayName', 'extension', 'role', 'skills', 'updatedAt']);
  });

  it('change with updateAgent', async () => {
    const store = await open(backend, { seed: false });
    await store.createAgent(newAgent);
    await store.updateAgent('agent9', { password: 'new-one' });
    expect(await store.verifyAgentPassword('agent9', 's3cret')).toBe(false);
    expect(await store.verifyAgentPassword('agent9', 'new-one')).toBe(true);
    await store.updateAgent('agent9', { displayName: 'Nina P.' }); // other changes keep the password
    expect(await store.verifyAgentPassword('agent9', 'new-one')).toBe(true);
  });
});

describe.each(BACKENDS)('agents ($name)', (backend) => {
  const codeOf = async (work: Promise<unknown>) => ((await rejected(work)) as StoreError).code;

  it('create, get, update, list and delete', async () => {
    const store: Store = await open(backend, { seed: false, now: () => 1000 });
    expect(await store.createAgent(newAgent)).toEqual({
      agentId: 'agent9', displayName: 'Nina Park', extension: '5009', skills: ['sales'], allowedExtensions: [], anyExtension: false, role: 'agent', createdAt: 1000, updatedAt: 1000,
    });
    expect(await store.updateAgent('agent9', { skills: ['support', 'sales'], extension: '5019' })).toMatchObject({
      skills: ['support', 'sales'], extension: '5019', displayName: 'Nina Park',
    });
    await store.createAgent({ ...newAgent, agentId: 'agent8', extension: '5008', skills: undefined });
    expect((await store.getAgent('agent8'))?.skills).toEqual([]);
    expect((await store.listAgents()).map((a) => a.agentId)).toEqual(['agent8', 'agent9']);
    await store.deleteAgent('agent9');
    expect(await store.getAgent('agent9')).toBeUndefined();
    expect((await store.listAgents()).map((a) => a.agentId)).toEqual(['agent8']);
  });

  it('list in byte order of their ids, as SQLite compares them (upper case first)', async () => {
    const store = await open(backend, { seed: false });
    for (const [agentId, extension] of [['b-agent', '1'], ['B-agent', '2'], ['a-agent', '3']] as const) {
      await store.createAgent({ ...newAgent, agentId, extension });
    }
    expect((await store.listAgents()).map((a) => a.agentId)).toEqual(['B-agent', 'a-agent', 'b-agent']);
  });

  it('keep the extensions an agent may use besides their own', async () => {
    const store = await open(backend, { seed: false });
    const agent = await store.createAgent({ ...newAgent, allowedExtensions: ['5001', '5002', '5001'] });
    expect(agent).toMatchObject({ allowedExtensions: ['5001', '5002'], anyExtension: false });
    expect(mayUseExtension(agent, '5009')).toBe(true);
    expect(mayUseExtension(agent, '5002')).toBe(true);
    expect(mayUseExtension(agent, '5003')).toBe(false);
    const any = await store.updateAgent('agent9', { anyExtension: true, displayName: 'Nina' });
    expect(any).toMatchObject({ allowedExtensions: ['5001', '5002'], anyExtension: true });
    expect(mayUseExtension(any, '5003')).toBe(true);
    expect(await store.updateAgent('agent9', { allowedExtensions: [], anyExtension: false })).toMatchObject({ allowedExtensions: [], anyExtension: false });
    expect(await rejected(store.updateAgent('agent9', { allowedExtensions: ['50a'] }))).toMatchObject({
      code: 'INVALID',
      message: 'allowedExtensions[0] must be a dialable number (digits, * or #, optional leading +), got "50a"',
    });
    expect(await rejected(store.updateAgent('agent9', { anyExtension: 'yes' as unknown as boolean }))).toMatchObject({
      code: 'INVALID',
      message: 'anyExtension must be true or false, got "yes"',
    });
    expect(await codeOf(store.createAgent({ ...newAgent, agentId: 'agent7', extension: '5007', allowedExtensions: Array(65).fill('5001') }))).toBe('INVALID');
  });

  it('refuse a taken agent id or extension with CONFLICT naming the owner', async () => {
    const store = await open(backend);
    const dupId = await rejected(store.createAgent({ ...newAgent, agentId: 'agent1' }));
    expect(dupId).toBeInstanceOf(StoreError);
    expect(dupId).toMatchObject({ code: 'CONFLICT', message: 'agent "agent1" already exists' });
    const dupExt = await rejected(store.createAgent({ ...newAgent, extension: '5001' }));
    expect(dupExt).toMatchObject({ code: 'CONFLICT', message: 'extension "5001" already belongs to agent "agent1"' });
    expect(await codeOf(store.updateAgent('agent2', { extension: '5001' }))).toBe('CONFLICT');
    expect((await store.updateAgent('agent1', { extension: '5001' })).extension).toBe('5001'); // its own is fine
  });

  it('refuse unknown ids with NOT_FOUND and bad input with INVALID', async () => {
    const store = await open(backend, { seed: false });
    expect(await rejected(store.updateAgent('ghost', { displayName: 'x' }))).toMatchObject({
      code: 'NOT_FOUND', message: 'agent "ghost" does not exist',
    });
    expect(await codeOf(store.deleteAgent('ghost'))).toBe('NOT_FOUND');
    expect(await codeOf(store.createAgent({ ...newAgent, displayName: '   ' }))).toBe('INVALID');
    expect(await codeOf(store.createAgent({ ...newAgent, agentId: '' }))).toBe('INVALID');
    expect(await codeOf(store.createAgent({ ...newAgent, agentId: 'has space' }))).toBe('INVALID');
    expect(await codeOf(store.createAgent({ ...newAgent, extension: 'abc' }))).toBe('INVALID');
    expect(await codeOf(store.createAgent({ ...newAgent, password: '' }))).toBe('INVALID');
    expect(await codeOf(store.createAgent({ ...newAgent, skills: 'sales' as unknown as string[] }))).toBe('INVALID');
    expect(await codeOf(store.createAgent(null as unknown as typeof newAgent))).toBe('INVALID');
    expect(await rejected(store.createAgent({ ...newAgent, displayName: '' }))).toMatchObject({ message: 'displayName must not be empty' });
    expect(await store.listAgents()).toEqual([]);
  });
});

describe.each(BACKENDS)('queues ($name)', (backend) => {
  it('create (skill defaults to the name), update, look up by DNIS, list and delete', async () => {
    const store = await open(backend);
    expect(await store.createQueue({ name: 'billing', dnis: '8002' })).toMatchObject({ name: 'billing', dnis: '8002', skill: 'billing' });
    expect(await store.updateQueue('billing', { skill: 'support', dnis: '8012' })).toMatchObject({ dnis: '8012', skill: 'support' });
    expect((await store.getQueueByDnis('8012'))?.name).toBe('billing');
    expect(await store.getQueueByDnis('8002')).toBeUndefined();
    expect((await store.listQueues()).map((q) => q.name)).toEqual(['billing', 'sales', 'support']);
    await store.deleteQueue('billing');
    expect(await store.getQueue('billing')).toBeUndefined();
  });

  it('refuse a taken DNIS or name with CONFLICT, unknown names with NOT_FOUND, bad input with INVALID', async () => {
    const store = await open(backend);
    expect(await rejected(store.createQueue({ name: 'billing', dnis: '8000' }))).toMatchObject({
      code: 'CONFLICT', message: 'DNIS "8000" is already the number of queue "sales"',
    });
    expect(await rejected(store.updateQueue('support', { dnis: '8000' }))).toMatchObject({ code: 'CONFLICT' });
    expect(await rejected(store.createQueue({ name: 'sales', dnis: '8009' }))).toMatchObject({ code: 'CONFLICT' });
    expect(await rejected(store.updateQueue('nope', { dnis: '8009' }))).toMatchObject({ code: 'NOT_FOUND' });
    expect(await rejected(store.deleteQueue('nope'))).toMatchObject({ code: 'NOT_FOUND' });
    expect(await rejected(store.createQueue({ name: '', dnis: '8009' }))).toMatchObject({ code: 'INVALID' });
    expect(await rejected(store.createQueue({ name: 'x', dnis: '' }))).toMatchObject({ code: 'INVALID' });
    expect(await store.listQueues()).toHaveLength(2);
  });
});
