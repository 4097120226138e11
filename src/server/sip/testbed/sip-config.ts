/** The server's `sip` configuration for a running test bed: its Kamailio, and agents on its phones. */
import type { SipConfig } from '../backend/config.js';
import type { Testbed } from './testbed.js';

export interface BedAgent {
  readonly agentId: string;
  /** The phone's user in the bed, which is also the agent's extension. */
  readonly extension: string;
  /** The agent's phone is the desktop page (a webrtc bed): no phone of the bed, the browser registers. */
  readonly webrtc?: boolean;
}

export function sipConfigFor(bed: Testbed, agents: readonly BedAgent[], extra: Partial<Pick<SipConfig, 'reconnectMs' | 'requestTimeoutMs' | 'consultTransfer'>> = {}): SipConfig {
  return {
    kamailio: { host: bed.kamailio.host, evapiPort: bed.kamailio.evapiPort, rpcUrl: bed.kamailio.rpcUrl, proxyUri: bed.kamailio.proxyUri, bridgeController: 'cti' },
    queueNumbers: [...bed.queueNumbers],
    agents: agents.map(({ agentId, extension, webrtc }) => {
      if (webrtc) {
        if (bed.kamailio.wsPort === undefined) throw new Error(`${agentId} has a browser phone but the test bed has no WebSocket listener: start it with webrtc: true`);
        // a bed with TLS gives the wss:// address, as production would
        const wsUri = bed.kamailio.wss?.uri ?? `ws://${bed.kamailio.host}:${bed.kamailio.wsPort}`;
        return { agentId, extension, sipUri: `sip:${extension}@${bed.kamailio.host}`, phone: { kind: 'webrtc' as const, wsUri } };
      }
      const phone = bed.phones.get(extension);
      if (!phone) throw new Error(`no phone ${JSON.stringify(extension)} in the test bed for ${agentId}`);
      return {
        agentId,
        extension,
        sipUri: phone.aor,
        phone: phone.kind === 'baresip' ? { kind: 'baresip' as const, host: bed.kamailio.host, port: phone.ctrlPort } : { kind: 'linphone' as const, socketPath: phone.socketPath },
      };
    }),
    // the bed's callers are mostly baresip 1.0, which turns a Refer-To with Replaces into a broken
    // INVITE: "refer" unless the caller honours Replaces (a linphone caller)
    consultTransfer: extra.consultTransfer ?? 'refer',
    reconnectMs: extra.reconnectMs ?? 300,
    requestTimeoutMs: extra.requestTimeoutMs ?? 5000,
  };
}
