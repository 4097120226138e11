/**
 * `<opencti-interaction-form>`: notes and disposition of one interaction, with Save and Wrap up.
 * The dispositions, what is required and the wrap-up time limit come from the application
 * context (`wrapUp`). Reports `opencti-interaction-draft` on every edit, `opencti-interaction-save`
 * and `opencti-interaction-wrap-up` with { notes, disposition }.
 */
import { LitElement, html } from 'lit';
import type { WrapUp } from '../../framework/schema/context.js';
import { formatDuration } from './format.js';
import { baseStyles, emit, uniqueId } from './styles.js';

export interface InteractionDraft {
  readonly notes: string;
  /** The disposition's code, '' when none is chosen. */
  readonly disposition: string;
}

/** What is missing for a wrap-up the context's rules allow; [] when nothing is. */
export function missingForWrapUp(draft: InteractionDraft, wrapUp: WrapUp | undefined): string[] {
  const missing: string[] = [];
  if (wrapUp?.dispositionRequired && draft.disposition === '') missing.push('disposition');
  if (wrapUp?.notesRequired && draft.notes.trim() === '') missing.push('notes');
  return missing;
}

export class InteractionForm extends LitElement {
  static override properties = {
    draft: { attribute: false },
    busy: { type: Boolean },
    heading: { type: String },
    wrapUp: { attribute: false },
    endedAt: { type: String },
  };
  static override styles = baseStyles;
  declare draft: InteractionDraft;
  declare busy: boolean;
  declare heading: string;
  declare wrapUp: WrapUp | undefined;
  /** When the call ended (ISO 8601): the wrap-up time limit counts from there. */
  declare endedAt: string;
  readonly #ids = { notes: uniqueId('notes'), disposition: uniqueId('disposition'), limit: uniqueId('limit') };
  #timer: ReturnType<typeof setInterval> | undefined;

  constructor() {
    super();
    this.draft = { notes: '', disposition: '' };
    this.busy = false;
    this.heading = 'Interaction';
    this.wrapUp = undefined;
    this.endedAt = '';
  }

  override connectedCallback(): void {
    super.connectedCallback();
    this.#timer = setInterval(() => {
      if (this.wrapUp?.timeLimitSeconds && this.endedAt) this.requestUpdate();
    }, 1000);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    if (this.#timer) clearInterval(this.#timer);
  }

  override render() {
    const ids = this.#ids;
    const dispositions = this.wrapUp?.dispositions ?? [];
    const required = this.wrapUp?.dispositionRequired === true;
    return html`<form aria-label=${this.heading} @submit=${(e: Event) => this.#send(e, 'opencti-interaction-wrap-up')} @input=${this.#changed} @change=${this.#changed}>
      <div class="field">
        <label for=${ids.notes}>Notes${this.wrapUp?.notesRequired ? ' (required)' : ''}</label>
        <textarea id=${ids.notes} rows="4" .value=${this.draft.notes}></textarea>
      </div>
      <div class="row" style="margin-top:0.5rem">
        <div class="field">
          <label for=${ids.disposition}>Disposition${required ? ' (required)' : ''}</label>
          <select id=${ids.disposition} .value=${this.draft.disposition} aria-required=${required ? 'true' : 'false'}>
            <option value="" ?selected=${this.draft.disposition === ''}>(choose)</option>
            ${dispositions.map((d) => html`<option value=${d.code} ?selected=${this.draft.disposition === d.code}>${d.label}</option>`)}
          </select>
        </div>
        <button type="button" class="secondary" ?disabled=${this.busy} @click=${(e: Event) => this.#send(e, 'opencti-interaction-save')}>Save notes</button>
        <button type="submit" ?disabled=${this.busy} aria-describedby=${ids.limit}>Wrap up</button>
      </div>
      <p id=${ids.limit} class="muted">${this.#limit()}</p>
    </form>`;
  }

  /** The time left to wrap up once the call has ended, when the context sets a limit. */
  #limit(): string {
    const seconds = this.wrapUp?.timeLimitSeconds;
    const ended = Date.parse(this.endedAt);
    if (!seconds) return '';
    if (Number.isNaN(ended)) return `Wrap-up time after the call: ${formatDuration(seconds * 1000)}`;
    const left = ended + seconds * 1000 - Date.now();
    return left > 0 ? `Wrap-up time left: ${formatDuration(left)}` : 'Wrap-up time is over: please wrap up now';
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
