import type { NatsConnection } from 'nats';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { CommandError, sendCommand, serveCommands, type CommandServer } from '../../../../src/server/cluster/infra/commands.js';
import { bytes, deferred, natsConnect, randomCluster, text } from './helpers.js';

let client: NatsConnection;
let leader: NatsConnection;
const servers: CommandServer[] = [];

beforeAll(async () => {
  client = await natsConnect();
  leader = await natsConnect();
});

afterEach(async () => {
  for (const s of servers.splice(0)) await s.stop();
});

afterAll(async () => {
  await client.close();
  await leader.close();
});

function serve(cluster: string, handler: (data: Uint8Array) => Promise<Uint8Array>, conn = leader): CommandServer {
  const s = serveCommands(conn, cluster, handler);
  servers.push(s);
  return s;
}

describe('commands to the leader', () => {
  it('answers a command through the serving leader', async () => {
    const cluster = randomCluster('cmd');
    serve(cluster, async (data) => bytes(`done: ${text(data)}`));
    expect(text(await sendCommand(client, cluster, bytes('hold call 7')))).toBe('done: hold call 7');
  });

  it('retries while no leader serves, and is answered once one appears', async () => {
    const cluster = randomCluster('cmd');
    const retried = deferred<string>();
    const reply = sendCommand(client, cluster, bytes('login agent1'), {
      timeoutMs: 500,
      deadlineMs: 20_000,
      onRetry: (_attempt, reason) => retried.resolve(reason),
    });
    // The first attempt found nobody: a failover in progress.
    expect(await retried.promise).toBe('no responders');
    serve(cluster, async (data) => bytes(`ok ${text(data)}`));
    expect(text(await reply)).toBe('ok login agent1');
  });

  it('retries past a leader that dies with the request, reaching the next one', async () => {
    const cluster = randomCluster('cmd');
    const received = deferred();
    const dying = serveCommands(leader, cluster, () => {
      received.resolve();
      return new Promise<Uint8Array>(() => undefined); // never answers: the process died
    });
    await dying.ready; // the server has its subscription before the command is sent
    const reasons: string[] = [];
    const reply = sendCommand(client, cluster, bytes('x'), { timeoutMs: 300, deadlineMs: 20_000, onRetry: (_a, r) => reasons.push(r) });
    await received.promise;
    void dying.stop(); // no longer takes commands (its hung one is never answered)
    serve(cluster, async () => bytes('from the new leader'));
    expect(text(await reply)).toBe('from the new leader');
    expect(reasons).toContain('no answer within 300 ms');
  });

  it('gives up at the deadline with an error that says so', async () => {
    const cluster = randomCluster('cmd');
    await expect(sendCommand(client, cluster, bytes('x'), { timeoutMs: 100, deadlineMs: 400 })).rejects.toThrow(
      new RegExp(`no cluster leader answered within 400 ms on opencti\\.${cluster}\\.command \\(last attempt: no responders\\)`),
    );
  });

  it("passes the handler's failure back as a CommandError, without retrying", async () => {
    const cluster = randomCluster('cmd');
    let calls = 0;
    serve(cluster, async () => {
      calls++;
      throw new Error('agent1 is not logged in\nsecond line');
    });
    const err = await sendCommand(client, cluster, bytes('x')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CommandError);
    expect((err as Error).message).toBe('agent1 is not logged in second line');
    expect(calls).toBe(1);
  });

  it('hands each command to one server only when two serve during a handover', async () => {
    const cluster = randomCluster('cmd');
    let calls = 0;
    const handler = async (): Promise<Uint8Array> => {
      calls++;
      return bytes('ok');
    };
    serve(cluster, handler);
    serve(cluster, handler, client);
    for (let i = 0; i < 20; i++) await sendCommand(client, cluster, bytes(`c${i}`));
    expect(calls).toBe(20);
  });

  it('refuses a bad cluster name and bad timeouts by name', async () => {
    await expect(sendCommand(client, 'no spaces', bytes('x'))).rejects.toThrow(/cluster name "no spaces" is not valid/);
    await expect(sendCommand(client, 'ok', bytes('x'), { deadlineMs: 0 })).rejects.toThrow(/deadlineMs must be positive/);
  });
});
