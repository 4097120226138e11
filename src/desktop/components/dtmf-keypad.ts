/** `<opencti-dtmf-keypad>`: a 12-key pad; each key sends its digit at once (`opencti-dtmf`). */
import { LitElement, css, html } from 'lit';
import { baseStyles, emit } from './styles.js';

const KEYS = ['1', '2', '3', '4', '5', '6', '7', '8', '9', '*', '0', '#'];

export class DtmfKeypad extends LitElement {
  static override properties = { disabled: { type: Boolean }, sent: { type: String } };
  static override styles = [
    baseStyles,
    css`
      .pad {
        display: grid;
        grid-template-columns: repeat(3, minmax(2.75rem, 4rem));
        gap: 0.35rem;
      }
      button {
        font-size: 1.1rem;
      }
    `,
  ];
  declare disabled: boolean;
  declare sent: string;

  constructor() {
    super();
    this.disabled = false;
    this.sent = '';
  }

  override render() {
    return html`<div role="group" aria-label="Keypad">
      <div class="pad">
        ${KEYS.map(
          (key) =>
            html`<button class="secondary" aria-label=${`Send tone ${key}`} ?disabled=${this.disabled} @click=${() => emit(this, 'opencti-dtmf', key)}>
              ${key}
            </button>`,
        )}
      </div>
      <p class="muted" aria-live="polite">Tones sent: <output>${this.sent || 'none'}</output></p>
    </div>`;
  }
}
customElements.define('opencti-dtmf-keypad', DtmfKeypad);
