/**
 * `<opencti-phone-panel>`: the browser phone as the agent sees it — whether this tab holds the
 * phone, ringing, a microphone problem to fix, Mute, the microphone and speaker to use, and the
 * call's audio quality (packets, loss, jitter from getStats). Nothing shows when the agent's
 * phone is not the browser.
 */
import { LitElement, css, html } from 'lit';
import { baseStyles, uniqueId } from '../components/styles.js';
import type { PhoneView, Softphone } from './softphone.js';

const STATUS: Record<PhoneView['status'], string> = {
  off: '',
  asking: 'Setting up the phone…',
  elsewhere: 'The phone is in another tab of this browser: calls ring there, and you can control them here.',
  registering: 'Connecting the phone…',
  registered: 'Phone ready in this tab',
  failed: 'The phone is not connected',
};

export class PhonePanel extends LitElement {
  static override properties = { phone: { attribute: false }, view: { attribute: false } };
  static override styles = [
    baseStyles,
    css`
      .problem {
        color: var(--cti-danger);
        font-weight: 600;
      }
      dl {
        display: grid;
        grid-template-columns: max-content 1fr;
        gap: 0.15rem 0.75rem;
        margin: 0.5rem 0 0;
      }
      dd {
        margin: 0;
      }
    `,
  ];
  declare phone: Softphone | undefined;
  declare view: PhoneView | undefined;
  readonly #micId = uniqueId('mic');
  readonly #speakerId = uniqueId('speaker');

  constructor() {
    super();
    this.phone = undefined;
    this.view = undefined;
  }

  override render() {
    const view = this.view;
    if (!view || view.status === 'off') return html``;
    const holds = view.status === 'registered' || view.status === 'registering' || view.status === 'failed';
    const stats = view.stats;
    return html`<section aria-labelledby="phone-title">
      <h3 id="phone-title">Phone</h3>
      <p role="status" aria-live="polite">${view.ringing ? 'Incoming call: ringing' : STATUS[view.status]}</p>
      ${view.problem ? html`<p class="problem" role="alert">${view.problem}</p>` : ''}
      ${holds
        ? html`<div class="row">
              <button class="secondary" aria-pressed=${String(view.muted)} @click=${() => this.phone?.setMuted(!view.muted)}>${view.muted ? 'Unmute' : 'Mute'}</button>
              ${view.microphones.length > 0
                ? html`<div class="field">
                    <label for=${this.#micId}>Microphone</label>
                    <select id=${this.#micId} @change=${(e: Event) => this.phone?.chooseMicrophone((e.target as HTMLSelectElement).value)}>
                      ${view.microphones.map((d) => html`<option value=${d.id} ?selected=${d.id === view.microphoneId}>${d.label}</option>`)}
                    </select>
                  </div>`
                : ''}
              ${view.speakers.length > 0
                ? html`<div class="field">
                    <label for=${this.#speakerId}>Speaker</label>
                    <select id=${this.#speakerId} @change=${(e: Event) => this.phone?.chooseSpeaker((e.target as HTMLSelectElement).value)}>
                      ${view.speakers.map((d) => html`<option value=${d.id} ?selected=${d.id === view.speakerId}>${d.label}</option>`)}
                    </select>
                  </div>`
                : ''}
            </div>
            ${view.muted ? html`<p role="status">Microphone muted: the caller hears nothing.</p>` : ''}`
        : ''}
      ${view.inCall && stats
        ? html`<dl aria-label="Call audio">
            <dt>Received</dt>
            <dd data-stat="received">${stats.packetsReceived} packets</dd>
            <dt>Sent</dt>
            <dd data-stat="sent">${stats.packetsSent} packets</dd>
            <dt>Sound sent</dt>
            <dd data-stat="sound-sent">${stats.sentEnergy.toFixed(3)}</dd>
            <dt>Packet loss</dt>
            <dd data-stat="loss">${stats.lossPercent.toFixed(1)} %</dd>
            <dt>Jitter</dt>
            <dd data-stat="jitter">${stats.jitterMs.toFixed(1)} ms</dd>
          </dl>`
        : ''}
    </section>`;
  }
}
customElements.define('opencti-phone-panel', PhonePanel);
