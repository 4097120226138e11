/**
 * `<opencti-call-card>`: one call in progress — who, which line or queue, state, live duration —
 * and, when `controls` is set (full mode), the actions its state allows. Reports
 * `opencti-call-action` with { action, callId, destination?, digits?, party? }.
 */
import { LitElement, css, html } from 'lit';
import { isActive, isRinging } from '../../framework/session/reducer.js';
import type { RecordingState } from '../../framework/schema/events.js';
import type { CallView } from '../../framework/session/types.js';
import './call-duration.js';
import './destination-form.js';
import './dtmf-keypad.js';
import type { DestinationAction, DestinationDetail } from './destination-form.js';
import { callStateLabel, callTitle, placedByMe } from './format.js';
import { baseStyles, emit } from './styles.js';

export type CallAction =
  | 'answer'
  | 'hangUp'
  | 'hold'
  | 'retrieve'
  | 'dtmf'
  | 'blindTransfer'
  | 'transferInitiate'
  | 'conferenceInitiate'
  | 'consultationCall'
  | 'dropParty'
  | 'reject'
  | 'mute'
  | 'unmute'
  | 'startRecording'
  | 'pauseRecording'
  | 'resumeRecording'
  | 'stopRecording';

export interface CallActionDetail {
  readonly action: CallAction;
  readonly callId: string;
  readonly destination?: string;
  readonly digits?: string;
  readonly party?: string;
}

const RECORDING_LABELS: Record<RecordingState, string> = { Recording: 'Recording', Paused: 'Recording paused', Stopped: 'Recording stopped' };

const TRANSFER_ACTIONS: readonly DestinationAction[] = [
  { action: 'blindTransfer', label: 'Blind transfer' },
  { action: 'transferInitiate', label: 'Consult to transfer', secondary: true },
  { action: 'conferenceInitiate', label: 'Consult to conference', secondary: true },
  { action: 'consultationCall', label: 'Consult', secondary: true },
];

export class CallCard extends LitElement {
  static override properties = {
    call: { attribute: false },
    thisDN: { type: String },
    controls: { type: Boolean },
    busy: { type: Boolean },
    tones: { type: String },
    keypadOpen: { state: true },
  };
  static override styles = [
    baseStyles,
    css`
      article {
        border-left: 4px solid var(--cti-accent);
      }
      article.ringing {
        border-left-color: #d97706;
        background: #fff8eb;
      }
      article.held {
        border-left-color: var(--cti-muted);
        background: #f3f4f6;
      }
      header {
        display: flex;
        flex-wrap: wrap;
        justify-content: space-between;
        gap: 0.25rem 1rem;
        align-items: baseline;
      }
      .actions,
      .parties {
        margin-top: 0.6rem;
      }
      .parties ul {
        margin: 0.25rem 0 0;
        padding: 0;
        list-style: none;
        display: grid;
        gap: 0.25rem;
      }
      .parties li {
        display: flex;
        gap: 0.5rem;
        align-items: center;
      }
      .extra {
        margin-top: 0.6rem;
        display: grid;
        gap: 0.6rem;
      }
    `,
  ];
  declare call: CallView | undefined;
  declare thisDN: string;
  declare controls: boolean;
  declare busy: boolean;
  declare tones: string;
  declare keypadOpen: boolean;

  constructor() {
    super();
    this.call = undefined;
    this.thisDN = '';
    this.controls = false;
    this.busy = false;
    this.tones = '';
    this.keypadOpen = false;
  }

  override render() {
    const call = this.call;
    if (!call) return html``;
    const ringing = isRinging(call.state);
    const held = call.state === 'Held';
    const title = callTitle(call, this.thisDN);
    const line = [call.dnis && `dialled ${call.dnis}`, call.queue && `queue ${call.queue}`].filter(Boolean).join(' · ');
    return html`<article class="card ${ringing ? 'ringing' : held ? 'held' : ''}" aria-label=${`${title}, ${callStateLabel(call)}`}>
      <header>
        <h3>${title}</h3>
        <span
          ><span class="badge">${callStateLabel(call)}</span>
          ${call.muted ? html`<span class="badge bad">Muted</span>` : ''}
          ${call.recording ? html`<span class="badge">${RECORDING_LABELS[call.recording]}</span>` : ''}
          <opencti-call-duration .since=${call.answeredAt ?? call.startedAt}></opencti-call-duration></span>
      </header>
      ${line ? html`<div class="muted">${line}</div>` : ''}
      ${this.controls ? this.#controls(call, ringing, held) : ''}
    </article>`;
  }

  #controls(call: CallView, ringing: boolean, held: boolean) {
    const active = isActive(call.state);
    const canAnswer = ringing && !placedByMe(call, this.thisDN);
    const others = call.parties.filter((p) => p !== this.thisDN);
    return html`<div class="actions row" role="group" aria-label="Call controls">
        ${canAnswer ? html`<button class="ok" ?disabled=${this.busy} @click=${() => this.#act('answer')}>Answer</button>` : ''}
        ${canAnswer ? html`<button class="secondary" ?disabled=${this.busy} @click=${() => this.#act('reject')}>Reject</button>` : ''}
        ${active || held
          ? html`<button class="secondary" aria-pressed=${String(call.muted === true)} ?disabled=${this.busy} @click=${() => this.#act(call.muted ? 'unmute' : 'mute')}>
              ${call.muted ? 'Unmute' : 'Mute'}
            </button>`
          : ''}
        ${active || held ? this.#recordingControls(call) : ''}
        ${active ? html`<button class="secondary" ?disabled=${this.busy} @click=${() => this.#act('hold')}>Hold</button>` : ''}
        ${held ? html`<button ?disabled=${this.busy} @click=${() => this.#act('retrieve')}>Retrieve</button>` : ''}
        ${active
          ? html`<button class="secondary" aria-expanded=${String(this.keypadOpen)} @click=${() => (this.keypadOpen = !this.keypadOpen)}>Keypad</button>`
          : ''}
        <button class="danger" ?disabled=${this.busy} @click=${() => this.#act('hangUp')}>Hang up</button>
      </div>
      ${others.length > 1
        ? html`<div class="parties">
            <h4>Parties</h4>
            <ul>
              ${others.map(
                (party) => html`<li>
                  <span>${party}</span>
                  <button class="secondary" aria-label=${`Drop party ${party}`} ?disabled=${this.busy} @click=${() => this.#act('dropParty', { party })}>Drop</button>
                </li>`,
              )}
            </ul>
          </div>`
        : ''}
      <div class="extra">
        ${active && this.keypadOpen
          ? html`<opencti-dtmf-keypad .sent=${this.tones} ?disabled=${this.busy} @opencti-dtmf=${(e: CustomEvent<string>) => this.#act('dtmf', { digits: e.detail })}></opencti-dtmf-keypad>`
          : ''}
        ${active || held
          ? html`<opencti-destination-form
              label="Transfer or consult to"
              .actions=${active ? TRANSFER_ACTIONS : TRANSFER_ACTIONS.slice(0, 1)}
              ?disabled=${this.busy}
              @opencti-destination=${(e: CustomEvent<DestinationDetail>) => {
                e.stopPropagation();
                this.#act(e.detail.action as CallAction, { destination: e.detail.destination });
              }}
            ></opencti-destination-form>`
          : ''}
      </div>`;
  }

  /** The recording step the call's recording allows next: start, or pause/resume and stop. */
  #recordingControls(call: CallView) {
    const button = (action: CallAction, label: string) => html`<button class="secondary" ?disabled=${this.busy} @click=${() => this.#act(action)}>${label}</button>`;
    switch (call.recording) {
      case 'Recording':
        return html`${button('pauseRecording', 'Pause recording')} ${button('stopRecording', 'Stop recording')}`;
      case 'Paused':
        return html`${button('resumeRecording', 'Resume recording')} ${button('stopRecording', 'Stop recording')}`;
      default:
        return button('startRecording', 'Record');
    }
  }

  #act(action: CallAction, extra: Partial<CallActionDetail> = {}): void {
    if (!this.call) return;
    emit<CallActionDetail>(this, 'opencti-call-action', { action, callId: this.call.callId, ...extra });
  }
}
customElements.define('opencti-call-card', CallCard);
