/**
 * `<opencti-agent-state-control>`: the agent's state, Ready, Not Ready with the context's reason
 * codes, and after-call work. Reports `opencti-agent-state` with what the CSR asked for.
 */
import { LitElement, css, html } from 'lit';
import type { ReasonCode } from '../../framework/schema/context.js';
import type { AgentView } from '../../framework/session/types.js';
import { agentStateLabel, pendingStateLabel } from './format.js';
import { baseStyles, emit, uniqueId } from './styles.js';

export type AgentStateRequest = { readonly kind: 'ready' } | { readonly kind: 'notReady'; readonly reasonCode: string } | { readonly kind: 'afterCallWork' };

export class AgentStateControl extends LitElement {
  static override properties = { agent: { attribute: false }, reasons: { attribute: false }, busy: { type: Boolean } };
  static override styles = [
    baseStyles,
    css`
      .state {
        font-weight: 600;
      }
    `,
  ];
  declare agent: AgentView | undefined;
  declare reasons: readonly ReasonCode[];
  declare busy: boolean;
  readonly #reasonId = uniqueId('reason');

  constructor() {
    super();
    this.agent = undefined;
    this.reasons = [];
    this.busy = false;
  }

  override render() {
    const agent = this.agent;
    if (!agent) return html``;
    const label = agentStateLabel(agent, this.reasons);
    const tone = agent.state === 'Ready' ? 'good' : agent.state === 'Busy' ? 'warn' : agent.state === 'NotReady' ? 'bad' : '';
    const ready = agent.state === 'Ready';
    return html`<section aria-labelledby="agent-state-title">
      <h3 id="agent-state-title">Agent state</h3>
      <p role="status" aria-live="polite">Current state: <span class="badge ${tone} state">${label}</span></p>
      ${agent.pendingState === undefined ? '' : html`<p role="status" aria-live="polite">Next state: <span class="badge">${pendingStateLabel(agent, this.reasons)}</span></p>`}
      <div class="row">
        <button class="ok" ?disabled=${this.busy || ready} @click=${() => this.#ask({ kind: 'ready' })}>Ready</button>
        <div class="field">
          <label for=${this.#reasonId}>Not Ready reason</label>
          <select id=${this.#reasonId}>
            ${this.reasons.map((r) => html`<option value=${r.code}>${r.label}</option>`)}
          </select>
        </div>
        <button class="secondary" ?disabled=${this.busy} @click=${this.#notReady}>Not Ready</button>
        <button class="secondary" ?disabled=${this.busy || agent.afterCallWork} @click=${() => this.#ask({ kind: 'afterCallWork' })}>
          After-call work
        </button>
      </div>
    </section>`;
  }

  #notReady(): void {
    const select = this.renderRoot.querySelector<HTMLSelectElement>(`#${this.#reasonId}`);
    this.#ask({ kind: 'notReady', reasonCode: select?.value ?? '' });
  }

  #ask(request: AgentStateRequest): void {
    emit(this, 'opencti-agent-state', request);
  }
}
customElements.define('opencti-agent-state-control', AgentStateControl);
