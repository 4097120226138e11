/**
 * `<opencti-interaction-form>`: notes and disposition of one interaction, with Save and Wrap up.
 * Reports `opencti-interaction-draft` on every edit, `opencti-interaction-save` and
 * `opencti-interaction-wrap-up` with { notes, disposition }.
 */
import { LitElement, html } from 'lit';
import { baseStyles, emit, uniqueId } from './styles.js';

export const DISPOSITIONS = ['Resolved', 'Follow-up needed', 'Escalated', 'Sale', 'Information only', 'No action'] as const;

export interface InteractionDraft {
  readonly notes: string;
  readonly disposition: string;
}

export class InteractionForm extends LitElement {
  static override properties = { draft: { attribute: false }, busy: { type: Boolean }, heading: { type: String } };
  static override styles = baseStyles;
  declare draft: InteractionDraft;
  declare busy: boolean;
  declare heading: string;
  readonly #ids = { notes: uniqueId('notes'), disposition: uniqueId('disposition') };

  constructor() {
    super();
    this.draft = { notes: '', disposition: '' };
    this.busy = false;
    this.heading = 'Interaction';
  }

  override render() {
    const ids = this.#ids;
    return html`<form aria-label=${this.heading} @submit=${(e: Event) => this.#send(e, 'opencti-interaction-wrap-up')} @input=${this.#changed} @change=${this.#changed}>
      <div class="field">
        <label for=${ids.notes}>Notes</label>
        <textarea id=${ids.notes} rows="4" .value=${this.draft.notes}></textarea>
      </div>
      <div class="row" style="margin-top:0.5rem">
        <div class="field">
          <label for=${ids.disposition}>Disposition</label>
          <select id=${ids.disposition} .value=${this.draft.disposition}>
            <option value="" ?selected=${this.draft.disposition === ''}>(choose)</option>
            ${DISPOSITIONS.map((d) => html`<option value=${d} ?selected=${this.draft.disposition === d}>${d}</option>`)}
          </select>
        </div>
        <button type="button" class="secondary" ?disabled=${this.busy} @click=${(e: Event) => this.#send(e, 'opencti-interaction-save')}>Save notes</button>
        <button type="submit" ?disabled=${this.busy}>Wrap up</button>
      </div>
    </form>`;
  }

  #read(): InteractionDraft {
    const notes = this.renderRoot.querySelector<HTMLTextAreaElement>(`#${this.#ids.notes}`)?.value ?? '';
    const disposition = this.renderRoot.querySelector<HTMLSelectElement>(`#${this.#ids.disposition}`)?.value ?? '';
    return { notes, disposition };
  }

  #changed(): void {
    this.draft = this.#read();
    emit(this, 'opencti-interaction-draft', this.draft);
  }

  #send(event: Event, name: string): void {
    event.preventDefault();
    emit(this, name, this.#read());
  }
}
customElements.define('opencti-interaction-form', InteractionForm);
