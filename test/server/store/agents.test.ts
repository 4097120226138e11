import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { mayUseExtension } from '../../../src/server/store/agents.js';
import { DEFAULT_SCRYPT, StoreError, type Store } from '../../../src/server/store/index.js';
import { open, tempFile, thrown } from './helpers.js';

const newAgent = { agentId: 'agent9', displayName: 'Nina Park', extension: '5009', skills: ['sales'], password: 's3cret' };

describe('agent passwords', () => {
  it('verify the right password and refuse a wrong one or an unknown agent (default scrypt cost)', async () => {
    const store = open({ seed: false, scrypt: DEFAULT_SCRYPT });
    store.createAgent(newAgent);
    expect(await store.verifyAgentPassword('agent9', 's3cret')).toBe(true);
    expect(await store.verifyAgentPassword('agent9', 'S3cret')).toBe(false);
    expect(await store.verifyAgentPassword('agent9', '')).toBe(false);
    expect(await store.verifyAgentPassword('nobody', 's3cret')).toBe(false);
  });

  it('are stored as salted scrypt hashes with their parameters, never in clear', () => {
    const file = tempFile();
    const store = open({ file, seed: false });
    store.createAgent(newAgent);
    store.createAgent({ ...newAgent, agentId: 'agent10', extension: '5010' });
    const db = new Database(file, { readonly: true });
    const hashes = db.prepare('SELECT password_hash FROM agents ORDER BY agent_id').pluck().all() as string[];
    db.close();
    expect(hashes).toHaveLength(2);
    for (const h of hashes) {
      expect(h).toMatch(/^scrypt\$1024\$8\$1\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/);
      expect(h).not.toContain('s3cret');
    }
    expect(hashes[0]).not.toBe(hashes[1]); // random salt: same password, different hashes
  });

  it('keep verifying after the cost is raised (parameters travel with each hash)', async () => {
    const file = tempFile();
    open({ file, seed: false }).createAgent(newAgent);
    const stronger = open({ file, scrypt: { N: 2048, r: 8, p: 1 } });
    expect(await stronger.verifyAgentPassword('agent9', 's3cret')).toBe(true);
  });

  it('are never part of what the store returns', () => {
    const store = open();
    const created = store.createAgent(newAgent);
    const updated = store.updateAgent('agent9', { password: 'another' });
    for (const value of [created, updated, store.getAgent('agent9'), store.listAgents()]) {
      const json = JSON.stringify(value);
      expect(json).not.toMatch(/scrypt|password|hash|s3cret|another/i);
    }
    expect(Object.keys(created).sort()).toEqual(['agentId', 'allowedExtensions', 'anyExtension', 'createdAt', 'displayName', 'extension', 'skills', 'updatedAt']);
  });

  it('change with updateAgent', async () => {
    const store = open({ seed: false });
    store.createAgent(newAgent);
    store.updateAgent('agent9', { password: 'new-one' });
    expect(await store.verifyAgentPassword('agent9', 's3cret')).toBe(false);
    expect(await store.verifyAgentPassword('agent9', 'new-one')).toBe(true);
    store.updateAgent('agent9', { displayName: 'Nina P.' }); // other changes keep the password
    expect(await store.verifyAgentPassword('agent9', 'new-one')).toBe(true);
  });
});

describe('agents', () => {
  const codeOf = (fn: () => unknown) => (thrown(fn) as StoreError).code;

  it('create, get, update, list and delete', () => {
    const store: Store = open({ seed: false, now: () => 1000 });
    expect(store.createAgent(newAgent)).toEqual({
      agentId: 'agent9', displayName: 'Nina Park', extension: '5009', skills: ['sales'], allowedExtensions: [], anyExtension: false, createdAt: 1000, updatedAt: 1000,
    });
    expect(store.updateAgent('agent9', { skills: ['support', 'sales'], extension: '5019' })).toMatchObject({
      skills: ['support', 'sales'], extension: '5019', displayName: 'Nina Park',
    });
    store.createAgent({ ...newAgent, agentId: 'agent8', extension: '5008', skills: undefined });
    expect(store.getAgent('agent8')?.skills).toEqual([]);
    expect(store.listAgents().map((a) => a.agentId)).toEqual(['agent8', 'agent9']);
    store.deleteAgent('agent9');
    expect(store.getAgent('agent9')).toBeUndefined();
    expect(store.listAgents().map((a) => a.agentId)).toEqual(['agent8']);
  });

  it('keep the extensions an agent may use besides their own', () => {
    const store = open({ seed: false });
    const agent = store.createAgent({ ...newAgent, allowedExtensions: ['5001', '5002', '5001'] });
    expect(agent).toMatchObject({ allowedExtensions: ['5001', '5002'], anyExtension: false });
    expect(mayUseExtension(agent, '5009')).toBe(true);
    expect(mayUseExtension(agent, '5002')).toBe(true);
    expect(mayUseExtension(agent, '5003')).toBe(false);
    const any = store.updateAgent('agent9', { anyExtension: true, displayName: 'Nina' });
    expect(any).toMatchObject({ allowedExtensions: ['5001', '5002'], anyExtension: true });
    expect(mayUseExtension(any, '5003')).toBe(true);
    expect(store.updateAgent('agent9', { allowedExtensions: [], anyExtension: false })).toMatchObject({ allowedExtensions: [], anyExtension: false });
    expect(thrown(() => store.updateAgent('agent9', { allowedExtensions: ['50a'] }))).toMatchObject({
      code: 'INVALID',
      message: 'allowedExtensions[0] must be a dialable number (digits, * or #, optional leading +), got "50a"',
    });
    expect(thrown(() => store.updateAgent('agent9', { anyExtension: 'yes' as unknown as boolean }))).toMatchObject({ code: 'INVALID', message: 'anyExtension must be true or false, got "yes"' });
    expect(codeOf(() => store.createAgent({ ...newAgent, agentId: 'agent7', extension: '5007', allowedExtensions: Array(65).fill('5001') }))).toBe('INVALID');
  });

  it('refuse a taken agent id or extension with CONFLICT naming the owner', () => {
    const store = open();
    const dupId = thrown(() => store.createAgent({ ...newAgent, agentId: 'agent1' }));
    expect(dupId).toBeInstanceOf(StoreError);
    expect(dupId).toMatchObject({ code: 'CONFLICT', message: 'agent "agent1" already exists' });
    const dupExt = thrown(() => store.createAgent({ ...newAgent, extension: '5001' }));
    expect(dupExt).toMatchObject({ code: 'CONFLICT', message: 'extension "5001" already belongs to agent "agent1"' });
    expect(codeOf(() => store.updateAgent('agent2', { extension: '5001' }))).toBe('CONFLICT');
    expect(store.updateAgent('agent1', { extension: '5001' }).extension).toBe('5001'); // its own is fine
  });

  it('refuse unknown ids with NOT_FOUND and bad input with INVALID', () => {
    const store = open({ seed: false });
    expect(thrown(() => store.updateAgent('ghost', { displayName: 'x' }))).toMatchObject({
      code: 'NOT_FOUND', message: 'agent "ghost" does not exist',
    });
    expect(codeOf(() => store.deleteAgent('ghost'))).toBe('NOT_FOUND');
    expect(codeOf(() => store.createAgent({ ...newAgent, displayName: '   ' }))).toBe('INVALID');
    expect(codeOf(() => store.createAgent({ ...newAgent, agentId: '' }))).toBe('INVALID');
    expect(codeOf(() => store.createAgent({ ...newAgent, agentId: 'has space' }))).toBe('INVALID');
    expect(codeOf(() => store.createAgent({ ...newAgent, extension: 'abc' }))).toBe('INVALID');
    expect(codeOf(() => store.createAgent({ ...newAgent, password: '' }))).toBe('INVALID');
    expect(codeOf(() => store.createAgent({ ...newAgent, skills: 'sales' as unknown as string[] }))).toBe('INVALID');
    expect(codeOf(() => store.createAgent(null as unknown as typeof newAgent))).toBe('INVALID');
    expect(thrown(() => store.createAgent({ ...newAgent, displayName: '' }))).toMatchObject({ message: 'displayName must not be empty' });
    expect(store.listAgents()).toEqual([]);
  });
});

describe('queues', () => {
  it('create (skill defaults to the name), update, look up by DNIS, list and delete', () => {
    const store = open();
    expect(store.createQueue({ name: 'billing', dnis: '8002' })).toMatchObject({ name: 'billing', dnis: '8002', skill: 'billing' });
    expect(store.updateQueue('billing', { skill: 'support', dnis: '8012' })).toMatchObject({ dnis: '8012', skill: 'support' });
    expect(store.getQueueByDnis('8012')?.name).toBe('billing');
    expect(store.getQueueByDnis('8002')).toBeUndefined();
    expect(store.listQueues().map((q) => q.name)).toEqual(['billing', 'sales', 'support']);
    store.deleteQueue('billing');
    expect(store.getQueue('billing')).toBeUndefined();
  });

  it('refuse a taken DNIS or name with CONFLICT, unknown names with NOT_FOUND, bad input with INVALID', () => {
    const store = open();
    expect(thrown(() => store.createQueue({ name: 'billing', dnis: '8000' }))).toMatchObject({
      code: 'CONFLICT', message: 'DNIS "8000" is already the number of queue "sales"',
    });
    expect(thrown(() => store.updateQueue('support', { dnis: '8000' }))).toMatchObject({ code: 'CONFLICT' });
    expect(thrown(() => store.createQueue({ name: 'sales', dnis: '8009' }))).toMatchObject({ code: 'CONFLICT' });
    expect(thrown(() => store.updateQueue('nope', { dnis: '8009' }))).toMatchObject({ code: 'NOT_FOUND' });
    expect(thrown(() => store.deleteQueue('nope'))).toMatchObject({ code: 'NOT_FOUND' });
    expect(thrown(() => store.createQueue({ name: '', dnis: '8009' }))).toMatchObject({ code: 'INVALID' });
    expect(thrown(() => store.createQueue({ name: 'x', dnis: '' }))).toMatchObject({ code: 'INVALID' });
    expect(store.listQueues()).toHaveLength(2);
  });
});
