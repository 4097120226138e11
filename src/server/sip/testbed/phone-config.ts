/**
 * Per-phone configuration files: baresip (`config` + `accounts` in its own folder, run with
 * `baresip -f DIR`) and linphone-daemon (a linphonerc, run with its own HOME).
 */

export interface BaresipConfigOptions {
  user: string;
  host: string;
  /** SIP port; baresip also binds TCP on sipPort + 1. */
  sipPort: number;
  ctrlPort: number;
  rtpFirst: number;
  rtpLast: number;
  /** Kamailio, the outbound proxy and registrar. */
  proxyPort: number;
  modulesDir: string;
  /** answermode=auto: the phone answers every call (a far end for tests). */
  autoAnswer?: boolean;
}

export function renderBaresipConfig(o: BaresipConfigOptions): string {
  return [
    'poll_method epoll',
    `sip_listen ${o.host}:${o.sipPort}`,
    'sip_trans_def udp',
    // else the SDP carries eth0's address
    `net_interface ${o.host}`,
    // no sound card: received audio goes to an in-process bridge; a sine source keeps the RTP
    // sender running, which RFC 4733 DTMF needs (aubridge as source sends nothing, so no DTMF)
    'audio_player aubridge,nil',
    'audio_alert aubridge,nil',
    'audio_source ausine,440',
    'ausrc_srate 48000',
    'ausrc_channels 2',
    `rtp_ports ${o.rtpFirst}-${o.rtpLast}`,
    `module_path ${o.modulesDir}`,
    'module g711.so',
    'module aubridge.so',
    'module ausine.so',
    'module_tmp uuid.so',
    'module_tmp account.so',
    'module_app contact.so',
    'module_app menu.so',
    'module_app ctrl_tcp.so',
    `ctrl_tcp_listen ${o.host}:${o.ctrlPort}`,
    '',
  ].join('\n');
}

export function renderBaresipAccounts(o: BaresipConfigOptions): string {
  const outbound = `sip:${o.host}:${o.proxyPort};transport=udp`;
  return `<sip:${o.user}@${o.host}>;outbound="${outbound}";regint=60;answermode=${o.autoAnswer ? 'auto' : 'manual'};audio_codecs=PCMU;mediaenc=;medianat=\n`;
}

export interface LinphoneConfigOptions {
  user: string;
  host: string;
  sipPort: number;
  rtpFirst: number;
  rtpLast: number;
  proxyPort: number;
  /** How the phone sends DTMF: SIP INFO (default: the proxy sees each digit and its answer) or RFC 4733 in the media. */
  dtmf?: 'info' | 'rfc4733';
}

export function renderLinphoneRc(o: LinphoneConfigOptions): string {
  const proxy = `<sip:${o.host}:${o.proxyPort};transport=udp>`;
  const info = (o.dtmf ?? 'info') === 'info';
  return `[sip]
sip_port=${o.sipPort}
sip_tcp_port=0
sip_tls_port=0
bind_address=${o.host}
use_ipv6=0
default_proxy=0
register_only_when_network_is_up=0
use_info=${info ? 1 : 0}
use_rfc2833=${info ? 0 : 1}

[proxy_0]
reg_proxy=${proxy}
reg_route=<sip:${o.host}:${o.proxyPort};transport=udp;lr>
reg_identity=sip:${o.user}@${o.host}
reg_expires=300
reg_sendregister=1
publish=0

[rtp]
audio_rtp_port=${o.rtpFirst}-${o.rtpLast}

[video]
enabled=0
capture=0
display=0

[sound]
echocancellation=0

[misc]
max_calls=4
`;
}
