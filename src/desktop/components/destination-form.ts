/**
 * `<opencti-destination-form>`: one destination field and a button per thing to do with it
 * (make a call; blind transfer, consult for transfer or conference). Reports
 * `opencti-destination` with { action, destination }.
 */
import { LitElement, html } from 'lit';
import './directory-search.js';
import type { DirectorySearch } from './directory-search.js';
import { baseStyles, emit, uniqueId } from './styles.js';

export interface DestinationAction {
  readonly action: string;
  readonly label: string;
  readonly secondary?: boolean;
  /** Why the action cannot be used now (e.g. the phone cannot conference): shown, and the button disabled. */
  readonly unavailable?: string | undefined;
}

export interface DestinationDetail {
  readonly action: string;
  readonly destination: string;
}

export class DestinationForm extends LitElement {
  static override properties = {
    label: { type: String },
    actions: { attribute: false },
    disabled: { type: Boolean },
    directory: { attribute: false },
    _typed: { state: true },
  };
  static override styles = baseStyles;
  declare label: string;
  declare actions: readonly DestinationAction[];
  declare disabled: boolean;
  /** Searches agents, queues and saved numbers as the CSR types; absent = numbers only. */
  declare directory: DirectorySearch | undefined;
  declare _typed: string;
  readonly #inputId = uniqueId('destination');

  constructor() {
    super();
    this.label = 'Destination';
    this.actions = [];
    this.disabled = false;
    this.directory = undefined;
    this._typed = '';
  }

  override render() {
    return html`<form class="row" @submit=${(e: SubmitEvent) => this.#submit(e, this.actions[0]?.action)}>
      <div class="field">
        <label for=${this.#inputId}>${this.label}</label>
        <input id=${this.#inputId} inputmode=${this.directory ? 'text' : 'tel'} autocomplete="off" placeholder="extension, agent or number"
          @input=${(e: Event) => (this._typed = (e.target as HTMLInputElement).value)} />
        ${this.directory
          ? html`<opencti-directory-search .search=${this.directory} text=${this._typed}
              @opencti-directory-pick=${(e: CustomEvent<string>) => this.#pick(e.detail)}></opencti-directory-search>`
          : ''}
      </div>
      ${this.actions.map(
        (a, i) =>
          html`<button type=${i === 0 ? 'submit' : 'button'} class=${a.secondary ? 'secondary' : ''} ?disabled=${this.disabled || a.unavailable !== undefined}
            title=${a.unavailable ?? ''} aria-describedby=${a.unavailable === undefined ? '' : `${this.#inputId}-${a.action}-why`}
            @click=${i === 0 ? undefined : (e: Event) => this.#submit(e, a.action)}>${a.label}</button>`,
      )}
      ${this.actions.filter((a) => a.unavailable !== undefined).map(
        (a) => html`<p class="muted" id=${`${this.#inputId}-${a.action}-why`} style="flex-basis:100%;margin:0">${a.unavailable}</p>`,
      )}
    </form>`;
  }

  /** A directory entry fills the field with its number; the list closes. */
  #pick(number: string): void {
    const input = this.renderRoot.querySelector<HTMLInputElement>(`#${this.#inputId}`);
    if (input) input.value = number;
    this._typed = '';
    input?.focus();
  }

  #submit(event: Event, action: string | undefined): void {
    event.preventDefault();
    const input = this.renderRoot.querySelector<HTMLInputElement>(`#${this.#inputId}`);
    if (!input || !action || this.actions.find((a) => a.action === action)?.unavailable !== undefined) return;
    emit<DestinationDetail>(this, 'opencti-destination', { action, destination: input.value.trim() });
  }
}
customElements.define('opencti-destination-form', DestinationForm);
