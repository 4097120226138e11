/**
 * A phone or Kamailio going away: the control clients fail with an error naming the endpoint,
 * and the bed still stops cleanly. A start that fails half-way leaves no process behind.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { SipControlError } from '../../../src/server/sip/errors.js';
import { KamailioEvapi } from '../../../src/server/sip/kamailio-evapi.js';
import { type Testbed, liveProcesses, startTestbed } from '../../../src/server/sip/testbed/index.js';

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe('SIP test bed: processes that go away', () => {
  let bed: Testbed | undefined;
  let pids: number[] = [];

  afterAll(async () => {
    await bed?.stop();
    expect(pids.filter(alive)).toEqual([]);
    expect(liveProcesses()).toEqual([]);
  });

  it('a killed phone or Kamailio is reported by its control client, naming the endpoint', async () => {
    bed = await startTestbed({ phones: [{ user: 'solo', kind: 'baresip' }, { user: 'lin', kind: 'linphone' }] });
    pids = [bed.kamailio.pid, ...[...bed.phones.values()].map((p) => p.pid)];
    const evapi = await KamailioEvapi.connect({ port: bed.kamailio.evapiPort });

    const solo = bed.baresip('solo');
    const soloClosed = new Promise<SipControlError | undefined>((resolve) => solo.control.once('close', resolve));
    process.kill(solo.pid, 'SIGKILL');
    const soloReason = await soloClosed;
    expect(soloReason).toBeInstanceOf(SipControlError);
    expect(soloReason?.message).toMatch(new RegExp(`^baresip solo ctrl_tcp 127\\.0\\.0\\.1:${solo.ctrlPort}: `));
    await expect(solo.control.dial('sip:lin@127.0.0.1')).rejects.toMatchObject({ kind: 'closed' });

    const lin = bed.linphone('lin');
    const linClosed = new Promise<SipControlError | undefined>((resolve) => lin.control.once('close', resolve));
    process.kill(lin.pid, 'SIGKILL');
    expect((await linClosed)?.message).toMatch(new RegExp(`^linphone-daemon lin ${lin.socketPath}: `));
    await expect(lin.control.call('sip:solo@127.0.0.1')).rejects.toBeInstanceOf(SipControlError);

    const evapiClosed = new Promise<SipControlError | undefined>((resolve) => evapi.once('close', resolve));
    const waiting = evapi.log.waitFor((e) => e.ev === 'never', 'an event that never comes', 10000);
    process.kill(bed.kamailio.pid, 'SIGKILL');
    expect((await evapiClosed)?.message).toMatch(new RegExp(`^Kamailio evapi 127\\.0\\.0\\.1:${bed.kamailio.evapiPort}: `));
    await expect(waiting).rejects.toMatchObject({ kind: 'closed' });
    // refused, or reset while the workers go down: either way the error names the endpoint
    await expect(bed.rpc.ulDump()).rejects.toThrow(new RegExp(`^${bed.rpc.endpoint.replace(/[.]/g, '\\.')}: `));
  });

  it('a start that fails half-way stops what it started', async () => {
    await expect(startTestbed({ phones: [{ user: 'a', kind: 'baresip' }], startTimeoutMs: 1 })).rejects.toThrow(/timed out/);
    expect(liveProcesses().filter((p) => !pids.includes(p.pid))).toEqual([]);
  });
});
