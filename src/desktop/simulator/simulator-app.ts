/**
 * `<opencti-simulator>`: the caller simulator page. With the server's admin token (printed by
 * `npm start`, kept in this tab's sessionStorage) it places inbound calls to a queue or an
 * extension with an ANI and call data, shows queues, waiting callers and calls (polled every
 * second), hangs up as the caller, and makes the far end of an outbound call answer or be busy.
 */
import { LitElement, css, html } from 'lit';
import { CtiError } from '../../framework/errors/cti-error.js';
import { RestClient } from '../api/rest.js';
import type { QueueView, SwitchCall } from '../api/types.js';
import { formatDuration } from '../components/format.js';
import { baseStyles } from '../components/styles.js';

const TOKEN_KEY = 'opencti.simulator.adminToken';
const POLL_MS = 1000;

/** Seeded callers, to pick from. */
const CALLERS = [
  { number: '+12025550101', label: 'Jane Smith' },
  { number: '+12025550102', label: 'John Carter' },
  { number: '+12025550123', label: 'Maria and Luis Garcia (shared line)' },
  { number: '+442079460958', label: 'Yuki Tanaka' },
  { number: '+12025550199', label: 'nobody (unknown caller)' },
];

/** "key=value" lines into call data; blank lines are skipped. */
export function parseCallData(text: string): Record<string, string> {
  const data: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const trimmed = line.trim();
    if (!trimmed) continue;
    const at = trimmed.indexOf('=');
    if (at <= 0) throw new CtiError('OPENCTI_INVALID_ACTION', `call data line "${trimmed}" is not key=value`);
    data[trimmed.slice(0, at).trim()] = trimmed.slice(at + 1).trim();
  }
  return data;
}

export class SimulatorApp extends LitElement {
  static override properties = {
    _token: { state: true },
    _calls: { state: true },
    _queues: { state: true },
    _error: { state: true },
    _status: { state: true },
    _now: { state: true },
  };
  static override styles = [
    baseStyles,
    css`
      :host {
        max-width: 1200px;
        margin: 0 auto;
        padding: 0.75rem;
        --cti-accent: #7a4b00;
      }
      h1 {
        font-size: 1.25rem;
      }
      section {
        margin-bottom: 1rem;
      }
      .grid {
        display: grid;
        gap: 0.9rem;
        grid-template-columns: minmax(0, 1fr);
      }
      @media (min-width: 900px) {
        .grid {
          grid-template-columns: minmax(0, 2fr) minmax(0, 3fr);
          align-items: start;
        }
      }
      table {
        border-collapse: collapse;
        width: 100%;
        font-size: 0.9rem;
      }
      th,
      td {
        text-align: left;
        padding: 0.35rem 0.4rem;
        border-bottom: 1px solid var(--cti-border);
        vertical-align: top;
      }
      .table-wrap {
        overflow-x: auto;
      }
      textarea {
        width: 100%;
      }
      .error {
        background: #fdecea;
        border: 1px solid #f1aeb5;
        color: #5f0f0a;
        padding: 0.5rem 0.75rem;
        border-radius: var(--cti-radius);
      }
      .actions {
        display: flex;
        flex-wrap: wrap;
        gap: 0.3rem;
      }
      .actions button {
        min-height: 1.9rem;
        padding: 0.1rem 0.5rem;
      }
    `,
  ];

  declare _token: string;
  declare _calls: readonly SwitchCall[];
  declare _queues: readonly QueueView[];
  declare _error: string;
  declare _status: string;
  declare _now: number;
  readonly #rest = new RestClient({ token: () => this._token });
  #timer: ReturnType<typeof setInterval> | undefined;

  constructor() {
    super();
    this._token = sessionStorage.getItem(TOKEN_KEY) ?? '';
    this._calls = [];
    this._queues = [];
    this._error = '';
    this._status = '';
    this._now = Date.now();
  }

  override connectedCallback(): void {
    super.connectedCallback();
    this.#timer = setInterval(() => void this.#refresh(), POLL_MS);
    void this.#refresh();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    if (this.#timer) clearInterval(this.#timer);
  }

  override render() {
    return html`
      <header class="row" style="justify-content:space-between;align-items:center">
        <h1>OpenCTI caller simulator</h1>
        <a href="/">CSR desktop</a>
      </header>
      <p class="visually-hidden" role="status" aria-live="polite">${this._status}</p>
      <div role="alert">${this._error ? html`<p class="error">${this._error}</p>` : ''}</div>
      ${this.#tokenForm()}
      <div class="grid">
        <div>
          ${this.#placeCall()}
          ${this.#farEnds()}
        </div>
        <div>
          ${this.#queueTable()}
          ${this.#callTable()}
        </div>
      </div>
    `;
  }

  #tokenForm() {
    return html`<section class="card" aria-label="Simulator access">
      <form class="row" @submit=${this.#saveToken}>
        <div class="field" style="flex:1 1 18rem">
          <label for="token">Admin token (printed by <code>npm start</code>)</label>
          <input id="token" name="token" type="password" autocomplete="off" .value=${this._token} />
        </div>
        <button type="submit">${this._token ? 'Change token' : 'Use token'}</button>
      </form>
    </section>`;
  }

  #placeCall() {
    const queues = this._queues;
    return html`<section class="card" aria-labelledby="place-title">
      <h2 id="place-title">Place an inbound call</h2>
      <form @submit=${this.#place}>
        <div class="row">
          <div class="field">
            <label for="from">Caller number (ANI)</label>
            <input id="from" name="from" list="callers" required autocomplete="off" value="+12025550101" />
            <datalist id="callers">${CALLERS.map((c) => html`<option value=${c.number}>${c.label}</option>`)}</datalist>
          </div>
          <div class="field">
            <label for="to">Dialled number (queue DNIS or extension)</label>
            <input id="to" name="to" list="destinations" required autocomplete="off" value=${queues[0]?.dnis ?? '8000'} />
            <datalist id="destinations">${queues.map((q) => html`<option value=${q.dnis}>queue ${q.name}</option>`)}</datalist>
          </div>
        </div>
        <div class="field" style="margin-top:0.5rem">
          <label for="data">Call data (one key=value per line)</label>
          <textarea id="data" name="data" rows="3" placeholder="reason=billing&#10;orderId=A-1234"></textarea>
        </div>
        <div class="row" style="margin-top:0.5rem"><button type="submit" ?disabled=${!this._token}>Place call</button></div>
      </form>
    </section>`;
  }

  #farEnds() {
    return html`<section class="card" aria-labelledby="farend-title">
      <h2 id="farend-title">Outside numbers</h2>
      <p class="muted">How an outside number behaves when an agent calls it.</p>
      <form class="row" @submit=${this.#setFarEnd}>
        <div class="field">
          <label for="farend-number">Number</label>
          <input id="farend-number" name="number" required inputmode="tel" autocomplete="off" />
        </div>
        <div class="field">
          <label for="farend-behaviour">Behaviour</label>
          <select id="farend-behaviour" name="behaviour">
            <option value="ring">Rings until told</option>
            <option value="answer">Answers</option>
            <option value="busy">Is busy</option>
          </select>
        </div>
        <button type="submit" class="secondary" ?disabled=${!this._token}>Set</button>
      </form>
    </section>`;
  }

  #queueTable() {
    return html`<section class="card" aria-labelledby="queues-title">
      <h2 id="queues-title">Queues</h2>
      <div class="table-wrap">
        <table aria-labelledby="queues-title">
          <thead><tr><th scope="col">Queue</th><th scope="col">DNIS</th><th scope="col">Waiting callers</th><th scope="col">Ready agents</th></tr></thead>
          <tbody>
            ${this._queues.map(
              (q) => html`<tr>
                <td>${q.name}</td>
                <td>${q.dnis}</td>
                <td>${q.waiting.length === 0 ? '0' : q.waiting.map((w) => `${w.ani} (${formatDuration(this._now - w.since)})`).join(', ')}</td>
                <td>${q.readyAgents.join(', ') || '—'}</td>
              </tr>`,
            )}
          </tbody>
        </table>
      </div>
    </section>`;
  }

  #callTable() {
    return html`<section class="card" aria-labelledby="calls-title">
      <h2 id="calls-title">Calls <span class="badge">${this._calls.length}</span></h2>
      <div class="table-wrap">
        <table aria-labelledby="calls-title">
          <thead>
            <tr><th scope="col">Call</th><th scope="col">From → to</th><th scope="col">State</th><th scope="col">Parties</th><th scope="col">Time</th><th scope="col">Actions</th></tr>
          </thead>
          <tbody>
            ${this._calls.length === 0 ? html`<tr><td colspan="6" class="muted">No calls in progress.</td></tr>` : ''}
            ${this._calls.map(
              (c) => html`<tr aria-label=${`Call ${c.callId} from ${c.ani}`}>
                <td>${c.callId}</td>
                <td>${c.ani} → ${c.dnis}${c.queue ? html`<br /><span class="muted">queue ${c.queue}</span>` : ''}</td>
                <td>${c.state}${c.dtmf ? html`<br /><span class="muted">tones ${c.dtmf}</span>` : ''}</td>
                <td>${c.parties.join(', ')}</td>
                <td>${formatDuration(this._now - c.startedAt)}</td>
                <td class="actions">
                  <button class="danger" aria-label=${`Hang up call ${c.callId} as the caller`} @click=${() => this.#action(c.callId, 'hangup', 'Caller hung up')}>Hang up</button>
                  <button class="secondary" aria-label=${`Far end answers call ${c.callId}`} @click=${() => this.#action(c.callId, 'answer', 'Far end answered')}>Answer</button>
                  <button class="secondary" aria-label=${`Far end busy on call ${c.callId}`} @click=${() => this.#action(c.callId, 'busy', 'Far end busy')}>Busy</button>
                </td>
              </tr>`,
            )}
          </tbody>
        </table>
      </div>
    </section>`;
  }

  async #refresh(): Promise<void> {
    this._now = Date.now();
    if (!this._token) return;
    try {
      const [calls, queues] = await Promise.all([this.#rest.get<SwitchCall[]>('/api/calls'), this.#rest.get<QueueView[]>('/api/queues')]);
      this._calls = calls;
      this._queues = queues;
      if (this._error.startsWith('Refresh')) this._error = '';
    } catch (error) {
      this._error = `Refresh failed: ${messageOf(error)}`;
    }
  }

  #saveToken(event: SubmitEvent): void {
    event.preventDefault();
    const value = String(new FormData(event.target as HTMLFormElement).get('token') ?? '').trim();
    this._token = value;
    sessionStorage.setItem(TOKEN_KEY, value);
    this._error = '';
    void this.#refresh();
  }

  async #place(event: SubmitEvent): Promise<void> {
    event.preventDefault();
    const form = new FormData(event.target as HTMLFormElement);
    await this.#try(async () => {
      const data = parseCallData(String(form.get('data') ?? ''));
      const from = String(form.get('from') ?? '').trim();
      const to = String(form.get('to') ?? '').trim();
      const { callId } = await this.#rest.post<{ callId: string }>('/api/calls', { from, to, ...(Object.keys(data).length ? { data } : {}) });
      this._status = `Call ${callId} placed from ${from} to ${to}`;
    });
  }

  async #setFarEnd(event: SubmitEvent): Promise<void> {
    event.preventDefault();
    const form = new FormData(event.target as HTMLFormElement);
    const number = String(form.get('number') ?? '').trim();
    const behaviour = String(form.get('behaviour') ?? 'ring');
    await this.#try(async () => {
      await this.#rest.put(`/api/far-ends/${encodeURIComponent(number)}`, { behaviour });
      this._status = `${number} now: ${behaviour}`;
    });
  }

  async #action(callId: string, verb: 'hangup' | 'answer' | 'busy', done: string): Promise<void> {
    await this.#try(async () => {
      await this.#rest.post(`/api/calls/${encodeURIComponent(callId)}/${verb}`);
      this._status = `${done}: call ${callId}`;
    });
  }

  async #try(run: () => Promise<void>): Promise<void> {
    try {
      await run();
      this._error = '';
      await this.#refresh();
    } catch (error) {
      this._error = messageOf(error);
    }
  }
}

function messageOf(error: unknown): string {
  if (error instanceof CtiError) return `${error.localizedMessage} (${error.errMessage})`;
  return error instanceof Error ? error.message : String(error);
}

customElements.define('opencti-simulator', SimulatorApp);
