/** `<opencti-error-list>`: errors for the CSR to read (localized), announced, dismissible. */
import { LitElement, css, html } from 'lit';
import { baseStyles, emit } from './styles.js';

export interface ShownError {
  readonly id: number;
  readonly code: string;
  readonly message: string;
}

export class ErrorList extends LitElement {
  static override properties = { errors: { attribute: false } };
  static override styles = [
    baseStyles,
    css`
      ul {
        list-style: none;
        margin: 0;
        padding: 0;
        display: grid;
        gap: 0.4rem;
      }
      li {
        display: flex;
        gap: 0.5rem;
        align-items: center;
        justify-content: space-between;
        padding: 0.5rem 0.75rem;
        border-radius: var(--cti-radius);
        background: #fdecea;
        border: 1px solid #f1aeb5;
        color: #5f0f0a;
      }
      code {
        font-size: 0.75rem;
        color: #7b2d26;
      }
      button {
        min-height: 1.75rem;
        padding: 0.1rem 0.5rem;
      }
    `,
  ];
  declare errors: readonly ShownError[];

  constructor() {
    super();
    this.errors = [];
  }

  override render() {
    return html`<div role="alert" aria-live="assertive">
      ${this.errors.length === 0
        ? ''
        : html`<ul aria-label="Errors">
            ${this.errors.map(
              (error) => html`<li>
                <span><strong>${error.message}</strong> <code>${error.code}</code></span>
                <button class="secondary" aria-label=${`Dismiss error: ${error.message}`} @click=${() => emit(this, 'opencti-dismiss-error', error.id)}>
                  Dismiss
                </button>
              </li>`,
            )}
          </ul>`}
    </div>`;
  }
}
customElements.define('opencti-error-list', ErrorList);
