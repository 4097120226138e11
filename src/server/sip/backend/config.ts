/**
 * The `sip` section of the server configuration: where Kamailio is, which numbers are queues, and
 * per agent the extension, the phone's SIP address and how to control the phone.
 */
import { Type, type Static } from '@sinclair/typebox';

const BaresipPhone = Type.Object(
  {
    kind: Type.Literal('baresip'),
    host: Type.Optional(Type.String({ minLength: 1, description: 'baresip ctrl_tcp address; default 127.0.0.1' })),
    port: Type.Integer({ minimum: 1, maximum: 65535, description: 'baresip ctrl_tcp port (ctrl_tcp_listen)' }),
  },
  { additionalProperties: false },
);

const LinphonePhone = Type.Object(
  {
    kind: Type.Literal('linphone'),
    socketPath: Type.String({ minLength: 1, description: 'linphone-daemon unix socket: /tmp/<--pipe name>' }),
    dtmf: Type.Optional(
      Type.Unsafe<'info' | 'rfc4733'>({
        type: 'string',
        enum: ['info', 'rfc4733'],
        description:
        'How the phone sends DTMF (linphonerc [sip] use_info / use_rfc2833): "info" (SIP INFO: sendDTMF resolves when the far end answered every digit 2xx) or "rfc4733" (in the media, which the server cannot see: sendDTMF resolves when the phone took the digits). Default "info"',
      }),
    ),
  },
  { additionalProperties: false },
);

const PlainPhone = Type.Object(
  { kind: Type.Literal('sip', { description: 'A SIP phone the server cannot control: answered and held on the phone; make call and hang-up through Kamailio (dlg.bridge_dlg, dlg.terminate_dlg)' }) },
  { additionalProperties: false },
);

const WebrtcPhone = Type.Object(
  {
    kind: Type.Literal('webrtc', { description: "The agent's desktop page is the phone: it registers over WebSocket and the server controls it through the agent's /cti connection" }),
    wsUri: Type.String({ pattern: '^wss?://', description: "Kamailio's SIP over WebSocket listener as the agent's browser reaches it, e.g. wss://pbx.example.com:8443" }),
    password: Type.Optional(Type.String({ minLength: 1, description: 'SIP digest password, when Kamailio authenticates REGISTER' })),
    iceServers: Type.Optional(
      Type.Array(
        Type.Object(
          {
            urls: Type.Union([Type.String({ pattern: '^(stun|stuns|turn|turns):' }), Type.Array(Type.String({ pattern: '^(stun|stuns|turn|turns):' }), { minItems: 1 })]),
            username: Type.Optional(Type.String()),
            credential: Type.Optional(Type.String()),
          },
          { additionalProperties: false },
        ),
        { description: 'STUN/TURN servers for agents behind NAT (RTCPeerConnection iceServers)' },
      ),
    ),
  },
  { additionalProperties: false },
);

export const SipAgentConfig = Type.Object(
  {
    agentId: Type.String({ minLength: 1 }),
    extension: Type.String({ pattern: '^[A-Za-z0-9_.+-]{1,32}$', description: 'The agent\'s extension: the SIP user its phone registers as' }),
    sipUri: Type.String({ pattern: '^sips?:[^\\s@]+@[^\\s]+$', description: 'The phone\'s address of record, e.g. sip:5001@pbx.example.com' }),
    phone: Type.Union([BaresipPhone, LinphonePhone, PlainPhone, WebrtcPhone], { description: 'How the server controls the phone' }),
  },
  { additionalProperties: false },
);

export const SipConfig = Type.Object(
  {
    kamailio: Type.Object(
      {
        host: Type.String({ minLength: 1, default: '127.0.0.1', description: 'Kamailio evapi address' }),
        evapiPort: Type.Integer({ minimum: 1, maximum: 65535, description: 'Kamailio evapi port (modparam evapi bind_addr)' }),
        rpcUrl: Type.String({ pattern: '^https?://', description: 'Kamailio JSON-RPC over HTTP, e.g. http://127.0.0.1:5080/RPC' }),
        domain: Type.Optional(Type.String({ minLength: 1, description: 'SIP domain for dialled numbers; default the evapi host' })),
        proxyUri: Type.Optional(Type.String({ pattern: '^sips?:', description: 'Where dlg.bridge_dlg sends its INVITE (Kamailio itself), e.g. sip:10.0.0.5:5060' })),
        bridgeController: Type.String({ minLength: 1, default: 'cti', description: 'SIP user of the dialog module\'s bridge_controller: its INVITEs are not calls' }),
      },
      { additionalProperties: false },
    ),
    queueNumbers: Type.Array(Type.String({ pattern: '^[A-Za-z0-9_.+-]{1,32}$' }), { default: [], description: 'Numbers Kamailio holds for our ACD (must be queue DNIS)' }),
    agents: Type.Array(SipAgentConfig, { minItems: 1 }),
    consultTransfer: Type.Unsafe<'replaces' | 'refer'>({
      type: 'string',
      enum: ['replaces', 'refer'],
      default: 'replaces',
      description:
        'transferComplete: "replaces" sends the held party a REFER with Replaces (attended transfer; the transferee must support it), "refer" a plain REFER to the consulted party, whose phone the server then answers',
    }),
    reconnectMs: Type.Integer({ minimum: 100, maximum: 60_000, default: 1000, description: 'Retry interval for Kamailio and phone links' }),
    requestTimeoutMs: Type.Integer({ minimum: 500, maximum: 60_000, default: 5000, description: 'How long a desktop request waits for the phone' }),
  },
  { additionalProperties: false },
);

export type SipConfig = Static<typeof SipConfig>;
export type SipAgentConfig = Static<typeof SipAgentConfig>;

/** Checks what a schema cannot: unique agents, extensions and SIP addresses. Returns problems with their JSON path. */
export function crossCheckSipConfig(sip: SipConfig, path = '/sip'): string[] {
  const problems: string[] = [];
  const seen = { agentId: new Map<string, number>(), extension: new Map<string, number>(), sipUri: new Map<string, number>() };
  sip.agents.forEach((agent, i) => {
    for (const key of ['agentId', 'extension', 'sipUri'] as const) {
      const first = seen[key].get(agent[key]);
      if (first !== undefined) problems.push(`${path}/agents/${i}/${key} ${JSON.stringify(agent[key])} is already used by ${path}/agents/${first}`);
      else seen[key].set(agent[key], i);
    }
    if (sip.queueNumbers.includes(agent.extension)) problems.push(`${path}/agents/${i}/extension ${JSON.stringify(agent.extension)} is also a queue number`);
  });
  return problems;
}
