/**
 * Renders the test bed's kamailio.cfg: registrar + proxy on loopback, `dialog` tracking, evapi
 * events for every call step, JSON-RPC over HTTP (`POST /RPC`) and over evapi, and the ACD
 * queue-hold pattern (queue numbers answered 182 Queued, suspended with t_suspend, routed by a
 * `{"cmd":"route",…}` evapi command from our server). docs/sip.md explains each piece.
 */

export interface KamailioConfigOptions {
  /** Folder for the ctl socket and RPC fifo (must exist). */
  runDir: string;
  host: string;
  /** SIP, UDP and TCP. */
  sipPort: number;
  /** JSON-RPC over HTTP (xhttp + jsonrpcs), `POST http://host:httpPort/RPC`. */
  httpPort: number;
  evapiPort: number;
  /** Request-URI users that are queue numbers (digits, letters, `-`, `_`, `.`). */
  queueNumbers: readonly string[];
  /** Longest time a call waits in a queue before the caller gets 480 (ms). */
  queueMaxWaitMs: number;
  /** How long a routed queue call rings at the agent before it goes back to the queue (ms). */
  agentRingMs: number;
  modulesDir: string;
  /** Browser phones: a WebSocket listener for SIP and media bridged by rtpengine (see webrtcParts). */
  webrtc?: KamailioWebrtcOptions | undefined;
}

export interface KamailioWebrtcOptions {
  /** SIP over WebSocket (ws://), always on for browser phones. */
  wsPort: number;
  rtpengineNgPort: number;
  /** SIP over WebSocket over TLS (wss://) as well: the tls module with this port and configuration file. */
  tls?: { wssPort: number; configFile: string } | undefined;
}

/** Escapes a queue number for the routing script's POSIX regex. */
function queuePattern(numbers: readonly string[]): string {
  for (const n of numbers) {
    if (!/^[A-Za-z0-9_.-]+$/.test(n)) throw new Error(`queue number ${JSON.stringify(n)} may only hold letters, digits, "_", "-", "."`);
  }
  if (numbers.length === 0) return '^$'; // matches no INVITE: every request has a user or none at all
  return `^(${numbers.map((n) => n.replace(/\./g, '\\\\.')).join('|')})$`;
}

/** A JSON string field in an evapi_relay template: `"name":"<escaped pv>"`. */
const s = (name: string, pv: string): string => `\\"${name}\\":\\"$(${pv}{s.escape.common})\\"`;

/**
 * What browser phones need, merged into the routing script: SIP over WebSocket (xhttp handshake,
 * `transport=ws` contacts fixed with nathelper's alias; with `tls`, over TLS as well: wss://) and media through rtpengine — DTLS-SRTP
 * with ICE towards the browser, plain RTP towards SIP phones. rtpengine is ICE-lite towards the
 * browser: as a full ICE agent it finishes ICE before the browser has the answer, and DTLS then
 * never completes on a call answered late.
 */
function webrtcParts(o: KamailioConfigOptions): Record<'globals' | 'modules' | 'params' | 'fromWs' | 'afterLooseRoute' | 'byeMedia' | 'cancelMedia' | 'branch' | 'replyMedia' | 'routes' | 'handshake', string> {
  const w = o.webrtc;
  if (!w) return { globals: '', modules: '', params: '', fromWs: '', afterLooseRoute: '', byeMedia: '', cancelMedia: '', branch: '', replyMedia: '', routes: '', handshake: '' };
  return {
    globals: `listen=tcp:${o.host}:${w.wsPort}
${w.tls ? `enable_tls=yes\nlisten=tls:${o.host}:${w.tls.wssPort}\n` : ''}# the WebSocket handshake is an HTTP GET without Content-Length
tcp_accept_no_cl=yes
tcp_connection_lifetime=3605
`,
    modules: `loadmodule "sdpops.so"
loadmodule "nathelper.so"
loadmodule "rtpengine.so"
loadmodule "websocket.so"
${w.tls ? 'loadmodule "tls.so"\n' : ''}`,
    params: `modparam("nathelper|registrar", "received_avp", "$avp(RECEIVED)")
modparam("nathelper", "natping_interval", 0)
# a browser that goes away (tab closed, no un-REGISTER) loses its registration with its WebSocket,
# at the next usrloc timer run
modparam("usrloc", "handle_lost_tcp", 1)
modparam("usrloc", "timer_interval", 2)
modparam("rtpengine", "rtpengine_sock", "udp:${o.host}:${w.rtpengineNgPort}")
modparam("websocket", "keepalive_mechanism", 0)
modparam("websocket", "sub_protocols", 1)
${w.tls ? `modparam("tls", "config", "${w.tls.configFile}")\n` : ''}`,
    // flag 10: the request came over WebSocket (a browser)
    fromWs: `	if (nat_uac_test("64")) {
		force_rport();
		if (is_method("REGISTER")) {
			fix_nated_register();
		} else if (!has_totag() || is_method("INVITE")) {
			add_contact_alias();
		}
		setflag(10);
	}
`,
    afterLooseRoute: `			handle_ruri_alias();
			if (is_method("INVITE|UPDATE")) { t_on_branch("MEDIA_BRANCH"); }
`,
    byeMedia: `				rtpengine_delete();
`,
    cancelMedia: `		if (t_check_trans()) { rtpengine_delete(); }
`,
    branch: `		t_on_branch("MEDIA_BRANCH");
`,
    replyMedia: `	if (nat_uac_test("64")) { add_contact_alias(); }
	if (has_body("application/sdp") && $rm == "INVITE") {
		# the answer goes back towards the request's sender
		if (isflagset(10)) { $var(ws_out) = 1; } else { $var(ws_out) = 0; }
		route(MEDIA_FLAGS);
		rtpengine_answer("$var(rflags)");
	}
`,
    routes: `
# rtpengine flags for a message leaving towards a browser ($var(ws_out) = 1) or a SIP phone
route[MEDIA_FLAGS] {
	if ($var(ws_out) == 1) {
		$var(rflags) = "trust-address replace-origin replace-session-connection ICE=force RTP/SAVPF rtcp-mux-offer rtcp-mux-require generate-mid DTLS=passive SDES-off";
	} else {
		$var(rflags) = "trust-address replace-origin replace-session-connection ICE=remove RTP/AVP rtcp-mux-demux DTLS=off SDES-off";
	}
}

# an offer on its way to one branch: the branch's destination decides the media flavour
branch_route[MEDIA_BRANCH] {
	if (!has_body("application/sdp")) { return; }
	if ($du =~ "transport=ws" || ($du == $null && $ru =~ "transport=ws")) { $var(ws_out) = 1; } else { $var(ws_out) = 0; }
	route(MEDIA_FLAGS);
	if ($var(ws_out) == 1) { $var(rflags) = $var(rflags) + " ICE-lite=forward"; }
	else if (isflagset(10)) { $var(rflags) = $var(rflags) + " ICE-lite=backward"; }
	rtpengine_offer("$var(rflags)");
}
`,
    handshake: `	if ($hdr(Upgrade) =~ "websocket" && $hdr(Connection) =~ "Upgrade" && $rm =~ "GET") {
		set_reply_close();
		set_reply_no_connect();
		if (ws_handle_handshake()) { exit; }
	}
`,
  };
}

export function renderKamailioConfig(o: KamailioConfigOptions): string {
  const w = webrtcParts(o);
  const ms = (v: number): number => Math.max(1000, Math.round(v));
  const queueIds = `${s('tindex', 'T(id_index)')},${s('tlabel', 'T(id_label)')}`;
  const queued = (extra: string): string =>
    `evapi_relay("{\\"ev\\":\\"queued\\",${extra}${queueIds},${s('callid', 'ci')},${s('queue', 'rU')},${s('from', 'fu')}}");`;
  return `#!KAMAILIO
# Generated by src/server/sip/testbed/kamailio-config.ts for the SIP test bed. Loopback only.
debug=2
log_stderror=yes
children=2
tcp_children=2
disable_tcp=no
auto_aliases=no
listen=udp:${o.host}:${o.sipPort}
listen=tcp:${o.host}:${o.sipPort}
listen=tcp:${o.host}:${o.httpPort}
${w.globals}# NO alias= line: it makes every ${o.host} URI "myself", and in-dialog ACK/BYE loop back.
mpath="${o.modulesDir}"

loadmodule "kex.so"
loadmodule "corex.so"
loadmodule "tm.so"
loadmodule "tmx.so"
loadmodule "sl.so"
loadmodule "rr.so"
loadmodule "pv.so"
loadmodule "maxfwd.so"
loadmodule "usrloc.so"
loadmodule "registrar.so"
loadmodule "textops.so"
loadmodule "siputils.so"
loadmodule "xlog.so"
loadmodule "sanity.so"
loadmodule "ctl.so"
loadmodule "htable.so"
loadmodule "json.so"
loadmodule "xhttp.so"
loadmodule "jsonrpcs.so"
loadmodule "dialog.so"
loadmodule "evapi.so"
${w.modules}
modparam("ctl", "binrpc", "unix:${o.runDir}/kamailio_ctl")
modparam("jsonrpcs", "fifo_name", "${o.runDir}/kamailio_rpc.fifo")
modparam("jsonrpcs", "pretty_format", 0)
modparam("jsonrpcs", "transport", 7)
modparam("usrloc", "db_mode", 0)
modparam("registrar", "max_expires", 300)
modparam("registrar", "gruu_enabled", 0)
modparam("rr", "append_fromtag", 1)
modparam("dialog", "enable_stats", 1)
modparam("dialog", "dlg_match_mode", 1)
modparam("dialog", "track_cseq_updates", 1)
modparam("dialog", "bridge_controller", "sip:cti@${o.host}")
modparam("evapi", "bind_addr", "${o.host}:${o.evapiPort}")
modparam("evapi", "workers", 1)
${w.params}# target chosen by our server for a queued call, keyed "tindex:tlabel"
modparam("htable", "htable", "acd=>size=8;autoexpire=3600;")
modparam("pv", "shvset", "acd_clients=i:0")
# a transaction's lifetime cap must exceed the longest queue wait (default 180 s)
modparam("tm", "max_inv_lifetime", ${ms(o.queueMaxWaitMs + o.agentRingMs + 60000)})

request_route {
	if (!mf_process_maxfwd_header("10")) { sl_send_reply("483","Too Many Hops"); exit; }
	if (!sanity_check("17767", "7")) { xlog("L_WARN", "sanity failed $rm from $si:$sp\\n"); exit; }
${w.fromWs}
	if (is_method("REGISTER")) {
		if (!save("location")) { sl_reply_error(); }
		evapi_relay("{\\"ev\\":\\"register\\",${s('aor', 'tu')},${s('contact', 'ct')},${s('expires', 'hdr(Expires)')}}");
		exit;
	}

	if (has_totag()) {
		if (loose_route()) {
${w.afterLooseRoute}			# a re-INVITE or INFO is confirmed by its final reply (INDIALOG_REPLY, same callid, by and cseq)
			if (is_method("INVITE")) {
				if (search_body("a=sendonly") || search_body("a=inactive")) {
					evapi_relay("{\\"ev\\":\\"hold\\",${s('callid', 'ci')},${s('by', 'fu')},${s('cseq', 'cs')}}");
				} else if (has_body("application/sdp")) {
					evapi_relay("{\\"ev\\":\\"resume\\",${s('callid', 'ci')},${s('by', 'fu')},${s('cseq', 'cs')}}");
				}
				t_on_reply("INDIALOG_REPLY");
			}
			if (is_method("INFO")) {
				evapi_relay("{\\"ev\\":\\"info\\",${s('callid', 'ci')},${s('by', 'fu')},${s('cseq', 'cs')},${s('contentType', 'cT')},${s('signal', 'rb{line.sw,Signal=}{s.substr,7,0}{s.trim}')}}");
				t_on_reply("INDIALOG_REPLY");
			}
			if (is_method("REFER")) {
				evapi_relay("{\\"ev\\":\\"refer\\",${s('callid', 'ci')},${s('by', 'fu')},${s('referTo', 'hdr(Refer-To)')}}");
				t_on_reply("INDIALOG_REPLY");
			}
			if (is_method("BYE")) {
				evapi_relay("{\\"ev\\":\\"bye\\",${s('callid', 'ci')},${s('by', 'fu')}}");
${w.byeMedia}			}
			route(RELAY);
		}
		if (is_method("ACK")) {
			if (t_check_trans()) { route(RELAY); }
			exit;
		}
		sl_send_reply("404","Not here");
		exit;
	}

	if (is_method("CANCEL")) {
		# a CANCEL of a queued (suspended) INVITE runs no failure route: this is where we learn of it
		evapi_relay("{\\"ev\\":\\"cancel\\",${s('callid', 'ci')},${s('by', 'fu')}}");
${w.cancelMedia}		if (t_check_trans()) { route(RELAY); }
		exit;
	}
	if (!is_method("ACK")) { if (t_precheck_trans()) { t_check_trans(); exit; } t_check_trans(); }

	remove_hf("Route");
	if (is_method("INVITE|SUBSCRIBE|REFER")) { record_route(); }

	if (is_method("INVITE")) {
		dlg_manage();
		evapi_relay("{\\"ev\\":\\"invite\\",${s('callid', 'ci')},${s('from', 'fu')},${s('to', 'tu')},${s('ruri', 'ru')},${s('replaces', 'hdr(Replaces)')}}");
		if ($rU =~ "${queuePattern(o.queueNumbers)}") {
			route(QUEUE);
			exit;
		}
		t_on_reply("CALL_REPLY");
${w.branch}	}

	if (!lookup("location")) {
		if (is_method("INVITE")) {
			evapi_relay("{\\"ev\\":\\"failed\\",${s('callid', 'ci')},\\"code\\":404}");
		}
		sl_send_reply("404", "Not Found");
		exit;
	}
	route(RELAY);
}

route[RELAY] {
	if (!t_relay()) { sl_reply_error(); }
	exit;
}

# replies to an initial INVITE (a direct call, or a queue call routed to an agent)
onreply_route[CALL_REPLY] {
${w.replyMedia}	if ($rs =~ "^1[0-9][0-9]$" && $rs != 100) {
		evapi_relay("{\\"ev\\":\\"ringing\\",${s('callid', 'ci')},\\"code\\":$rs,${s('contact', 'ct')}}");
	} else if ($rs =~ "^2[0-9][0-9]$") {
		evapi_relay("{\\"ev\\":\\"answered\\",${s('callid', 'ci')},\\"code\\":$rs,${s('contact', 'ct')}}");
	} else if ($rs >= 300) {
		evapi_relay("{\\"ev\\":\\"failed\\",${s('callid', 'ci')},\\"code\\":$rs,${s('reason', 'rr')}}");
	}
}

# final replies to re-INVITE (hold/resume), INFO (DTMF) and REFER inside a dialog
onreply_route[INDIALOG_REPLY] {
${w.replyMedia}	if ($rs >= 200) {
		evapi_relay("{\\"ev\\":\\"indialog-reply\\",${s('callid', 'ci')},${s('method', 'rm')},\\"code\\":$rs,${s('by', 'fu')},${s('cseq', 'cs')}}");
	}
}

# ---------- ACD queue hold: 182 Queued, suspend, wait for {"cmd":"route"} from our server ----------
route[QUEUE] {
	if (!t_newtran()) { sl_reply_error(); exit; }
	# no server connected to evapi: refuse at once instead of holding a call nobody knows about
	if ($shv(acd_clients) <= 0) {
		evapi_relay("{\\"ev\\":\\"failed\\",${s('callid', 'ci')},\\"code\\":503}");
		t_reply("503", "ACD Offline");
		exit;
	}
	t_reply("182", "Queued");
	# max wait = fr_timer, the 2nd value (a suspended branch never gets a provisional reply)
	t_set_fr(${ms(o.queueMaxWaitMs)}, ${ms(o.queueMaxWaitMs)});
	t_on_failure("QUEUE_FAIL");
	if (!t_suspend()) { t_reply("500", "Suspend Failed"); exit; }
	${queued('')}
	exit;
}

# run by t_continue() once our server has chosen an agent (or a final reply)
route[QUEUE_RESUME] {
	$var(target) = $sht(acd=>$T(id_index):$T(id_label));
	$sht(acd=>$T(id_index):$T(id_label)) = $null;
	if (t_is_canceled()) { exit; }
	if ($var(target) =~ "^reject:") {
		$var(rc) = $(var(target){s.substr,7,3}{s.int});
		evapi_relay("{\\"ev\\":\\"failed\\",${s('callid', 'ci')},\\"code\\":$var(rc)}");
		t_reply("$var(rc)", "Rejected By ACD");
		exit;
	}
	if ($var(target) =~ "^dst:") {
		$ru = $(var(target){s.substr,4,0});
	} else {
		$ru = $var(target);
		if (!lookup("location")) {
			evapi_relay("{\\"ev\\":\\"route-failed\\",${s('callid', 'ci')},\\"reason\\":\\"not registered\\",${s('target', 'var(target)')}}");
			t_reply("480", "Agent Not Registered");
			exit;
		}
	}
	t_set_fr(${ms(o.agentRingMs)}, 5000);
	t_on_reply("CALL_REPLY");
	t_on_failure("AGENT_FAIL");
${w.branch}	if (!t_relay()) { t_reply("500", "Relay Failed"); exit; }
	evapi_relay("{\\"ev\\":\\"routed\\",${s('callid', 'ci')},${s('ruri', 'ru')}}");
}

# the queue wait ended without a route command (max wait); NOT run when the caller cancels
failure_route[QUEUE_FAIL] {
	$var(canceled) = "false";
	if (t_is_canceled()) { $var(canceled) = "true"; }
	evapi_relay("{\\"ev\\":\\"queue-ended\\",${s('callid', 'ci')},${queueIds},\\"code\\":$T_reply_code,\\"canceled\\":$var(canceled)}");
	if (t_is_canceled()) { exit; }
	t_reply("480", "No Agent Available");
}

# the chosen agent rejected or did not answer (or the caller cancelled while it rang)
failure_route[AGENT_FAIL] {
	$var(canceled) = "false";
	if (t_is_canceled()) { $var(canceled) = "true"; }
	evapi_relay("{\\"ev\\":\\"agent-failed\\",${s('callid', 'ci')},\\"code\\":$T_reply_code,\\"canceled\\":$var(canceled)}");
	if (t_is_canceled()) { exit; }
	# back into the queue: suspend the same transaction again
	t_set_fr(${ms(o.queueMaxWaitMs)}, ${ms(o.queueMaxWaitMs)});
	t_on_failure("QUEUE_FAIL");
	if (!t_suspend()) { t_reply("480", "No Agent Available"); exit; }
	${queued('\\"requeued\\":true,')}
}

# $dlg(callid), not $ci: a dialog ended by RPC (dlg.terminate_dlg) runs these on a faked message
event_route[dialog:start] {
	evapi_relay("{\\"ev\\":\\"dialog-start\\",${s('callid', 'dlg(callid)')},${s('from', 'fu')},${s('to', 'tu')}}");
}
event_route[dialog:end] {
	evapi_relay("{\\"ev\\":\\"dialog-end\\",${s('callid', 'dlg(callid)')}}");
}
event_route[dialog:failed] {
	evapi_relay("{\\"ev\\":\\"dialog-failed\\",${s('callid', 'dlg(callid)')}}");
}

event_route[evapi:connection-new] {
	$shv(acd_clients) = $shv(acd_clients) + 1;
}
event_route[evapi:connection-closed] {
	$shv(acd_clients) = $shv(acd_clients) - 1;
}

event_route[evapi:message-received] {
	# $var() keeps its value between messages: reset before parsing
	$var(cmd) = "";
	json_get_string("$evapi(msg)", "cmd", "$var(cmd)");
	if ($var(cmd) == "route" || $var(cmd) == "reject") {
		$var(ti) = 0; $var(tl) = 0;
		json_get_string("$evapi(msg)", "tindex", "$var(ti)");
		json_get_string("$evapi(msg)", "tlabel", "$var(tl)");
		# t_continue() needs integers
		$var(ti) = $(var(ti){s.int});
		$var(tl) = $(var(tl){s.int});
		$var(tg) = ""; $var(dst) = "";
		json_get_string("$evapi(msg)", "target", "$var(tg)");
		json_get_string("$evapi(msg)", "dst", "$var(dst)");
		if ($var(dst) != "") { $var(tg) = "dst:" + $var(dst); }
		if ($var(cmd) == "reject") { $var(tg) = "reject:" + $var(tg); }
		$sht(acd=>$var(ti):$var(tl)) = $var(tg);
		if (!t_continue("$var(ti)", "$var(tl)", "QUEUE_RESUME")) {
			$sht(acd=>$var(ti):$var(tl)) = $null;
			evapi_relay("{\\"ev\\":\\"continue-failed\\",\\"tindex\\":\\"$var(ti)\\",\\"tlabel\\":\\"$var(tl)\\"}");
		}
		exit;
	}
	# anything else is a JSON-RPC request, answered on the same socket
	jsonrpc_exec("$evapi(msg)");
	evapi_relay("{\\"ev\\":\\"rpc-result\\",\\"result\\":$jsonrpl(body)}");
}

${w.routes}
event_route[xhttp:request] {
${w.handshake}	if ($hu =~ "^/RPC") { jsonrpc_dispatch(); } else { xhttp_reply("404", "Not Found", "text/plain", "not found"); }
}
`;
}
