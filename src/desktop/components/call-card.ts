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
import type { DirectorySearch } from './directory-search.js';
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

/** The request each action sends, as pyCapabilities names it. */
const REQUEST_OF: Record<CallAction, string> = {
  answer: 'answerCall',
  hangUp: 'hangUpCall',
  hold: 'holdCall',
  retrieve: 'retrieveCall',
  dtmf: 'sendDTMF',
  blindTransfer: 'blindTransfer',
  transferInitiate: 'transferInitiate',
  conferenceInitiate: 'conferenceInitiate',
  consultationCall: 'consultationCall',
  dropParty: 'dropParty',
  reject: 'rejectCall',
  mute: 'muteCall',
  unmute: 'unmuteCall',
  startRecording: 'startRecording',
  pauseRecording: 'pauseRecording',
  resumeRecording: 'resumeRecording',
  stopRecording: 'stopRecording',
};

const RECORDING_ACTIONS: ReadonlySet<CallAction> = new Set<CallAction>(['startRecording', 'pauseRecording', 'resumeRecording', 'stopRecording']);

/** Why an action the call's state would allow is not offered: the server left it out of the call's capabilities. */
export function unavailableReason(call: CallView, action: CallAction, label: string): string | undefined {
  // Recording steps follow the call's recording state (pyRecordingState), not pyCapabilities.
  if (call.capabilities === undefined || RECORDING_ACTIONS.has(action) || call.capabilities.includes(REQUEST_OF[action])) return undefined;
  return `${label} is not available on this call: your phone or the call does not allow it`;
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
    directory: { attribute: false },
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
  /** Searches the directory for the transfer and consult form; absent = type numbers only. */
  declare directory: DirectorySearch | undefined;
  declare keypadOpen: boolean;

  constructor() {
    super();
    this.call = undefined;
    this.thisDN = '';
    this.controls = false;
    this.busy = false;
    this.tones = '';
    this.directory = undefined;
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
    const transferActions = (active ? TRANSFER_ACTIONS : TRANSFER_ACTIONS.slice(0, 1)).map((a) => ({
      ...a,
      unavailable: unavailableReason(call, a.action as CallAction, a.label),
    }));
    return html`<div class="actions row" role="group" aria-label="Call controls">
        ${canAnswer ? this.#button(call, 'answer', 'Answer', 'ok') : ''}
        ${canAnswer ? this.#button(call, 'reject', 'Reject', 'secondary') : ''}
        ${active || held ? this.#muteToggle(call) : ''}
        ${active || held ? this.#recordingControls(call) : ''}
        ${active ? this.#button(call, 'hold', 'Hold', 'secondary') : ''}
        ${held ? this.#button(call, 'retrieve', 'Retrieve', '') : ''}
        ${active
          ? html`<button class="secondary" aria-expanded=${String(this.keypadOpen)} @click=${() => (this.keypadOpen = !this.keypadOpen)}>Keypad</button>`
          : ''}
        ${this.#button(call, 'hangUp', 'Hang up', 'danger')}
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
              .actions=${transferActions}
              .directory=${this.directory}
              ?disabled=${this.busy}
              @opencti-destination=${(e: CustomEvent<DestinationDetail>) => {
                e.stopPropagation();
                this.#act(e.detail.action as CallAction, { destination: e.detail.destination });
              }}
            ></opencti-destination-form>`
          : ''}
      </div>`;
  }

  /** A button for an action; disabled, with the reason, when the call's capabilities leave it out. */
  #button(call: CallView, action: CallAction, label: string, tone: string) {
    const why = unavailableReason(call, action, label);
    const whyId = `${call.callId}-${action}-why`;
    return html`<button class=${tone} ?disabled=${this.busy || why !== undefined} title=${why ?? ''}
        aria-describedby=${why === undefined ? '' : whyId} @click=${() => this.#act(action)}>${label}</button>
      ${why === undefined ? '' : html`<span id=${whyId} class="visually-hidden">${why}</span>`}`;
  }

  /** Mute or Unmute as the leg stands, pressed while muted; disabled with the reason when the call does not allow it. */
  #muteToggle(call: CallView) {
    const action: CallAction = call.muted ? 'unmute' : 'mute';
    const label = call.muted ? 'Unmute' : 'Mute';
    const why = unavailableReason(call, action, label);
    return html`<button class="secondary" aria-pressed=${String(call.muted === true)} ?disabled=${this.busy || why !== undefined} title=${why ?? ''}
      @click=${() => this.#act(action)}>${label}</button>`;
  }

  /** The recording step the call's recording allows next: start, or pause/resume and stop. */
  #recordingControls(call: CallView) {
    const button = (action: CallAction, label: string) => this.#button(call, action, label, 'secondary');
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
