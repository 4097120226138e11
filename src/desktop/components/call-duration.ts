/** `<opencti-call-duration>`: a live mm:ss since a moment, ticking once a second while connected. */
import { LitElement, html } from 'lit';
import { formatDuration } from './format.js';

export class CallDuration extends LitElement {
  static override properties = { since: { type: String } };
  declare since: string;
  #timer: ReturnType<typeof setInterval> | undefined;

  constructor() {
    super();
    this.since = '';
  }

  override connectedCallback(): void {
    super.connectedCallback();
    this.#timer = setInterval(() => this.requestUpdate(), 1000);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    if (this.#timer) clearInterval(this.#timer);
  }

  override render() {
    const start = Date.parse(this.since);
    const text = Number.isNaN(start) ? '--:--' : formatDuration(Date.now() - start);
    // Not a live region: a screen reader would read it every second.
    return html`<span>${text}</span>`;
  }
}
customElements.define('opencti-call-duration', CallDuration);
