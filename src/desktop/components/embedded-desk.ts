/**
 * `<opencti-embedded-desk>`: the desktop around an embedded vendor panel — the button that opens
 * and closes the panel, click-to-call, the panel area itself (slot "vendor-panel", filled with a
 * light-DOM element the vendor renders into) and the screen pops the vendor's treatments asked for.
 * The page's "Download log" is in the desktop's connector bar.
 */
import { LitElement, css, html } from 'lit';
import type { EmbeddedHost } from '../app/embedded-host.js';
import { baseStyles, uniqueId } from './styles.js';

export class EmbeddedDesk extends LitElement {
  static override properties = { host: { attribute: false }, version: { type: Number }, errors: { attribute: false } };
  static override styles = [
    baseStyles,
    css`
      :host {
        display: grid;
        gap: 0.9rem;
        grid-column: 1 / -1;
      }
      .tools {
        display: flex;
        flex-wrap: wrap;
        gap: 0.5rem 1rem;
        align-items: end;
      }
      .panel {
        border: 1px solid var(--cti-border);
        border-radius: 10px;
        padding: 0.75rem;
        min-height: 8rem;
      }
      .pops {
        display: grid;
        gap: 0.9rem;
      }
      .pop {
        border: 1px solid var(--cti-border);
        border-radius: 10px;
        padding: 0.75rem;
      }
      dl {
        display: grid;
        grid-template-columns: max-content 1fr;
        gap: 0.25rem 0.75rem;
      }
      dd {
        margin: 0;
      }
    `,
  ];

  declare host: EmbeddedHost | undefined;
  declare version: number;
  declare errors: readonly string[];
  readonly #ids = { panel: uniqueId('panel'), number: uniqueId('number') };

  constructor() {
    super();
    this.host = undefined;
    this.version = 0;
    this.errors = [];
  }

  override render() {
    const host = this.host;
    if (!host) return '';
    const load = host.loadState;
    return html`
      <div class="tools" role="toolbar" aria-label="Phone">
        <button type="button" aria-expanded=${host.open ? 'true' : 'false'} aria-controls=${this.#ids.panel} @click=${() => host.setOpen(!host.open)}>
          ${host.open ? 'Close phone panel' : 'Open phone panel'}
        </button>
        <form aria-label="Click to call" @submit=${this.#call}>
          <div class="row">
            <div class="field">
              <label for=${this.#ids.number}>Number to call</label>
              <input id=${this.#ids.number} name="number" inputmode="tel" autocomplete="off" ?disabled=${!host.clickToCall} />
            </div>
            <button type="submit" ?disabled=${!host.clickToCall}>Call</button>
          </div>
          <p class="muted">${host.clickToCall ? 'Click-to-call is on' : 'Click-to-call is off'}</p>
        </form>
      </div>
      ${load.phase === 'loading' ? html`<p class="muted" role="status">Loading the phone panel…</p>` : ''}
      ${load.phase === 'failed' ? html`<p role="alert">The phone panel did not load: ${load.message}</p>` : ''}
      ${this.errors.length ? html`<ul role="alert" aria-label="Errors">${this.errors.map((e) => html`<li>${e}</li>`)}</ul>` : ''}
      <section id=${this.#ids.panel} class="panel" aria-label="Phone panel" ?hidden=${!host.open}>
        <slot name="vendor-panel"></slot>
      </section>
      <div class="pops">
        ${host.pops.length === 0 ? html`<p class="muted">Screen pops appear here when the phone panel hands a call over.</p>` : ''}
        ${host.pops.map(
          (pop) => html`<section class="pop" role="region" aria-label=${`Screen pop: ${pop.ani || pop.callId}`}>
            <h2>${pop.ani || 'Unknown caller'}</h2>
            <dl aria-label="Call data">
              <dt>Call</dt>
              <dd>${pop.callId} (${pop.callType})</dd>
              ${pop.dnis ? html`<dt>Dialled number</dt><dd>${pop.dnis}</dd>` : ''}
              ${Object.entries(pop.data).map(([name, value]) => html`<dt>${name}</dt><dd>${value}</dd>`)}
            </dl>
            <div class="row">
              <button type="button" ?disabled=${pop.answerRequested} @click=${() => host.answer(pop.callId)}>Answer</button>
              <button type="button" class="secondary" @click=${() => host.dismiss(pop.callId)}>Dismiss</button>
            </div>
          </section>`,
        )}
      </div>
    `;
  }

  #call(event: SubmitEvent): void {
    event.preventDefault();
    const number = String(new FormData(event.target as HTMLFormElement).get('number') ?? '');
    this.host?.call(number);
  }
}
customElements.define('opencti-embedded-desk', EmbeddedDesk);
