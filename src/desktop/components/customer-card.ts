/** `<opencti-customer-card>`: one customer record, as the CRM holds it. */
import { LitElement, css, html } from 'lit';
import type { CustomerRecord } from '../api/types.js';
import { baseStyles } from './styles.js';

export class CustomerCard extends LitElement {
  static override properties = { customer: { attribute: false } };
  static override styles = [
    baseStyles,
    css`
      article {
        border-left: 4px solid var(--cti-ok);
      }
    `,
  ];
  declare customer: CustomerRecord | undefined;

  constructor() {
    super();
    this.customer = undefined;
  }

  override render() {
    const c = this.customer;
    if (!c) return html``;
    const extra = Object.entries(c.extra ?? {}).filter(([, v]) => typeof v === 'string' || typeof v === 'number');
    return html`<article class="card" aria-label=${`Customer ${c.name}`}>
      <h3>${c.name}</h3>
      <dl>
        <dt>Customer id</dt>
        <dd>${c.id}</dd>
        <dt>Phone</dt>
        <dd>${(c.phones ?? []).join(', ') || '—'}</dd>
        <dt>Email</dt>
        <dd>${c.email ?? '—'}</dd>
        ${extra.map(([k, v]) => html`<dt>${k}</dt><dd>${String(v)}</dd>`)}
        ${c.notes ? html`<dt>Notes</dt><dd>${c.notes}</dd>` : ''}
      </dl>
    </article>`;
  }
}
customElements.define('opencti-customer-card', CustomerCard);
