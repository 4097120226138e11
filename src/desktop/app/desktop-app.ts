/**
 * `<opencti-desktop>`: the CSR desktop page. The telephony mode comes from `?mode=` (default full)
 * and picks one of the built-in application contexts; the page binds a framework Session on the
 * reference connector to the Call Control Panel and shows the screen pops and interactions.
 * The agent's server session is kept in localStorage so a reload or a second tab attaches to it.
 */
import { LitElement, css, html } from 'lit';
import { CtiError } from '../../framework/errors/cti-error.js';
import type { ApplicationContext, TelephonyMode } from '../../framework/schema/context.js';
import { Session } from '../../framework/session/session.js';
import type { Customer } from '../../framework/session/types.js';
import { DesktopApi } from '../api/desktop-api.js';
import '../components/call-control-panel.js';
import '../components/work-item.js';
import type { CallControlPanel } from '../components/call-control-panel.js';
import type { InteractionDraft } from '../components/interaction-form.js';
import { baseStyles } from '../components/styles.js';
import type { CustomerRecord } from '../api/types.js';
import { AgentSessionStore, DesktopConnector } from './agent-link.js';
import { answeringFrom, contextFor, ctiUrlFor, parseMode } from './contexts.js';
import { DraftStore } from './drafts.js';
import '../phone/phone-panel.js';
import { Softphone, type PhoneView } from '../phone/softphone.js';
import { WorkItems, type WorkItem } from './work-items.js';

const MODES: readonly { mode: TelephonyMode; label: string }[] = [
  { mode: 'simple', label: 'Simple' },
  { mode: 'agentState', label: 'Agent state' },
  { mode: 'full', label: 'Full' },
];

export class DesktopApp extends LitElement {
  static override properties = { _items: { state: true }, _session: { state: true }, _status: { state: true }, _resuming: { state: true }, _phoneView: { state: true } };
  static override styles = [
    baseStyles,
    css`
      :host {
        max-width: 1280px;
        margin: 0 auto;
        padding: 0.75rem;
      }
      .bar {
        display: flex;
        flex-wrap: wrap;
        gap: 0.5rem 1.25rem;
        align-items: center;
        justify-content: space-between;
        margin-bottom: 0.75rem;
      }
      h1 {
        font-size: 1.25rem;
        margin: 0;
      }
      nav ul {
        display: flex;
        flex-wrap: wrap;
        gap: 0.25rem 0.75rem;
        list-style: none;
        margin: 0;
        padding: 0;
      }
      nav a {
        color: var(--cti-accent);
      }
      nav a[aria-current='page'] {
        font-weight: 700;
        text-decoration: none;
      }
      main {
        display: grid;
        gap: 0.9rem;
        grid-template-columns: minmax(0, 1fr);
      }
      @media (min-width: 900px) {
        main {
          grid-template-columns: minmax(0, 5fr) minmax(0, 6fr);
          align-items: start;
        }
      }
      .pops {
        display: grid;
        gap: 0.9rem;
      }
      .empty {
        border: 2px dashed var(--cti-border);
        border-radius: 10px;
        padding: 1.25rem;
        text-align: center;
      }
    `,
  ];

  declare _items: readonly WorkItem[];
  declare _session: Session | undefined;
  declare _status: string;
  declare _resuming: boolean;
  declare _phoneView: PhoneView | undefined;
  #phone: Softphone | undefined;
  readonly mode: TelephonyMode;
  readonly context: ApplicationContext;
  readonly #store = new AgentSessionStore(localStorage);
  readonly #drafts = new DraftStore(localStorage);
  #connector: DesktopConnector | undefined;
  readonly #api: DesktopApi;
  readonly #work: WorkItems;
  #offServerLogout: (() => void) | undefined;

  constructor() {
    super();
    this.mode = parseMode(location.search);
    this.context = contextFor(this.mode, ctiUrlFor(location), answeringFrom(location.search));
    this._items = [];
    this._session = undefined;
    this._status = '';
    this._resuming = false;
    this._phoneView = undefined;
    this.#api = new DesktopApi(() => this.#connector?.session?.token, { locale: this.context.locale });
    this.#work = new WorkItems({
      api: this.#api,
      drafts: this.#drafts,
      changed: (items) => (this._items = items),
      error: (error) => this.#panel()?.showError(error),
      announce: (message) => (this._status = message),
      popped: (call) => {
        void this.updateComplete.then(() =>
          window.dispatchEvent(new CustomEvent('opencti-screen-pop', { detail: { callId: call.callId, ani: call.ani } })),
        );
      },
    });
  }

  override connectedCallback(): void {
    super.connectedCallback();
    if (!this._session) this.#newSession();
    void this.#resume();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.#work.unbind();
    this.#offServerLogout?.();
    this.#phone?.dispose();
  }

  override render() {
    const session = this._session;
    const thisDN = session?.state.agent.extension ?? '';
    return html`
      <header class="bar">
        <h1>OpenCTI desktop</h1>
        <nav aria-label="Pages">
          <ul>
            ${MODES.map(
              ({ mode, label }) => html`<li><a href=${`/?mode=${mode}`} aria-current=${mode === this.mode ? 'page' : 'false'}>${label}</a></li>`,
            )}
            <li><a href="/simulator" target="_blank" rel="noopener">Caller simulator</a></li>
          </ul>
        </nav>
      </header>
      <p class="visually-hidden" role="status" aria-live="polite">${this._status}</p>
      <main>
        <div>
          ${this._resuming ? html`<p class="muted" role="status">Reconnecting to your session…</p>` : ''}
          <opencti-call-control-panel .session=${session} .context=${this.context}></opencti-call-control-panel>
          <opencti-phone-panel .phone=${this.#phone} .view=${this._phoneView}></opencti-phone-panel>
        </div>
        <div class="pops" role="region" aria-label="Screen pops">
          ${this._items.length === 0 ? html`<p class="empty muted">Screen pops appear here when a call arrives.</p>` : ''}
          ${this._items.map(
            (item) => html`<opencti-work-item
              .item=${item}
              .thisDN=${thisDN}
              .search=${this.#work.searchCustomers}
              @opencti-accept=${() => void this.#work.accept(item.callId)}
              @opencti-choose-customer=${(e: CustomEvent<CustomerRecord | undefined>) => void this.#work.chooseCustomer(item.callId, e.detail)}
              @opencti-interaction-draft=${(e: CustomEvent<InteractionDraft>) => this.#work.draft(item.callId, e.detail)}
              @opencti-interaction-save=${(e: CustomEvent<InteractionDraft>) => void this.#work.save(item.callId, e.detail, false)}
              @opencti-interaction-wrap-up=${(e: CustomEvent<InteractionDraft>) => void this.#work.save(item.callId, e.detail, true)}
            ></opencti-work-item>`,
          )}
        </div>
      </main>
    `;
  }

  #panel(): CallControlPanel | null {
    return this.renderRoot.querySelector('opencti-call-control-panel');
  }

  /** A fresh connector and Session; the customer lookup asks the server with the agent's token. */
  #newSession(): void {
    this.#offServerLogout?.();
    this._session?.dispose();
    this.#connector?.close();
    const connector = new DesktopConnector(this.#store);
    const session = new Session({
      context: this.context,
      implementation: connector,
      customerLookup: (ani) => this.#api.customersByPhone(ani) as Promise<Customer[]>,
    });
    this.#connector = connector;
    this._session = session;
    this.#bindPhone(connector, session);
    this.#work.bind(session);
    // Logged out elsewhere (another tab, the server): start over with the login form.
    this.#offServerLogout = session.on('agentState', (agent) => {
      if (agent.state !== 'Logout' || !session.state.loggedIn) return;
      this.#store.clear();
      this.#work.clear();
      this._status = 'You were logged out';
      queueMicrotask(() => this.#newSession());
    });
  }

  /** The browser phone of this session (SIP back end, phone kind "webrtc"): idle for other agents. */
  #bindPhone(connector: DesktopConnector, session: Session): void {
    this.#phone?.dispose();
    this.#phone = new Softphone(connector, session, (view) => (this._phoneView = view));
    this._phoneView = this.#phone.view;
  }

  /** Attaches to the server session this browser keeps, if any. */
  async #resume(): Promise<void> {
    const kept = this.#store.load();
    const session = this._session;
    if (!kept || !session || session.state.loggedIn) return;
    this._resuming = true;
    try {
      await session.login({ agentId: kept.agentId, agentPwd: '' });
    } catch (error) {
      if (error instanceof CtiError && error.errCode === 'OPENCTI_AGENT_NOT_LOGGED_IN') {
        this._status = 'Your earlier session has ended: log in again';
        this.#newSession();
      } else this.#panel()?.showError(error);
    } finally {
      this._resuming = false;
    }
  }
}
customElements.define('opencti-desktop', DesktopApp);
