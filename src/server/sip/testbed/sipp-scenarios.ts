/**
 * SIPp scenarios for the test bed (XML, filled in per run). Every scenario sets its own Call-ID so
 * that tests can match Kamailio's events to it.
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
  callId: string;
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
      Call-ID: ${o.callId}
      CSeq: 1 ${method}
      Contact: <sip:sipp@[local_ip]:[local_port]>
      Max-Forwards: 70
      ${body ? 'Content-Type: application/sdp\n      ' : ''}Content-Length: [len]
${body ? `\n${SDP}\n` : '\n'}
    ]]>`;
  return `${xmlHeader('cancel-caller')}
  <send retrans="500">${invite('INVITE', true)}</send>
  <recv response="100" optional="true"/>
  <recv response="${o.waitFor}"/>
  <pause milliseconds="${Math.max(0, Math.round(o.cancelAfterMs))}"/>
  <send>${invite('CANCEL', false)}</send>
  <recv response="200"/>
  <recv response="487"/>
  <send><![CDATA[
      ACK sip:${o.target}@[remote_ip]:[remote_port] SIP/2.0
      Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=${branch}
      From: <sip:sipp@[local_ip]>;tag=[pid]SIPpTag00[call_number]
      [last_To:]
      Call-ID: ${o.callId}
      CSeq: 1 ACK
      Max-Forwards: 70
      Content-Length: 0

    ]]></send>
</scenario>
`;
}

export interface BusyCalleeOptions {
  /** The user SIPp registers as. */
  user: string;
  /** The reply to every INVITE, e.g. 486 Busy Here. */
  code: number;
  reason: string;
  /** How long SIPp waits for the INVITE. */
  waitMs: number;
}

/** A callee that registers, answers one INVITE with `code`, and unregisters. */
export function busyCalleeScenario(o: BusyCalleeOptions): string {
  const register = (expires: number, cseq: number): string => `<![CDATA[
      REGISTER sip:[remote_ip]:[remote_port] SIP/2.0
      Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
      From: <sip:${o.user}@[remote_ip]>;tag=[pid]reg[call_number]
      To: <sip:${o.user}@[remote_ip]>
      Call-ID: reg-${o.user}-[pid]@[local_ip]
      CSeq: ${cseq} REGISTER
      Contact: <sip:${o.user}@[local_ip]:[local_port]>
      Expires: ${expires}
      Max-Forwards: 70
      Content-Length: 0

    ]]>`;
  return `${xmlHeader('busy-callee')}
  <send retrans="500">${register(60, 1)}</send>
  <recv response="200"/>
  <recv request="INVITE" timeout="${Math.round(o.waitMs)}" ontimeout="unregister"/>
  <send><![CDATA[
      SIP/2.0 ${o.code} ${o.reason}
      [last_Via:]
      [last_From:]
      [last_To:];tag=[pid]busy[call_number]
      [last_Call-ID:]
      [last_CSeq:]
      Content-Length: 0

    ]]></send>
  <recv request="ACK"/>
  <label id="unregister"/>
  <send retrans="500">${register(0, 2)}</send>
  <recv response="200"/>
</scenario>
`;
}
