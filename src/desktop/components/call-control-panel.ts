/**
 * `<opencti-call-control-panel>`: the Call Control Panel, bound to a framework Session.
 *
 *   const panel = document.createElement('opencti-call-control-panel');
 *   panel.session = session;          // a framework Session (required)
 *   panel.context = context;          // optional: reason codes and mode; defaults to session.context
 *
 * What it shows follows the telephony mode: login/logout and the calls in every mode, agent state
 * in agentState and full, call control in full only. Every refusal or failure is shown with its
 * localized message; new calls and errors are announced to screen readers.
 */
import { LitElement, css, html } from 'lit';
import { CtiError } from '../../framework/errors/cti-error.js';
import type { ApplicationContext, TelephonyMode } from '../../framework/schema/context.js';
import { isActive } from '../../framework/session/reducer.js';
import type { Session } from '../../framework/session/session.js';
import type { CallView, SessionState } from '../../framework/session/types.js';
import './agent-state-control.js';
import './call-card.js';
import './destination-form.js';
import './error-list.js';
import './login-form.js';
import type { AgentStateRequest } from './agent-state-control.js';
import type { CallActionDetail } from './call-card.js';
import type { DestinationDetail } from './destination-form.js';
import type { DirectorySearch } from './directory-search.js';
import type { ShownError } from './error-list.js';
import { callTitle } from './format.js';
import type { LoginDetail } from './login-form.js';
import { baseStyles, uniqueId } from './styles.js';

const MODE_LABELS: Record<TelephonyMode, string> = {
  simple: 'Simple telephony',
  agentState: 'Agent state',
  full: 'Full telephony',
};

export class CallControlPanel extends LitElement {
  static override properties = {
    session: { attribute: false },
    context: { attribute: false },
    directory: { attribute: false },
    _state: { state: true },
    _errors: { state: true },
    _pending: { state: true },
    _announcement: { state: true },
    _tones: { state: true },
  };
  static override styles = [
    baseStyles,
    css`
      .panel {
        display: grid;
        gap: 0.9rem;
        background: var(--cti-surface);
        border: 1px solid var(--cti-border);
        border-radius: 10px;
        padding: 0.9rem;
      }
      .top {
        display: flex;
        flex-wrap: wrap;
        justify-content: space-between;
        gap: 0.5rem;
        align-items: center;
      }
      .calls {
        display: grid;
        gap: 0.6rem;
      }
      section > h3 {
        margin-bottom: 0.35rem;
      }
      .pair {
        background: #eef4fd;
      }
    `,
  ];

  declare session: Session | undefined;
  declare context: ApplicationContext | undefined;
  /** Searches agents, queues and saved numbers in the dial, transfer and consult forms; absent = numbers only. */
  declare directory: DirectorySearch | undefined;
  declare _state: SessionState | undefined;
  declare _errors: readonly ShownError[];
  declare _pending: ReadonlySet<string>;
  declare _announcement: string;
  declare _tones: Readonly<Record<string, string>>;
  #unsubscribe: (() => void)[] = [];
  #bound: Session | undefined;
  #nextErrorId = 1;
  readonly #logoutReasonId = uniqueId('logout-reason');

  constructor() {
    super();
    this.session = undefined;
    this.context = undefined;
    this.directory = undefined;
    this._state = undefined;
    this._errors = [];
    this._pending = new Set();
    this._announcement = '';
    this._tones = {};
  }

  /** Shows an error raised by the host (e.g. a failed lookup) the same way as the panel's own. */
  showError(error: unknown): void {
    const shown = error instanceof CtiError
      ? { code: error.errCode, message: error.localizedMessage }
      : { code: 'OPENCTI_CF_GENERIC_OPERATION', message: error instanceof Error ? error.message : String(error) };
    this._errors = [...this._errors, { id: this.#nextErrorId++, ...shown }].slice(-5);
  }

  override connectedCallback(): void {
    super.connectedCallback();
    this.#bind();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.#unbind();
  }

  override willUpdate(changed: Map<string, unknown>): void {
    if (changed.has('session') && this.isConnected) this.#bind();
  }

  get #mode(): TelephonyMode {
    return (this.context ?? this.session?.context)?.telephonyMode ?? 'simple';
  }

  get #context(): ApplicationContext | undefined {
    return this.context ?? this.session?.context;
  }

  override render() {
    const state = this._state;
    const mode = this.#mode;
    const loggedIn = !!state && state.loggedIn && state.agent.state !== 'Logout';
    return html`<div class="panel" role="region" aria-label="Call control panel">
      <div class="top">
        <h2>Call control <span class="badge">${MODE_LABELS[mode]}</span></h2>
        ${this.#linkBadge(state)}
      </div>
      <p class="visually-hidden" role="status" aria-live="polite">${this._announcement}</p>
      <opencti-error-list .errors=${this._errors} @opencti-dismiss-error=${(e: CustomEvent<number>) => this.#dismiss(e.detail)}></opencti-error-list>
      ${!this.session
        ? html`<p class="muted">No session is bound to this panel.</p>`
        : !loggedIn || !state
          ? html`<opencti-login-form ?busy=${this._pending.has('login')} @opencti-login=${(e: CustomEvent<LoginDetail>) => this.#login(e.detail)}></opencti-login-form>`
          : this.#loggedIn(state, mode)}
    </div>`;
  }

  #linkBadge(state: SessionState | undefined) {
    const up = state?.link === 'CONNECTED';
    const text = !state?.loggedIn ? 'Not connected' : up ? 'Link up' : 'Link down — reconnecting';
    return html`<span role="status" aria-label=${`CTI link: ${text}`} class="badge ${!state?.loggedIn ? '' : up ? 'good' : 'bad'}">${text}</span>`;
  }

  #loggedIn(state: SessionState, mode: TelephonyMode) {
    const context = this.#context;
    const agent = state.agent;
    return html`
      <section aria-label="Agent">
        <div class="row">
          <p style="flex:1 1 12rem;margin:0">
            Logged in as <strong>${agent.agentId ?? ''}</strong>${agent.extension ? html` on extension <strong>${agent.extension}</strong>` : ''}
          </p>
          <div class="field" style="flex:0 1 11rem">
            <label for=${this.#logoutReasonId}>Logout reason</label>
            <select id=${this.#logoutReasonId}>
              <option value="">(none)</option>
              ${(context?.reasonCodes?.logout ?? []).map((r) => html`<option value=${r.code}>${r.label}</option>`)}
            </select>
          </div>
          <button class="secondary" ?disabled=${this._pending.has('logout')} @click=${this.#logout}>Log out</button>
        </div>
      </section>
      ${mode === 'simple'
        ? ''
        : html`<opencti-agent-state-control
            .agent=${agent}
            .reasons=${context?.reasonCodes?.notReady ?? []}
            ?busy=${this._pending.has('agent')}
            @opencti-agent-state=${(e: CustomEvent<AgentStateRequest>) => this.#agentState(e.detail)}
          ></opencti-agent-state-control>`}
      <section aria-label="Calls">
        <h3>Calls <span class="badge">${state.calls.length}</span></h3>
        <div class="calls">
          ${state.calls.length === 0 ? html`<p class="muted">No calls in progress.</p>` : ''}
          ${state.calls.map(
            (call) => html`<opencti-call-card
              .call=${call}
              .thisDN=${agent.extension ?? ''}
              ?controls=${mode === 'full'}
              ?busy=${this._pending.has(call.callId)}
              .tones=${this._tones[call.callId] ?? ''}
              .directory=${this.directory}
              @opencti-call-action=${(e: CustomEvent<CallActionDetail>) => this.#callAction(e.detail)}
            ></opencti-call-card>`,
          )}
        </div>
      </section>
      ${mode === 'full' ? this.#pairControls(state.calls) : ''}
      ${mode === 'full'
        ? html`<section aria-label="Make a call">
            <opencti-destination-form
              label="Number to call"
              .actions=${[{ action: 'makeCall', label: 'Call' }]}
              .directory=${this.directory}
              ?disabled=${this._pending.has('makeCall')}
              @opencti-destination=${(e: CustomEvent<DestinationDetail>) => this.#makeCall(e.detail.destination)}
            ></opencti-destination-form>
          </section>`
        : ''}
    `;
  }

  /** With one call held and another active: complete the transfer or conference, or swap them. */
  #pairControls(calls: readonly CallView[]) {
    const held = calls.find((c) => c.state === 'Held');
    const active = calls.find((c) => isActive(c.state));
    if (!held || !active) return '';
    const session = this.session;
    if (!session) return '';
    const busy = this._pending.has('pair');
    // The consult leg says what the pair allows (the phone may not transfer or conference).
    const why = (request: string, label: string) =>
      active.capabilities === undefined || active.capabilities.includes(request) ? undefined : `${label} is not available: your phone or these calls do not allow it`;
    const pairButton = (request: string, label: string, tone: string, run: () => Promise<unknown>) => {
      const reason = why(request, label);
      const id = `pair-${request}-why`;
      return html`<button class=${tone} ?disabled=${busy || reason !== undefined} title=${reason ?? ''} aria-describedby=${reason === undefined ? '' : id}
          @click=${() => this.#run('pair', run)}>${label}</button>
        ${reason === undefined ? '' : html`<span id=${id} class="visually-hidden">${reason}</span>`}`;
    };
    return html`<section class="card pair" aria-label="Consultation">
      <h3>Consultation</h3>
      <p class="muted">Held: ${callTitle(held, this._state?.agent.extension)} · Active: ${callTitle(active, this._state?.agent.extension)}</p>
      <div class="row">
        ${pairButton('transferComplete', 'Complete transfer', '', () => session.transferComplete(held.callId, active.callId))}
        ${pairButton('conferenceComplete', 'Complete conference', '', () => session.conferenceComplete(held.callId, active.callId))}
        ${pairButton('alternateCall', 'Alternate', 'secondary', () => session.alternateCall(held.callId, active.callId))}
      </div>
    </section>`;
  }

  #bind(): void {
    if (this.#bound === this.session) return;
    this.#unbind();
    const session = this.session;
    this.#bound = session;
    if (!session) {
      this._state = undefined;
      return;
    }
    this._state = session.state;
    this.#unsubscribe = [
      session.on('state', (state) => (this._state = state)),
      session.on('error', (error) => this.showError(error)),
      session.on('callAdded', (call) => (this._announcement = `New ${callTitle(call, session.state.agent.extension).toLowerCase()}${call.queue ? `, queue ${call.queue}` : ''}`)),
      session.on('callEnded', (call) => {
        this._announcement = `${callTitle(call, session.state.agent.extension)} ended`;
        const { [call.callId]: _gone, ...tones } = this._tones;
        this._tones = tones;
      }),
    ];
  }

  #unbind(): void {
    for (const off of this.#unsubscribe) off();
    this.#unsubscribe = [];
    this.#bound = undefined;
  }

  async #run(key: string, request: () => Promise<unknown>): Promise<boolean> {
    this._pending = new Set([...this._pending, key]);
    try {
      await request();
      return true;
    } catch (error) {
      this.showError(error);
      return false;
    } finally {
      const next = new Set(this._pending);
      next.delete(key);
      this._pending = next;
    }
  }

  #dismiss(id: number): void {
    this._errors = this._errors.filter((e) => e.id !== id);
  }

  #login({ agentId, agentPwd, extension }: LoginDetail): void {
    const session = this.session;
    if (session) void this.#run('login', () => session.login({ agentId, agentPwd, extension }));
  }

  #logout(): void {
    const session = this.session;
    const select = this.renderRoot.querySelector<HTMLSelectElement>(`#${this.#logoutReasonId}`);
    const reasonCode = select?.value || undefined;
    if (session) void this.#run('logout', () => session.logout({ reasonCode }));
  }

  #agentState(request: AgentStateRequest): void {
    const session = this.session;
    if (!session) return;
    void this.#run('agent', () =>
      request.kind === 'ready'
        ? session.agentReady()
        : request.kind === 'notReady'
          ? session.agentNotReady({ reasonCode: request.reasonCode })
          : session.agentNotReady({ reasonCode: '', workMode: 'ACW' }),
    );
  }

  #makeCall(destination: string): void {
    const session = this.session;
    if (session) void this.#run('makeCall', () => session.makeCall(destination));
  }

  #callAction({ action, callId, destination = '', digits = '', party = '' }: CallActionDetail): void {
    const session = this.session;
    if (!session) return;
    const requests: Record<CallActionDetail['action'], () => Promise<unknown>> = {
      answer: () => session.answerCall(callId),
      hangUp: () => session.hangUpCall(callId),
      hold: () => session.holdCall(callId),
      retrieve: () => session.retrieveCall(callId),
      dtmf: async () => {
        await session.sendDTMF(callId, digits);
        this._tones = { ...this._tones, [callId]: `${this._tones[callId] ?? ''}${digits}` };
      },
      blindTransfer: () => session.blindTransfer(callId, destination),
      transferInitiate: () => session.transferInitiate(callId, destination),
      conferenceInitiate: () => session.conferenceInitiate(callId, destination),
      consultationCall: () => session.consultationCall(callId, destination),
      dropParty: () => session.dropParty(callId, party),
      reject: () => session.rejectCall(callId),
      mute: () => session.muteCall(callId),
      unmute: () => session.unmuteCall(callId),
      startRecording: () => session.startRecording(callId),
      pauseRecording: () => session.pauseRecording(callId),
      resumeRecording: () => session.resumeRecording(callId),
      stopRecording: () => session.stopRecording(callId),
    };
    void this.#run(callId, requests[action]);
  }
}
customElements.define('opencti-call-control-panel', CallControlPanel);

declare global {
  interface HTMLElementTagNameMap {
    'opencti-call-control-panel': CallControlPanel;
  }
}
