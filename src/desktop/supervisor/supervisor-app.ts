/**
 * `<opencti-supervisor>`: the supervisor page at /supervisor. A supervisor logs in with their
 * agent id and password; the wallboard follows the server's stats frames; the force form puts an
 * agent Not Ready or logs them out, with a reason the agent's desktop shows.
 */
import { LitElement, css, html } from 'lit';
import { baseStyles } from '../components/styles.js';
import { SupervisorError, SupervisorLink, type Stats } from './supervisor-link.js';
import './wallboard.js';

const describe = (error: unknown): string =>
  error instanceof SupervisorError ? `${error.errMessage} (${error.errCode})` : error instanceof Error ? error.message : String(error);

export class SupervisorApp extends LitElement {
  static override properties = {
    _who: { state: true },
    _stats: { state: true },
    _skew: { state: true },
    _status: { state: true },
    _error: { state: true },
    _busy: { state: true },
  };
  static override styles = [
    baseStyles,
    css`
      :host {
        max-width: 1200px;
        margin: 0 auto;
        padding: 0.75rem;
      }
      h1 {
        font-size: 1.25rem;
      }
      form,
      section {
        background: var(--cti-surface);
        border: 1px solid var(--cti-border);
        border-radius: var(--cti-radius);
        padding: 0.75rem;
        margin-bottom: 1rem;
      }
      .row {
        display: flex;
        flex-wrap: wrap;
        gap: 0.5rem;
        align-items: end;
      }
      .field {
        display: flex;
        flex-direction: column;
        gap: 0.2rem;
      }
      [role='alert'] {
        color: var(--cti-danger);
      }
    `,
  ];
  declare _who: { agentId: string; extension: string } | undefined;
  declare _stats: Stats | undefined;
  declare _skew: number;
  declare _status: string;
  declare _error: string;
  declare _busy: boolean;
  #link: SupervisorLink | undefined;

  constructor() {
    super();
    this._who = undefined;
    this._stats = undefined;
    this._skew = 0;
    this._status = '';
    this._error = '';
    this._busy = false;
  }

  override render() {
    return html`
      <h1>Supervisor</h1>
      ${this._who ? this.#board(this._who) : this.#loginForm()}
      <p role="status" aria-live="polite">${this._status}</p>
      ${this._error ? html`<p role="alert">${this._error}</p>` : ''}
    `;
  }

  #loginForm() {
    return html`<form aria-label="Supervisor login" @submit=${this.#login}>
      <div class="row">
        <div class="field"><label for="agent">Agent ID</label><input id="agent" name="agentId" autocomplete="username" required /></div>
        <div class="field"><label for="password">Password</label><input id="password" name="password" type="password" autocomplete="current-password" required /></div>
        <div class="field"><label for="extension">Extension (optional)</label><input id="extension" name="extension" /></div>
        <button type="submit" ?disabled=${this._busy}>Log in</button>
      </div>
    </form>`;
  }

  #board(who: { agentId: string; extension: string }) {
    const agents = this._stats?.agents.filter((a) => a.agentId !== who.agentId) ?? [];
    return html`
      <div class="row">
        <p>Logged in as <strong>${who.agentId}</strong> on ${who.extension}</p>
        <button type="button" class="secondary" @click=${this.#logout}>Log out</button>
      </div>
      <section aria-label="Wallboard">
        <opencti-wallboard .stats=${this._stats} skewMs=${this._skew}></opencti-wallboard>
      </section>
      <form aria-label="Force an agent" @submit=${(e: Event) => e.preventDefault()}>
        <div class="row">
          <div class="field">
            <label for="target">Agent</label>
            <select id="target" name="target">
              ${agents.filter((a) => a.state !== 'Logout').map((a) => html`<option value=${a.agentId}>${a.agentId}</option>`)}
            </select>
          </div>
          <div class="field"><label for="reason">Reason</label><input id="reason" name="reason" maxlength="64" /></div>
          <button type="button" ?disabled=${this._busy} @click=${() => this.#force('NotReady')}>Force Not Ready</button>
          <button type="button" class="secondary" ?disabled=${this._busy} @click=${() => this.#force('Logout')}>Force log out</button>
        </div>
      </form>
    `;
  }

  async #login(event: SubmitEvent): Promise<void> {
    event.preventDefault();
    const form = new FormData(event.target as HTMLFormElement);
    const link = new SupervisorLink(location.origin, {
      stats: (stats) => {
        this._skew = stats.asOf - Date.now();
        this._stats = stats;
      },
      closed: (why) => {
        this.#link = undefined;
        this._who = undefined;
        this._stats = undefined;
        this._status = `Logged out: ${why}`;
      },
    });
    this._busy = true;
    this._error = '';
    try {
      this._who = await link.login({ agentId: String(form.get('agentId') ?? ''), password: String(form.get('password') ?? ''), extension: String(form.get('extension') ?? '') });
      this.#link = link;
      this._status = '';
    } catch (error) {
      this._error = `Login failed: ${describe(error)}`;
    } finally {
      this._busy = false;
    }
  }

  async #logout(): Promise<void> {
    try {
      await this.#link?.logout();
    } catch (error) {
      this._error = describe(error);
    }
  }

  async #force(state: 'NotReady' | 'Logout'): Promise<void> {
    const agentId = this.renderRoot.querySelector<HTMLSelectElement>('#target')?.value ?? '';
    const reason = this.renderRoot.querySelector<HTMLInputElement>('#reason')?.value.trim() ?? '';
    this._error = '';
    if (!agentId) return void (this._error = 'Pick an agent who is logged in');
    if (!reason) return void (this._error = 'Give a reason: the agent sees it on their desktop');
    this._busy = true;
    try {
      const result = await this.#link!.force(agentId, state, reason);
      const what = state === 'NotReady' ? 'Not Ready' : 'logged out';
      this._status = result.when === 'afterCall' ? `${agentId} will be ${what} when their call ends (${reason})` : `${agentId} is ${what} (${reason})`;
    } catch (error) {
      this._error = describe(error);
    } finally {
      this._busy = false;
    }
  }
}
customElements.define('opencti-supervisor', SupervisorApp);
