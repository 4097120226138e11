/**
 * The conformance target on real SIP telephony: a test bed (Kamailio, the agent's phone, one
 * baresip caller per caller number the kit uses, two far ends that answer at once) and a
 * reference server on the sip back end, in this process on loopback. The driver rings the agent's
 * extension from a caller phone and hangs that phone up for callerHangUp. Every process is
 * stopped by PID in close(), also after a failure.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createNodeReferenceConnector } from '../../connectors/reference/node.js';
import { resolveConfig } from '../../server/config.js';
import { startServer, type RunningServer } from '../../server/server.js';
import { sipConfigFor, startTestbed, type PhoneKind, type Testbed } from '../../server/sip/testbed/index.js';
import type { ConformanceDriver, ConformanceTarget } from '../types.js';

/** The callers the kit dials from (run.ts: CALLER + 01…04). */
export const SIP_CALLERS = ['+1555010001', '+1555010002', '+1555010003', '+1555010004'];
const ANSWERING = '+15557770000';
const SECOND_ANSWERING = '+15557770001';

export interface SipTargetOptions {
  /** The agent's phone: linphone can consult and conference, baresip cannot. Default linphone. */
  readonly phone?: PhoneKind;
}

export interface SipTarget extends ConformanceTarget {
  readonly bed: Testbed;
  readonly server: RunningServer;
}

export async function createTarget(options: SipTargetOptions = {}): Promise<SipTarget> {
  const agent = { agentId: 'agent1', agentPwd: 'demo', extension: '5001' };
  const bed = await startTestbed({
    phones: [
      { user: agent.extension, kind: options.phone ?? 'linphone' },
      ...SIP_CALLERS.map((user) => ({ user, kind: 'baresip' as const })),
      { user: ANSWERING, kind: 'baresip', autoAnswer: true },
      { user: SECOND_ANSWERING, kind: 'baresip', autoAnswer: true },
    ],
    queueNumbers: ['8000', '8001'],
  });
  const dataDir = mkdtempSync(join(tmpdir(), 'opencti-conformance-sip-'));
  let server: RunningServer | undefined;
  const implementation = createNodeReferenceConnector();
  const close = async () => {
    implementation.close();
    await server?.close().catch(() => undefined);
    await bed.stop();
    rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    await bed.phones.get(agent.extension)?.control.close(); // the server takes the phone's control link
    server = await startServer(
      resolveConfig({ port: 0, dataDir, logLevel: 'silent', backend: 'sip', sip: sipConfigFor(bed, [{ agentId: agent.agentId, extension: agent.extension }]) }),
    );
    await server.sip?.connected(10_000);
  } catch (error) {
    await close();
    throw error;
  }
  const running = server;
  /** SIP Call-ID of the last call each caller placed. */
  const placed = new Map<string, string>();

  const driver: ConformanceDriver = {
    agent,
    link: { name: 'reference', url: running.ctiUrl },
    inboundNumber: agent.extension,
    answeringNumber: ANSWERING,
    secondAnsweringNumber: SECOND_ANSWERING,
    async inboundCall(from, to) {
      const sipId = await bed.baresip(from).control.dial(`sip:${to}@${bed.kamailio.host}`);
      placed.set(from, sipId);
    },
    async callerHangUp(callId) {
      const ani = running.switch.calls().find((c) => c.callId === callId)?.ani;
      const sipId = ani === undefined ? undefined : placed.get(ani);
      if (ani === undefined || sipId === undefined) throw new Error(`no caller phone placed call ${callId}`);
      await bed.baresip(ani).control.hangup(sipId);
    },
    close,
  };
  return { implementation, driver, bed, server: running };
}
