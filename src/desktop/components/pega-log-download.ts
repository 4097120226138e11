/**
 * `<opencti-pega-log-download>`: a "Download log" button for the page's pega log (what the
 * hosted implementation wrote through pega.cti.Logger), saved as a text file to send with a
 * problem report.
 */
import { LitElement, html } from 'lit';
import type { PegaNamespace } from '../../pega/namespace.js';
import { baseStyles } from './styles.js';

export class PegaLogDownload extends LitElement {
  static override styles = baseStyles;

  override render() {
    return html`<button type="button" class="secondary" @click=${this.#download}>Download log</button>`;
  }

  #download(): void {
    const pega = (globalThis as { pega?: PegaNamespace }).pega;
    const text = pega?.cti.Logger.text() ?? '';
    const url = URL.createObjectURL(new Blob([text === '' ? '(the log is empty)\n' : `${text}\n`], { type: 'text/plain' }));
    const link = document.createElement('a');
    link.href = url;
    link.download = `opencti-log-${new Date().toISOString().replace(/[:.]/g, '-')}.txt`;
    link.click();
    setTimeout(() => URL.revokeObjectURL(url), 60_000);
  }
}
customElements.define('opencti-pega-log-download', PegaLogDownload);
