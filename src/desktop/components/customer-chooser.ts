/**
 * `<opencti-customer-chooser>`: when the lookup by ANI found several customers, the list to choose
 * from; when it found none, "unknown caller" and a search. Reports `opencti-choose-customer`.
 */
import { LitElement, css, html } from 'lit';
import type { CustomerRecord } from '../api/types.js';
import { baseStyles, emit, uniqueId } from './styles.js';

export type CustomerSearch = (text: string) => Promise<readonly CustomerRecord[]>;

export class CustomerChooser extends LitElement {
  static override properties = {
    candidates: { attribute: false },
    search: { attribute: false },
    unknown: { type: Boolean },
    _results: { state: true },
    _searching: { state: true },
    _message: { state: true },
  };
  static override styles = [
    baseStyles,
    css`
      ul {
        list-style: none;
        padding: 0;
        margin: 0.4rem 0 0;
        display: grid;
        gap: 0.35rem;
      }
      li {
        display: flex;
        gap: 0.5rem;
        align-items: center;
        justify-content: space-between;
        flex-wrap: wrap;
        border: 1px solid var(--cti-border);
        border-radius: var(--cti-radius);
        padding: 0.4rem 0.6rem;
      }
      .unknown {
        border-left: 4px solid #d97706;
      }
    `,
  ];
  declare candidates: readonly CustomerRecord[];
  declare search: CustomerSearch | undefined;
  declare unknown: boolean;
  declare _results: readonly CustomerRecord[] | undefined;
  declare _searching: boolean;
  declare _message: string;
  readonly #searchId = uniqueId('search');

  constructor() {
    super();
    this.candidates = [];
    this.search = undefined;
    this.unknown = false;
    this._results = undefined;
    this._searching = false;
    this._message = '';
  }

  override render() {
    return html`<section class="card ${this.unknown ? 'unknown' : ''}" aria-label=${this.unknown ? 'Unknown caller' : 'Matching customers'}>
      ${this.unknown
        ? html`<h3>Unknown caller</h3>
            <p class="muted">No customer has this number. Search by name or email.</p>`
        : html`<h3>${this.candidates.length} customers share this number</h3>
            <p class="muted">Choose the caller:</p>
            ${this.#list(this.candidates, 'Customers matching the number')}`}
      <form class="row" role="search" aria-label="Customer search" @submit=${this.#search}>
        <div class="field">
          <label for=${this.#searchId}>Search customers</label>
          <input id=${this.#searchId} type="search" autocomplete="off" />
        </div>
        <button type="submit" class="secondary" ?disabled=${this._searching}>Search</button>
      </form>
      <p aria-live="polite" class="muted">${this._message}</p>
      ${this._results && this._results.length > 0 ? this.#list(this._results, 'Search results') : ''}
    </section>`;
  }

  #list(customers: readonly CustomerRecord[], label: string) {
    return html`<ul aria-label=${label}>
      ${customers.map(
        (c) => html`<li>
          <span><strong>${c.name}</strong> <span class="muted">${c.email ?? c.phones?.join(', ') ?? ''}</span></span>
          <button class="secondary" aria-label=${`Choose ${c.name}`} @click=${() => emit(this, 'opencti-choose-customer', c)}>Choose</button>
        </li>`,
      )}
    </ul>`;
  }

  async #search(event: SubmitEvent): Promise<void> {
    event.preventDefault();
    const input = this.renderRoot.querySelector<HTMLInputElement>(`#${this.#searchId}`);
    const text = input?.value.trim() ?? '';
    if (!this.search || text === '') return;
    this._searching = true;
    try {
      this._results = await this.search(text);
      this._message = this._results.length === 0 ? `No customer matches "${text}".` : `${this._results.length} found.`;
    } catch (error) {
      this._message = `Search failed: ${(error as { localizedMessage?: string }).localizedMessage ?? String(error)}`;
    } finally {
      this._searching = false;
    }
  }
}
customElements.define('opencti-customer-chooser', CustomerChooser);
