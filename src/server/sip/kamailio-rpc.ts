/**
 * Kamailio's RPC interface over HTTP (`xhttp` + `jsonrpcs`, `POST http://host:port/RPC`):
 * calls in progress (dlg.list), server-side hang-up (dlg.terminate_dlg), server-side make call
 * (dlg.bridge_dlg, 3PCC through the `bridge_controller` address) and registrations (ul.dump).
 */
import { SipControlError } from './errors.js';

/** One dialog from dlg.list, reduced to what our server needs. */
export interface KamailioDialog {
  callId: string;
  fromUri: string;
  fromTag: string;
  toUri: string;
  toTag: string;
  /** 1 unconfirmed, 2 early, 3 confirmed (no ACK yet), 4 confirmed, 5 deleted. */
  state: number;
  hashEntry: number;
  hashId: number;
  raw: Record<string, unknown>;
}

/** One registered contact from ul.dump. */
export interface KamailioContact {
  aor: string;
  address: string;
  expires: number;
  userAgent: string | undefined;
}

export interface KamailioRpcOptions {
  /** e.g. http://127.0.0.1:5080/RPC */
  url: string;
  timeoutMs?: number;
}

interface JsonRpcReply {
  result?: unknown;
  error?: { code?: number; message?: string };
}

export class KamailioRpc {
  readonly url: string;
  readonly endpoint: string;
  private readonly timeoutMs: number;
  private nextId = 1;

  constructor(options: KamailioRpcOptions) {
    this.url = options.url;
    this.endpoint = `Kamailio JSON-RPC ${options.url}`;
    this.timeoutMs = options.timeoutMs ?? 3000;
  }

  /** Runs any RPC; resolves with its `result`. */
  async call<T = unknown>(method: string, params: unknown[] = []): Promise<T> {
    let response: Response;
    try {
      response = await fetch(this.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ jsonrpc: '2.0', method, params, id: this.nextId++ }),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (err) {
      const cause = (err as { cause?: { code?: string } }).cause;
      if (cause?.code === 'ECONNREFUSED') {
        throw new SipControlError('connect', this.endpoint, 'connection refused (is Kamailio running?)', { cause: err });
      }
      if ((err as Error).name === 'TimeoutError') {
        throw new SipControlError('timeout', this.endpoint, `no answer to ${method} within ${this.timeoutMs} ms`, { cause: err });
      }
      throw new SipControlError('connect', this.endpoint, `${method}: ${(err as Error).message}`, { cause: err });
    }
    const text = await response.text();
    let reply: JsonRpcReply;
    try {
      reply = JSON.parse(text) as JsonRpcReply;
    } catch {
      throw new SipControlError('protocol', this.endpoint, `${method}: HTTP ${response.status}, not JSON: ${text.slice(0, 200)}`);
    }
    if (reply.error) {
      throw new SipControlError('rejected', this.endpoint, `${method}: error ${reply.error.code ?? ''} ${reply.error.message ?? ''}`.trim());
    }
    return reply.result as T;
  }

  /** Calls in progress, as tracked by the dialog module. */
  async dlgList(): Promise<KamailioDialog[]> {
    const result = await this.call<unknown>('dlg.list');
    return (Array.isArray(result) ? result : []).map((d) => toDialog(d as Record<string, unknown>));
  }

  /** Hangs up a call from the server: BYE to both sides. */
  async terminateDlg(callId: string, fromTag: string, toTag: string): Promise<void> {
    await this.call('dlg.terminate_dlg', [callId, fromTag, toTag]);
  }

  /** Hangs up the confirmed dialog with this Call-ID (looked up with dlg.list). */
  async terminateByCallId(callId: string): Promise<void> {
    const dialog = (await this.dlgList()).find((d) => d.callId === callId);
    if (!dialog) throw new SipControlError('rejected', this.endpoint, `no dialog with Call-ID ${JSON.stringify(callId)}`);
    await this.terminateDlg(dialog.callId, dialog.fromTag, dialog.toTag);
  }

  /**
   * Server-side make call (3PCC): Kamailio calls `fromUri` as the `bridge_controller`, then
   * refers it to `toUri`. `proxyUri` is where Kamailio sends its INVITE (normally itself).
   */
  async bridgeDlg(fromUri: string, toUri: string, proxyUri?: string): Promise<void> {
    await this.call('dlg.bridge_dlg', proxyUri === undefined ? [fromUri, toUri] : [fromUri, toUri, proxyUri]);
  }

  /** Registered contacts (usrloc `location` table). */
  async ulDump(): Promise<KamailioContact[]> {
    const result = await this.call<unknown>('ul.dump');
    return parseUlDump(result);
  }

  /** Users (AoR user parts) with at least one registered contact. */
  async registeredUsers(): Promise<Set<string>> {
    return new Set((await this.ulDump()).map((c) => c.aor));
  }
}

const str = (v: unknown): string => (typeof v === 'string' ? v : v === undefined || v === null ? '' : String(v));
const num = (v: unknown): number => (typeof v === 'number' ? v : Number(v ?? NaN));

function toDialog(d: Record<string, unknown>): KamailioDialog {
  const caller = (d.caller ?? {}) as Record<string, unknown>;
  const callee = (d.callee ?? {}) as Record<string, unknown>;
  return {
    callId: str(d['call-id'] ?? d.call_id),
    fromUri: str(d.from_uri),
    fromTag: str(caller.tag),
    toUri: str(d.to_uri),
    toTag: str(callee.tag),
    state: num(d.state),
    hashEntry: num(d.h_entry),
    hashId: num(d.h_id),
    raw: d,
  };
}

/** ul.dump: {Domains:[{Domain:{Domain, AoRs:[{Info:{AoR, Contacts:[{Contact:{Address, Expires, User-Agent…}}]}}]}}]} */
export function parseUlDump(result: unknown): KamailioContact[] {
  const contacts: KamailioContact[] = [];
  const domains = (result as { Domains?: unknown[] } | undefined)?.Domains ?? [];
  for (const entry of domains) {
    const aors = ((entry as { Domain?: { AoRs?: unknown[] } }).Domain?.AoRs ?? []) as Array<{ Info?: Record<string, unknown> }>;
    for (const aorEntry of aors) {
      const info = aorEntry.Info ?? {};
      const aor = str(info.AoR);
      for (const c of (info.Contacts ?? []) as Array<{ Contact?: Record<string, unknown> }>) {
        const contact = c.Contact ?? {};
        contacts.push({
          aor,
          address: str(contact.Address),
          expires: num(contact.Expires),
          userAgent: contact['User-Agent'] === undefined ? undefined : str(contact['User-Agent']),
        });
      }
    }
  }
  return contacts;
}
