/**
 * The bed of the integration tests: one real server per file, and agents' sessions (and anything
 * else a test hands over) closed after each test, so that every test starts with all agents
 * logged out.
 */
import { afterAll, afterEach, beforeAll } from 'vitest';
import type { TelephonyMode } from '../../src/framework/schema/context.js';
import { createAgent, type TestAgent } from './agents.js';
import { startTestServer, type TestServer } from './server.js';
import { WsClient } from './ws-client.js';

export interface AgentBed {
  /** This file's server. */
  readonly server: TestServer;
  /** A session logged in as the agent (full mode unless told), closed after the test. */
  loggedIn(agentId: string, mode?: TelephonyMode): Promise<TestAgent>;
  /** A session logged in as the agent, made Ready, and seen Ready. */
  ready(agentId: string): Promise<TestAgent>;
  /** A raw protocol client logged in as the agent, with its Snapshot received; logged out after the test. */
  raw(agentId: string): Promise<WsClient>;
  /** Runs `close` after the test, with the agents' logouts. */
  afterTest(close: () => Promise<void>): void;
}

/** Registers the hooks of the file it is called in; what it returns is valid inside its tests. */
export function useAgentBed(): AgentBed {
  let server: TestServer | undefined;
  const closes: (() => Promise<void>)[] = [];

  beforeAll(async () => {
    server = await startTestServer();
  });
  afterEach(async () => {
    await Promise.all(closes.splice(0).map((close) => close()));
  });
  afterAll(async () => {
    await server?.dispose();
  });

  const bed: AgentBed = {
    get server() {
      if (!server) throw new Error('the bed has no server outside its tests');
      return server;
    },
    async loggedIn(agentId, mode = 'full') {
      const agent = createAgent(bed.server.ctiUrl, mode);
      closes.push(() => agent.close());
      await agent.session.login({ agentId, agentPwd: 'demo' });
      return agent;
    },
    async ready(agentId) {
      const agent = await bed.loggedIn(agentId);
      await agent.session.agentReady({});
      await agent.until((s) => s.agent.state === 'Ready', `${agentId} Ready`);
      return agent;
    },
    async raw(agentId) {
      const client = await WsClient.connect(bed.server.ctiUrl);
      // A closed socket leaves its session open on the server: log out first.
      closes.push(async () => {
        await client.request('logout', {});
        await client.close();
      });
      await client.ok('login', { agentId, agentPwd: 'demo' });
      await client.waitForEvent('SnapshotEvent', 'Snapshot');
      return client;
    },
    afterTest(close) {
      closes.push(close);
    },
  };
  return bed;
}
