/**
 * `<opencti-destination-form>`: one destination field and a button per thing to do with it
 * (make a call; blind transfer, consult for transfer or conference). Reports
 * `opencti-destination` with { action, destination }.
 */
import { LitElement, html } from 'lit';
import { baseStyles, emit, uniqueId } from './styles.js';

export interface DestinationAction {
  readonly action: string;
  readonly label: string;
  readonly secondary?: boolean;
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
  };
  static override styles = baseStyles;
  declare label: string;
  declare actions: readonly DestinationAction[];
  declare disabled: boolean;
  readonly #inputId = uniqueId('destination');

  constructor() {
    super();
    this.label = 'Destination';
    this.actions = [];
    this.disabled = false;
  }

  override render() {
    return html`<form class="row" @submit=${(e: SubmitEvent) => this.#submit(e, this.actions[0]?.action)}>
      <div class="field">
        <label for=${this.#inputId}>${this.label}</label>
        <input id=${this.#inputId} inputmode="tel" autocomplete="off" placeholder="extension, agent or number" />
      </div>
      ${this.actions.map(
        (a, i) =>
          html`<button type=${i === 0 ? 'submit' : 'button'} class=${a.secondary ? 'secondary' : ''} ?disabled=${this.disabled}
            @click=${i === 0 ? undefined : (e: Event) => this.#submit(e, a.action)}>${a.label}</button>`,
      )}
    </form>`;
  }

  #submit(event: Event, action: string | undefined): void {
    event.preventDefault();
    const input = this.renderRoot.querySelector<HTMLInputElement>(`#${this.#inputId}`);
    if (!input || !action) return;
    emit<DestinationDetail>(this, 'opencti-destination', { action, destination: input.value.trim() });
  }
}
customElements.define('opencti-destination-form', DestinationForm);
