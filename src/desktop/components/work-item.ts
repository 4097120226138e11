/**
 * `<opencti-work-item>`: the screen pop and the interaction of one call — the call and its data,
 * the customer (card, list to choose from, or unknown caller with a search), Accept when the pop
 * waits for it, then notes, disposition, wrap-up and the customer's earlier interactions.
 * Reports choices and edits as events; the desktop does the work.
 */
import type { WrapUp } from '../../framework/schema/context.js';
import { LitElement, css, html } from 'lit';
import type { WorkItem } from '../app/work-items.js';
import type { CustomerRecord } from '../api/types.js';
import './customer-card.js';
import './customer-chooser.js';
import './interaction-form.js';
import './interaction-history.js';
import type { CustomerSearch } from './customer-chooser.js';
import { callStateLabel, callTitle } from './format.js';
import { baseStyles, emit } from './styles.js';

/** Friendlier names for the call properties a treatment's popData may name. */
const DATA_LABELS: Record<string, string> = {
  pyANI: 'Caller',
  pyDNIS: 'Dialled',
  pyQueue: 'Queue',
  pyOtherDN: 'Other party',
  pyThisDN: 'Extension',
  pyCallType: 'Call type',
  pyCallId: 'Call id',
};

const CONTAINERS = ['pyCallData', 'pyUserData', 'pyCallVariables', 'pyApplicationData'];

/**
 * The label of one pop entry: a friendlier name for a call property, `account › id` for a data
 * path into a container (`pyUserData.account.id`), `Call variable 2` for `pyCallVariables.1`.
 */
export function dataLabel(key: string): string {
  const known = DATA_LABELS[key];
  if (known) return known;
  const [container, ...path] = key.split('.');
  if (!CONTAINERS.includes(container ?? '') || path.length === 0) return key;
  if (container === 'pyCallVariables' && path.length === 1 && /^[0-9]+$/.test(path[0]!)) return `Call variable ${Number(path[0]) + 1}`;
  return path.join(' › ');
}

export class WorkItemView extends LitElement {
  static override properties = { item: { attribute: false }, thisDN: { type: String }, search: { attribute: false }, wrapUp: { attribute: false } };
  static override styles = [
    baseStyles,
    css`
      .item {
        display: grid;
        gap: 0.75rem;
        background: var(--cti-surface);
        border: 1px solid var(--cti-border);
        border-radius: 10px;
        padding: 0.9rem;
      }
      header {
        display: flex;
        flex-wrap: wrap;
        gap: 0.25rem 1rem;
        justify-content: space-between;
        align-items: baseline;
      }
      .accept {
        background: #fff8eb;
        border-color: #f0c36d;
      }
    `,
  ];
  declare item: WorkItem | undefined;
  declare thisDN: string;
  declare search: CustomerSearch | undefined;
  /** The context's dispositions and wrap-up rules. */
  declare wrapUp: WrapUp | undefined;

  constructor() {
    super();
    this.item = undefined;
    this.thisDN = '';
    this.search = undefined;
  }

  override render() {
    const item = this.item;
    if (!item) return html``;
    const title = callTitle(item.call, this.thisDN);
    const status = item.wrappedUp ? 'Wrapped up' : item.ended ? 'Call ended — wrap up' : callStateLabel(item.call);
    const data = Object.entries(item.data);
    return html`<section class="item" role="region" aria-label=${`Screen pop: ${title}`}>
      <header>
        <h2>${title}</h2>
        <span class="badge ${item.ended ? 'warn' : ''}">${status}</span>
      </header>
      ${data.length > 0
        ? html`<dl aria-label="Call data">
            ${data.map(([k, v]) => html`<dt title=${k}>${dataLabel(k)}</dt><dd>${v}</dd>`)}
          </dl>`
        : ''}
      ${this.#customer(item)}
      ${item.needsAccept
        ? html`<div class="card accept row">
            <span style="flex:1 1 12rem">${item.customer ? `Caller: ${item.customer.name}` : 'Choose the caller, or accept as unknown.'}</span>
            <button class="ok" ?disabled=${item.busy} @click=${() => emit(this, 'opencti-accept', item.callId)}>Accept</button>
          </div>`
        : ''}
      ${item.started
        ? html`<opencti-interaction-form
              heading=${item.interaction ? `Interaction ${item.interaction.id}` : 'Interaction'}
              .draft=${item.draft}
              .wrapUp=${this.wrapUp}
              endedAt=${item.ended ? (item.call.endedAt ?? '') : ''}
              ?busy=${item.busy || item.wrappedUp}
            ></opencti-interaction-form>
            ${item.customer ? html`<opencti-interaction-history .interactions=${item.history ?? []} ?loading=${item.history === undefined}></opencti-interaction-history>` : ''}`
        : ''}
    </section>`;
  }

  #customer(item: WorkItem) {
    if (item.candidates === undefined) return html`<p class="muted">Looking up the caller…</p>`;
    if (item.customer) {
      return html`<opencti-customer-card .customer=${item.customer}></opencti-customer-card>
        ${item.candidates.length > 1 && !item.started
          ? html`<button class="secondary" @click=${() => emit(this, 'opencti-choose-customer', undefined)}>Choose another customer</button>`
          : ''}`;
    }
    return html`<opencti-customer-chooser
      .candidates=${item.candidates}
      ?unknown=${item.candidates.length === 0}
      .search=${this.search}
      @opencti-choose-customer=${(e: CustomEvent<CustomerRecord>) => {
        e.stopPropagation();
        emit(this, 'opencti-choose-customer', e.detail);
      }}
    ></opencti-customer-chooser>`;
  }
}
customElements.define('opencti-work-item', WorkItemView);
