/** A SIP test bed with the server on the sip back end, for tests: every process stopped by PID in stop(). */
import type { ServerConfig } from '../../../src/server/config.js';
import type { SipConfig } from '../../../src/server/sip/backend/config.js';
import { type BedAgent, type PhoneSpec, type Testbed, sipConfigFor, startTestbed } from '../../../src/server/sip/testbed/index.js';
import { createAgent, type TestAgent } from '../../helpers/agents.js';
import { startTestServer, type TestServer } from '../../helpers/server.js';

export interface SipStack {
  readonly bed: Testbed;
  readonly server: TestServer;
  readonly pids: number[];
  stop(): Promise<void>;
}

export async function startSipStack(options: {
  agents: readonly (BedAgent & { kind?: 'baresip' | 'linphone' })[];
  others: readonly PhoneSpec[];
  server?: Partial<ServerConfig>;
  queueMaxWaitMs?: number;
  agentRingMs?: number;
  /** How transferComplete refers (the bed's own choice when absent); 'default': the server's default. */
  consultTransfer?: SipConfig['consultTransfer'] | 'default';
  /** The back end's wait for the telephony (below the desktop's own 5 s, to see the server's error). */
  requestTimeoutMs?: number;
}): Promise<SipStack> {
  const bed = await startTestbed({
    phones: [...options.agents.map((a) => ({ user: a.extension, kind: a.kind ?? ('baresip' as const) })), ...options.others],
    queueNumbers: ['8000', '8001'],
    queueMaxWaitMs: options.queueMaxWaitMs,
    agentRingMs: options.agentRingMs,
  });
  let server: TestServer | undefined;
  try {
    // a baresip phone takes one control connection at a time: the server's
    for (const a of options.agents) await bed.phones.get(a.extension)?.control.close();
    const choice = options.consultTransfer === 'default' ? undefined : options.consultTransfer;
    const { consultTransfer: bedChoice, ...rest } = sipConfigFor(bed, options.agents, { consultTransfer: choice, requestTimeoutMs: options.requestTimeoutMs });
    const sip = (options.consultTransfer === 'default' ? rest : { ...rest, consultTransfer: bedChoice }) as SipConfig;
    server = await startTestServer({ backend: 'sip', sip, ...options.server });
    await server.sip?.connected(10_000);
  } catch (error) {
    await server?.dispose();
    await bed.stop();
    throw error;
  }
  const ready = server;
  return {
    bed,
    server: ready,
    pids: [bed.kamailio.pid, ...[...bed.phones.values()].map((p) => p.pid)],
    async stop() {
      await ready.dispose().catch(() => undefined);
      await bed.stop();
    },
  };
}

export const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/** A full-mode desktop logged in as `agentId` (made Ready when asked), added to `open` for the file's cleanup. */
export async function desktopLoggedIn(stack: SipStack, open: TestAgent[], agentId: string, ready = false): Promise<TestAgent> {
  const agent = createAgent(stack.server.ctiUrl, 'full');
  open.push(agent);
  await agent.session.login({ agentId, agentPwd: 'demo' });
  if (ready) {
    await agent.session.agentReady({});
    await agent.until((s) => s.agent.state === 'Ready', `${agentId} Ready`);
  }
  return agent;
}
