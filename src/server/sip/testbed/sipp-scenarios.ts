/**
 * SIPp scenarios for the test bed (XML, filled in per run). Calls use SIPp's [call_id]: give the
 * run a fixed Call-ID (runSipp's `callId`, SIPp's -cid_str) to match Kamailio's events to it.
 */

const SDP = `v=0
o=sipp 1 1 IN IP4 [local_ip]
s=-
c=IN IP4 [local_ip]
t=0 0
m=audio [media_port] RTP/AVP 0
a=rtpmap:0 PCMU/8000`;

const xmlHeader = (name: string): string => `<?xml version="1.0" encoding="ISO-8859-1" ?>
<!DOCTYPE scenario SYSTEM "sipp.dtd">
<scenario name="${name}">`;

export interface CancelCallerOptions {
  /** Who to call (the Request-URI user): a phone or a queue number. */
  target: string;
  /** The provisional reply to wait for before cancelling: 180 at a phone, 182 in a queue. */
  waitFor: 180 | 182 | 183;
  /** Time between that reply and the CANCEL. */
  cancelAfterMs: number;
}

/** A caller that INVITEs, waits for ringing (or queued), then CANCELs. */
export function cancelCallerScenario(o: CancelCallerOptions): string {
  // INVITE, CANCEL and the ACK of the 487 share one branch (RFC 3261 9.1, 17.1.1.3)
  const branch = 'z9hG4bK-sipp-[pid]-[call_number]';
  const invite = (method: 'INVITE' | 'CANCEL', body: boolean): string => `<![CDATA[
      ${method} sip:${o.target}@[remote_ip]:[remote_port] SIP/2.0
      Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=${branch}
      From: <sip:sipp@[local_ip]>;tag=[pid]SIPpTag00[call_number]
      To: <sip:${o.target}@[remote_ip]>
      Call-ID: [call_id]
      CSeq: 1 ${method}
      Contact: <sip:sipp@[local_ip]:[local_port]>
      Max-Forwards: 70
      ${body ? 'Content-Type: application/sdp\n      ' : ''}Content-Length: [len]
${body ? `\n${SDP}\n` : '\n'}
    ]]>`;
  const ack = `  <send><![CDATA[
      ACK sip:${o.target}@[remote_ip]:[remote_port] SIP/2.0
      Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=${branch}
      From: <sip:sipp@[local_ip]>;tag=[pid]SIPpTag00[call_number]
      [last_To:]
      Call-ID: [call_id]
      CSeq: 1 ACK
      Max-Forwards: 70
      Content-Length: 0

    ]]></send>`;
  return `${xmlHeader('cancel-caller')}
  <send retrans="500">${invite('INVITE', true)}</send>
  <recv response="100" optional="true"/>
${o.waitFor === 182 ? '' : '  <recv response="182" optional="true"/>\n'}  <recv response="${o.waitFor}"/>
  <pause milliseconds="${Math.max(0, Math.round(o.cancelAfterMs))}"/>
  <send>${invite('CANCEL', false)}</send>
  <!-- the 200 to the CANCEL and the 487 to the INVITE come in either order -->
  <recv response="487" optional="true" next="ack_first"/>
  <recv response="200"/>
  <recv response="487"/>
${ack}
  <nop next="end"/>
  <label id="ack_first"/>
${ack}
  <recv response="200"/>
  <label id="end"/>
</scenario>
`;
}

export interface RejectingCalleeOptions {
  /** The final reply to the INVITE, e.g. 486 Busy Here. */
  code: number;
  reason: string;
}

/**
 * A callee (SIPp as UAS) that answers one INVITE with `code`. SIPp maps messages to calls by
 * Call-ID, so it cannot register and take an unrelated INVITE in one scenario: register it with
 * registerScenario() from a second SIPp run, with its port as the contact.
 */
export function rejectingCalleeScenario(o: RejectingCalleeOptions): string {
  return `${xmlHeader('rejecting-callee')}
  <recv request="INVITE"/>
  <send><![CDATA[
      SIP/2.0 ${o.code} ${o.reason}
      [last_Via:]
      [last_From:]
      [last_To:];tag=[pid]rej[call_number]
      [last_Call-ID:]
      [last_CSeq:]
      Content-Length: 0

    ]]></send>
  <recv request="ACK"/>
</scenario>
`;
}

export interface RegisterOptions {
  user: string;
  /** Where the registered contact points (another SIPp's port). */
  contactPort: number;
  expires: number;
}

/** One REGISTER for `user` with a contact on 127.0.0.1:`contactPort`. */
export function registerScenario(o: RegisterOptions): string {
  return `${xmlHeader('register')}
  <send retrans="500"><![CDATA[
      REGISTER sip:[remote_ip]:[remote_port] SIP/2.0
      Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
      From: <sip:${o.user}@[remote_ip]>;tag=[pid]reg[call_number]
      To: <sip:${o.user}@[remote_ip]>
      Call-ID: [call_id]
      CSeq: 1 REGISTER
      Contact: <sip:${o.user}@[local_ip]:${o.contactPort}>
      Expires: ${o.expires}
      Max-Forwards: 70
      Content-Length: 0

    ]]></send>
  <recv response="200"/>
</scenario>
`;
}

/**
 * A callee (SIPp as UAS) that rings and never answers: 180 to the INVITE, then it waits for the
 * caller's CANCEL (200 to it, 487 to the INVITE with the INVITE's CSeq) and the ACK. Register it
 * with registerScenario() like the rejecting callee.
 */
export function ringingCalleeScenario(): string {
  const tag = 'tag=[pid]ring[call_number]';
  return `${xmlHeader('ringing-callee')}
  <recv request="INVITE">
    <action><ereg regexp="[0-9]+" search_in="hdr" header="CSeq:" assign_to="cseq"/></action>
  </recv>
  <send><![CDATA[
      SIP/2.0 180 Ringing
      [last_Via:]
      [last_From:]
      [last_To:];${tag}
      [last_Call-ID:]
      [last_CSeq:]
      Contact: <sip:ringing@[local_ip]:[local_port]>
      Content-Length: 0

    ]]></send>
  <recv request="CANCEL" timeout="120000"/>
  <send><![CDATA[
      SIP/2.0 200 OK
      [last_Via:]
      [last_From:]
      [last_To:];${tag}
      [last_Call-ID:]
      [last_CSeq:]
      Content-Length: 0

    ]]></send>
  <send><![CDATA[
      SIP/2.0 487 Request Terminated
      [last_Via:]
      [last_From:]
      [last_To:];${tag}
      [last_Call-ID:]
      CSeq: [$cseq] INVITE
      Content-Length: 0

    ]]></send>
  <recv request="ACK"/>
</scenario>
`;
}

export interface InDialogCalleeOptions {
  /** Expect a hold re-INVITE first (default true). */
  hold?: boolean;
  /** Final reply to the hold re-INVITE: 200 (the default) or a refusal such as 488 or 491. */
  holdReply?: number;
  /** Time between the hold re-INVITE (answered 100 at once) and its final reply: a far end slow to confirm. */
  holdAnswerDelayMs?: number;
  /** Expect a resume re-INVITE with a=sendrecv after an accepted hold. */
  resume?: boolean;
  /** DTMF digits expected as SIP INFO (application/dtmf-relay), one INFO each, after the hold steps. */
  infoDigits?: string;
  /** Final reply to each INFO (default 200). */
  infoReply?: number;
}

const REASONS: Record<number, string> = { 200: 'OK', 415: 'Unsupported Media Type', 488: 'Not Acceptable Here', 491: 'Request Pending', 501: 'Not Implemented' };

/**
 * A far end (SIPp as UAS) that answers one call, then checks what the caller's phone sends in the
 * dialog: a hold re-INVITE whose SDP carries a=sendonly or a=inactive (answered `holdReply`, after
 * `holdAnswerDelayMs`), optionally a resume re-INVITE with a=sendrecv, DTMF digits as SIP INFO,
 * then the BYE. A request that does not carry what is expected fails the run (exit code 1).
 * Register it with registerScenario() like the rejecting callee.
 */
export function inDialogCalleeScenario(o: InDialogCalleeOptions = {}): string {
  const tag = 'tag=[pid]dlg[call_number]';
  const holdReply = o.holdReply ?? 200;
  const infoReply = o.infoReply ?? 200;
  const reply = (code: number, sdpDirection?: string, toTag = false): string => `  <send><![CDATA[
      SIP/2.0 ${code} ${REASONS[code] ?? 'Reply'}
      [last_Via:]
      [last_From:]
      [last_To:]${toTag ? `;${tag}` : ''}
      [last_Call-ID:]
      [last_CSeq:]
      ${code >= 200 && code < 300 && sdpDirection !== undefined ? '[last_Record-Route:]\n      ' : ''}Contact: <sip:callee@[local_ip]:[local_port]>
      ${sdpDirection === undefined ? 'Content-Length: 0\n' : `Content-Type: application/sdp
      Content-Length: [len]

${SDP}
a=${sdpDirection}`}
    ]]></send>`;
  const reinvite = (regexp: string, name: string): string => `  <recv request="INVITE">
    <action><ereg regexp="${regexp}" search_in="body" check_it="true" assign_to="${name}"/></action>
  </recv>`;
  const escape = (digit: string): string => (/[0-9A-D]/.test(digit) ? digit : `\\${digit}`);
  const infos = [...(o.infoDigits ?? '')]
    .map(
      (digit, i) => `  <recv request="INFO">
    <action><ereg regexp="Signal= *${escape(digit)}" search_in="body" check_it="true" assign_to="digit${i}"/></action>
  </recv>
${reply(infoReply)}`,
    )
    .join('\n');
  const checked = [
    ...(o.hold === false ? [] : ['held']),
    ...(o.hold !== false && o.resume && holdReply === 200 ? ['resumed'] : []),
    ...[...(o.infoDigits ?? '')].map((_, i) => `digit${i}`),
  ];
  return `${xmlHeader('in-dialog-callee')}
  <recv request="INVITE"/>
${reply(200, 'sendrecv', true)}
  <recv request="ACK"/>
${o.hold === false ? '' : `${reinvite('a=(sendonly|inactive)', 'held')}
${reply(100)}
  <pause milliseconds="${Math.max(0, Math.round(o.holdAnswerDelayMs ?? 0))}"/>
${holdReply === 200 ? reply(200, 'recvonly') : reply(holdReply)}
  <recv request="ACK"/>
`}${o.hold !== false && o.resume && holdReply === 200 ? `${reinvite('a=sendrecv', 'resumed')}\n${reply(200, 'sendrecv')}\n  <recv request="ACK"/>\n` : ''}${infos}
  <recv request="BYE"/>
${reply(200)}
${checked.length > 0 ? `  <!-- SIPp refuses a variable used once: the checks above only assign -->
  <Reference variables="${checked.join(',')}"/>
` : ''}</scenario>
`;
}
