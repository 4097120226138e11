import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { BaresipControl } from '../../../src/server/sip/baresip-control.js';
import { SipControlError } from '../../../src/server/sip/errors.js';
import { EventLog } from '../../../src/server/sip/event-log.js';
import { KamailioEvapi } from '../../../src/server/sip/kamailio-evapi.js';
import { KamailioRpc, parseUlDump } from '../../../src/server/sip/kamailio-rpc.js';
import { LinphoneControl, parseLinphoneResponse } from '../../../src/server/sip/linphone-control.js';
import { NetstringDecoder, encodeNetstring } from '../../../src/server/sip/netstring.js';
import { renderKamailioConfig } from '../../../src/server/sip/testbed/kamailio-config.js';
import { freePortBlock } from '../../../src/server/sip/testbed/ports.js';

describe('netstrings', () => {
  it('decodes frames split anywhere, several per chunk, and multi-byte text', () => {
    const wire = Buffer.concat([encodeNetstring('{"ev":"a"}'), encodeNetstring('héllo'), encodeNetstring('')]);
    for (let cut = 0; cut <= wire.length; cut++) {
      const decoder = new NetstringDecoder();
      const frames = [...decoder.push(wire.subarray(0, cut)), ...decoder.push(wire.subarray(cut))];
      expect(frames).toEqual(['{"ev":"a"}', 'héllo', '']);
      expect(decoder.pending).toBe(0);
    }
  });

  it('rejects garbage', () => {
    expect(() => new NetstringDecoder().push(Buffer.from('x:abc,'))).toThrow(/bad length/);
    expect(() => new NetstringDecoder().push(Buffer.from('3:abc;'))).toThrow(/does not end/);
  });
});

describe('EventLog', () => {
  it('finds past events, waits for future ones, honours marks, and fails waiters', async () => {
    const log = new EventLog<number>('test source');
    log.push(1);
    await expect(log.waitFor((n) => n === 1, 'one', 10)).resolves.toBe(1);
    const mark = log.mark();
    const two = log.waitFor((n) => n > 0, 'positive after mark', 1000, mark);
    log.push(2);
    await expect(two).resolves.toBe(2);
    await expect(log.waitFor((n) => n === 9, 'nine', 20)).rejects.toThrow(/test source: no nine within 20 ms/);
    const pending = log.waitFor((n) => n === 9, 'nine', 1000);
    log.fail(new Error('gone'));
    await expect(pending).rejects.toThrow('gone');
  });
});

describe('parsers', () => {
  it('reads linphone-daemon answers', () => {
    const r = parseLinphoneResponse('Status: Ok\n\nSize: 1\nEvent-type: call-state-changed\n\nEvent: LinphoneCallEnd\nFrom: sip:a@127.0.0.1\nId: 2\n\n\n\n');
    expect(r.ok).toBe(true);
    expect(r.fields).toMatchObject({ Size: '1', 'Event-type': 'call-state-changed', Event: 'LinphoneCallEnd', Id: '2' });
    const e = parseLinphoneResponse('Status: Error\nReason: Command failed\n');
    expect(e).toMatchObject({ ok: false, fields: { Reason: 'Command failed' } });
  });

  it('reads ul.dump', () => {
    const dump = {
      Domains: [{ Domain: { Domain: 'location', AoRs: [{ Info: { AoR: 'bob', Contacts: [{ Contact: { Address: 'sip:bob@127.0.0.1:5064', Expires: 58, 'User-Agent': 'baresip' } }] } }] } }],
    };
    expect(parseUlDump(dump)).toEqual([{ aor: 'bob', address: 'sip:bob@127.0.0.1:5064', expires: 58, userAgent: 'baresip' }]);
    expect(parseUlDump(undefined)).toEqual([]);
  });
});

describe('Kamailio config', () => {
  const cfg = renderKamailioConfig({
    runDir: '/run/x', host: '127.0.0.1', sipPort: 5060, httpPort: 5080, evapiPort: 8448,
    queueNumbers: ['8000', 'sales.1'], queueMaxWaitMs: 30000, agentRingMs: 15000,
    modulesDir: '/usr/lib/x86_64-linux-gnu/kamailio/modules/',
  });

  it('avoids the known traps', () => {
    expect(cfg).not.toMatch(/^alias=/m); // in-dialog requests would loop
    expect(cfg).toContain('modparam("registrar", "gruu_enabled", 0)');
    expect(cfg).toContain('modparam("jsonrpcs", "transport", 7)');
    expect(cfg).not.toContain('evapi_async_relay');
  });

  it('holds queue numbers and routes them on an evapi command', () => {
    expect(cfg).toContain('$rU =~ "^(8000|sales\\\\.1)$"');
    expect(cfg).toContain('t_reply("182", "Queued")');
    expect(cfg).toContain('t_suspend()');
    expect(cfg).toContain('t_continue("$var(ti)", "$var(tl)", "QUEUE_RESUME")');
    expect(cfg).toContain('t_set_fr(30000, 30000)');
  });

  it('refuses queue numbers that would break the routing script', () => {
    expect(() => renderKamailioConfig({ ...{ runDir: '/r', host: '127.0.0.1', sipPort: 1, httpPort: 2, evapiPort: 3, queueMaxWaitMs: 1, agentRingMs: 1, modulesDir: '/m' }, queueNumbers: ['80"0'] })).toThrow(/may only hold/);
  });
});

describe('clients name the endpoint when it is not there', () => {
  it('refused connections', async () => {
    const port = await freePortBlock(1);
    await expect(KamailioEvapi.connect({ port })).rejects.toThrow(new RegExp(`Kamailio evapi 127.0.0.1:${port}: connection refused`));
    await expect(BaresipControl.connect({ port, name: 'alice' })).rejects.toThrow(new RegExp(`baresip alice ctrl_tcp 127.0.0.1:${port}: connection refused`));
    await expect(new KamailioRpc({ url: `http://127.0.0.1:${port}/RPC` }).dlgList()).rejects.toThrow(/Kamailio JSON-RPC .*connection refused/);
    const err = await LinphoneControl.connect({ socketPath: '/tmp/opencti-no-such-socket', name: 'bob' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SipControlError);
    expect((err as SipControlError).message).toMatch(/linphone-daemon bob \/tmp\/opencti-no-such-socket: socket does not exist/);
  });

  it('a peer that goes away fails pending requests with a clear error', async () => {
    const server = createServer((socket) => socket.once('data', () => socket.destroy()));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as { port: number }).port;
    const control = await BaresipControl.connect({ port, name: 'carol' });
    const closed = new Promise((resolve) => control.once('close', resolve));
    await expect(control.command('listcalls')).rejects.toMatchObject({ kind: 'closed', endpoint: `baresip carol ctrl_tcp 127.0.0.1:${port}` });
    await closed;
    await expect(control.hangup()).rejects.toThrow(/connection is closed/);
    await new Promise((resolve) => server.close(resolve));
  });
});
