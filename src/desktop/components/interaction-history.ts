/** `<opencti-interaction-history>`: the customer's earlier interactions, newest first. */
import { LitElement, css, html } from 'lit';
import type { InteractionRecord } from '../api/types.js';
import { formatTime } from './format.js';
import { baseStyles } from './styles.js';

export class InteractionHistory extends LitElement {
  static override properties = { interactions: { attribute: false }, loading: { type: Boolean } };
  static override styles = [
    baseStyles,
    css`
      ol {
        list-style: none;
        margin: 0;
        padding: 0;
        display: grid;
        gap: 0.4rem;
      }
      li {
        border-left: 3px solid var(--cti-border);
        padding-left: 0.6rem;
      }
      .notes {
        white-space: pre-wrap;
        overflow-wrap: anywhere;
      }
    `,
  ];
  declare interactions: readonly InteractionRecord[];
  declare loading: boolean;

  constructor() {
    super();
    this.interactions = [];
    this.loading = false;
  }

  override render() {
    return html`<section aria-label="Earlier interactions">
      <h4>Earlier interactions</h4>
      ${this.loading
        ? html`<p class="muted">Loading…</p>`
        : this.interactions.length === 0
          ? html`<p class="muted">None on record.</p>`
          : html`<ol>
              ${this.interactions.map(
                (i) => html`<li>
                  <div><strong>${formatTime(i.offeredAt)}</strong> · ${i.queue ?? i.dnis ?? ''} · ${i.disposition ?? i.status}${i.agentId ? html` · ${i.agentId}` : ''}</div>
                  ${i.notes ? html`<div class="notes">${i.notes}</div>` : ''}
                </li>`,
              )}
            </ol>`}
    </section>`;
  }
}
customElements.define('opencti-interaction-history', InteractionHistory);
