/**
 * `<opencti-directory-search>`: what the directory holds for the text typed in a destination
 * field — agents with their live state, queues, saved external numbers — as buttons. Picking one
 * reports `opencti-directory-pick` with its number.
 */
import { LitElement, css, html } from 'lit';
import { baseStyles, emit } from './styles.js';

export interface DirectoryEntry {
  readonly kind: 'agent' | 'queue' | 'number';
  /** What a person calls it: an agent's name, a queue's name, a saved number's label. */
  readonly name: string;
  /** What to dial: the agent's extension, the queue's number, the saved number. */
  readonly number: string;
  /** An agent's live state (Ready, Busy, Not Ready, Logged out). */
  readonly state?: string;
}

export type DirectorySearch = (text: string) => Promise<readonly DirectoryEntry[]>;

const KIND_LABELS: Record<DirectoryEntry['kind'], string> = { agent: 'agent', queue: 'queue', number: 'saved number' };

export class DirectorySearchList extends LitElement {
  static override properties = { search: { attribute: false }, text: { type: String }, _entries: { state: true }, _failed: { state: true } };
  static override styles = [
    baseStyles,
    css`
      ul {
        list-style: none;
        margin: 0.25rem 0 0;
        padding: 0;
        display: grid;
        gap: 0.2rem;
      }
      button {
        width: 100%;
        text-align: left;
      }
    `,
  ];
  declare search: DirectorySearch | undefined;
  declare text: string;
  declare _entries: readonly DirectoryEntry[];
  declare _failed: string;
  /** Only the answer to the latest text is shown, whatever order the answers come back in. */
  #asked = 0;

  constructor() {
    super();
    this.search = undefined;
    this.text = '';
    this._entries = [];
    this._failed = '';
  }

  override willUpdate(changed: Map<string, unknown>): void {
    if (changed.has('text') || changed.has('search')) void this.#look(this.text.trim());
  }

  async #look(text: string): Promise<void> {
    const asked = ++this.#asked;
    if (!this.search || text === '') {
      this._entries = [];
      return;
    }
    try {
      const entries = await this.search(text);
      if (asked === this.#asked) {
        this._entries = entries;
        this._failed = '';
      }
    } catch (error) {
      if (asked === this.#asked) this._failed = `Directory search failed: ${error instanceof Error ? error.message : String(error)}`;
    }
  }

  override render() {
    if (this._failed) return html`<p class="muted" role="status">${this._failed}</p>`;
    if (this._entries.length === 0) return html``;
    return html`<ul aria-label="Directory matches">
      ${this._entries.map(
        (entry) => html`<li>
          <button type="button" class="secondary" @click=${() => emit(this, 'opencti-directory-pick', entry.number)}>
            ${entry.name} · ${KIND_LABELS[entry.kind]}${entry.state ? ` · ${entry.state}` : ''} · ${entry.number}
          </button>
        </li>`,
      )}
    </ul>`;
  }
}
customElements.define('opencti-directory-search', DirectorySearchList);

declare global {
  interface HTMLElementTagNameMap {
    'opencti-directory-search': DirectorySearchList;
  }
}
