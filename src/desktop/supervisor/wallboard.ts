/**
 * `<opencti-wallboard>`: queues and agents as the last stats frame has them. Counts change with
 * the frames; waits and times in state count on every second from the frame's `since` fields.
 */
import { LitElement, css, html } from 'lit';
import type { AgentStateName } from '../../framework/schema/events.js';
import type { AgentView } from '../../framework/session/types.js';
import { agentStateLabel, formatDuration } from '../components/format.js';
import { baseStyles } from '../components/styles.js';
import type { Stats } from './supervisor-link.js';

const percent = (ratio: number | null): string => (ratio === null ? '–' : `${Math.round(ratio * 100)} %`);
const agentView = (a: Stats['agents'][number]): AgentView => ({
  state: a.state as AgentStateName,
  reasonCode: a.reasonCode ?? undefined,
  afterCallWork: a.state === 'NotReady' && a.workMode === 'ACW',
});
const seconds = (ms: number | null): string => (ms === null ? '–' : formatDuration(ms));

export class Wallboard extends LitElement {
  static override properties = { stats: { attribute: false }, skewMs: { type: Number }, _now: { state: true } };
  static override styles = [
    baseStyles,
    css`
      table {
        border-collapse: collapse;
        width: 100%;
        font-size: 0.9rem;
        margin-bottom: 1rem;
      }
      th,
      td {
        text-align: left;
        padding: 0.3rem 0.5rem;
        border-bottom: 1px solid var(--cti-border);
      }
      td.n,
      th.n {
        text-align: right;
        font-variant-numeric: tabular-nums;
      }
      caption {
        text-align: left;
        font-weight: 600;
        padding: 0.3rem 0;
      }
    `,
  ];
  declare stats: Stats | undefined;
  /** Server time minus this browser's time when the frame came, so that durations use the server's clock. */
  declare skewMs: number;
  declare _now: number;
  #tick: ReturnType<typeof setInterval> | undefined;

  constructor() {
    super();
    this.stats = undefined;
    this.skewMs = 0;
    this._now = Date.now();
  }

  override connectedCallback(): void {
    super.connectedCallback();
    this.#tick = setInterval(() => (this._now = Date.now()), 1000);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    clearInterval(this.#tick);
  }

  override render() {
    const stats = this.stats;
    if (!stats) return html`<p role="status">Waiting for the statistics…</p>`;
    const now = this._now + this.skewMs;
    const since = (at: number | null) => (at === null ? '–' : formatDuration(Math.max(0, now - at)));
    return html`
      <table aria-label="Queues">
        <caption>Queues (today)</caption>
        <thead>
          <tr>
            <th>Queue</th><th class="n">Waiting</th><th class="n">Longest wait</th><th class="n">Offered</th><th class="n">Answered</th>
            <th class="n">Abandoned</th><th class="n">Service level</th><th class="n">ASA</th><th class="n">AHT</th><th class="n">Abandon rate</th>
          </tr>
        </thead>
        <tbody>
          ${stats.queues.map(
            (q) => html`<tr>
              <th scope="row">${q.name}</th>
              <td class="n">${q.waiting}</td>
              <td class="n">${since(q.oldestWaitingSince)}</td>
              <td class="n">${q.offered}</td>
              <td class="n">${q.answered}</td>
              <td class="n">${q.abandoned}</td>
              <td class="n" title="answered within ${q.serviceLevelSeconds} s">${percent(q.serviceLevel)}</td>
              <td class="n">${seconds(q.averageSpeedOfAnswerMs)}</td>
              <td class="n">${seconds(q.averageHandleTimeMs)}</td>
              <td class="n">${percent(q.abandonRate)}</td>
            </tr>`,
          )}
        </tbody>
      </table>
      <table aria-label="Agents">
        <caption>Agents</caption>
        <thead>
          <tr>
            <th>Agent</th><th>Extension</th><th>State</th><th class="n">In state for</th><th class="n">Calls handled</th><th class="n">AHT</th>
            <th class="n">Occupancy</th>
          </tr>
        </thead>
        <tbody>
          ${stats.agents.map(
            (a) => html`<tr>
              <th scope="row">${a.agentId}</th>
              <td>${a.extension ?? '–'}</td>
              <td>${agentStateLabel(agentView(a), [])}</td>
              <td class="n">${since(a.stateSince)}</td>
              <td class="n">${a.callsHandled}</td>
              <td class="n">${seconds(a.averageHandleTimeMs)}</td>
              <td class="n">${percent(a.occupancy)}</td>
            </tr>`,
          )}
        </tbody>
      </table>
    `;
  }
}
customElements.define('opencti-wallboard', Wallboard);
