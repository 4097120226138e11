/**
 * `<opencti-desktop>`: the CSR desktop page. The telephony mode comes from `?mode=` (default full)
 * and picks one of the built-in application contexts; the page binds a framework Session on the
 * reference connector to the Call Control Panel and shows the screen pops and interactions.
 * The agent's server session is kept in localStorage so a reload or a second tab attaches to it.
 * When the server configures a hosted implementation (a Pega implementation file, see
 * hosted-config.ts), the Session binds that instead and the REST features degrade (vendor-desktop-api.ts).
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
// The browser phone (and its panel's element) is a chunk of its own, fetched once an agent is logged in.
import type { PhoneView, Softphone } from '../phone/softphone.js';
import { WorkItems, type WorkItem } from './work-items.js';
import { hostedContext, readHostedConfig, type HostedConfig } from './hosted-config.js';
import { bindDesktopImplementation } from './hosted-implementation.js';
import { notAvailableMessage, VendorDesktopApi } from './vendor-desktop-api.js';
import '../components/pega-log-download.js';
// The embedded variant's host and panel element are a chunk of their own, loaded only by a page configured for it.
import type { EmbeddedHost } from './embedded-host.js';

const MODES: readonly { mode: TelephonyMode; label: string }[] = [
  { mode: 'simple', label: 'Simple' },
  { mode: 'agentState', label: 'Agent state' },
  { mode: 'full', label: 'Full' },
];

export class DesktopApp extends LitElement {
  static override properties = { _items: { state: true }, _session: { state: true }, _status: { state: true }, _resuming: { state: true }, _hostError: { state: true }, _embeddedVersion: { state: true }, _embeddedErrors: { state: true }, _phoneView: { state: true } };
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
  /** Why the hosted implementation could not be bound, shown instead of the controls. */
  declare _hostError: string;
  declare _embeddedVersion: number;
  declare _embeddedErrors: readonly string[];
  declare _phoneView: PhoneView | undefined;
  #phone: Softphone | undefined;
  readonly mode: TelephonyMode;
  readonly context: ApplicationContext;
  readonly #store = new AgentSessionStore(localStorage);
  readonly #drafts = new DraftStore(localStorage);
  #connector: DesktopConnector | undefined;
  readonly #api: DesktopApi;
  readonly #work: WorkItems;
  readonly #directory = (text: string) => this.#api.directory(text);
  #offServerLogout: (() => void) | undefined;
  readonly #hosted: HostedConfig | undefined;
  #embedded: EmbeddedHost | undefined;
  #embeddedLoading = false;
  readonly #onPageHide = () => this.#embedded?.unload();

  constructor() {
    super();
    this._hostError = '';
    this._embeddedVersion = 0;
    this._embeddedErrors = [];
    this.#hosted = this.#readHosted();
    this.mode = parseMode(location.search);
    const context = contextFor(this.mode, ctiUrlFor(location), answeringFrom(location.search));
    this.context = this.#hosted ? hostedContext(context, this.#hosted) : context;
    this._items = [];
    this._session = undefined;
    this._status = '';
    this._resuming = false;
    this.#api = this.#hosted
      ? new VendorDesktopApi(this.#hosted.vendor)
      : new DesktopApi(() => this.#connector?.session?.token, { locale: this.context.locale });
    this._phoneView = undefined;
    this.#work = new WorkItems({
      api: this.#api,
      wrapUp: this.context.wrapUp,
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
    this.#stopEmbedded();
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
      ${this.#hostedBar()}
      ${this.#hosted?.variant === 'embedded' ? this.#embeddedMain() : this.#desktopMain(session, thisDN)}
    `;
  }

  #desktopMain(session: Session | undefined, thisDN: string) {
    return html`
      <main>
        <div>
          ${this._resuming ? html`<p class="muted" role="status">Reconnecting to your session…</p>` : ''}
          <opencti-call-control-panel .session=${session} .context=${this.context} .directory=${this.#directory}></opencti-call-control-panel>
          <opencti-phone-panel .phone=${this.#phone} .view=${this._phoneView}></opencti-phone-panel>
        </div>
        <div class="pops" role="region" aria-label="Screen pops">
          ${this._items.length === 0 ? html`<p class="empty muted">Screen pops appear here when a call arrives.</p>` : ''}
          ${this._items.map(
            (item) => html`<opencti-work-item
              .item=${item}
              .thisDN=${thisDN}
              .search=${this.#work.searchCustomers}
              .wrapUp=${this.context.wrapUp}
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
    if (this.#hosted) return this.#newHostedSession(this.#hosted);
    const connector = new DesktopConnector(this.#store);
    const session = new Session({
      context: this.context,
      implementation: connector,
      customerLookup: (ani) => this.#api.customersByPhone(ani) as Promise<Customer[]>,
    });
    this.#connector = connector;
    this.#follow(session);
    this.#bindPhone(connector, session);
  }

  /** Binds the session events every session of the page needs. */
  #follow(session: Session): void {
    this._session = session;
    this.#work.bind(session);
    // Logged out elsewhere (another tab, the server): start over with the login form.
    this.#offServerLogout = session.on('agentState', (agent) => {
      if (agent.state !== 'Logout' || !session.state.loggedIn) return;
      this.#store.clear();
      this.#work.clear();
      this._status = agent.reasonCode ? `You were logged out: ${agent.reasonCode}` : 'You were logged out';
      // A logout with a reason (a supervisor's) stays on screen above the login form.
      const why = agent.reasonCode;
      queueMicrotask(() => {
        this.#newSession();
        if (why) this.#panel()?.showError(new Error(`You were logged out: ${why}`));
      });
    });
  }

  // ---- hosted implementation (docs/pega-hosting.md) ----

  /** The configured hosted implementation; a broken configuration block is shown, not thrown. */
  #readHosted(): HostedConfig | undefined {
    try {
      return readHostedConfig(document);
    } catch (error) {
      this._hostError = (error as Error).message;
      return undefined;
    }
  }

  /** A Session on the implementation the vendor's script registered; no reference-server token. */
  #newHostedSession(hosted: HostedConfig): void {
    this.#connector = undefined;
    if (hosted.variant === 'embedded') return this.#startEmbedded(hosted);
    try {
      const { implementation } = bindDesktopImplementation(hosted.vendor);
      this.#follow(new Session({ context: this.context, implementation }));
    } catch (error) {
      this._session = undefined;
      this._hostError = error instanceof Error ? error.message : String(error);
    }
  }

  /** The vendor's panel gets its area (a light-DOM element slotted through) and is loaded into it. */
  #startEmbedded(hosted: HostedConfig): void {
    if (this.#embedded || this.#embeddedLoading) return;
    this.#embeddedLoading = true;
    Promise.all([import('./embedded-host.js'), import('../components/embedded-desk.js')])
      .then(([{ EmbeddedHost, PANEL_ID }]) => {
        this.#embeddedLoading = false;
        if (this.isConnected) this.#startEmbeddedHost(hosted, EmbeddedHost, PANEL_ID);
      })
      .catch((error: unknown) => {
        this.#embeddedLoading = false;
        this._hostError = error instanceof Error ? error.message : String(error);
      });
  }

  #startEmbeddedHost(hosted: HostedConfig, Host: typeof EmbeddedHost, PANEL_ID: string): void {
    if (this.#embedded) return;
    if (!this.querySelector(`#${PANEL_ID}`)) {
      const area = document.createElement('div');
      area.id = PANEL_ID;
      area.slot = 'vendor-panel';
      this.append(area);
    }
    const host = new Host({
      vendor: hosted.vendor,
      link: hosted.ctiLink,
      changed: () => (this._embeddedVersion += 1),
      error: (message) => (this._embeddedErrors = [...this._embeddedErrors, message].slice(-5)),
    });
    try {
      host.start();
    } catch (error) {
      this._hostError = error instanceof Error ? error.message : String(error);
      return;
    }
    this.#embedded = host;
    this._embeddedVersion += 1;
    window.addEventListener('pagehide', this.#onPageHide);
  }

  #stopEmbedded(): void {
    window.removeEventListener('pagehide', this.#onPageHide);
    this.#embedded?.unload();
    this.#embedded = undefined;
  }

  #embeddedMain() {
    return html`<main>
      <opencti-embedded-desk .host=${this.#embedded} .version=${this._embeddedVersion} .errors=${this._embeddedErrors}>
        <slot name="vendor-panel" slot="vendor-panel"></slot>
      </opencti-embedded-desk>
    </main>`;
  }

  /** Which implementation the page is bound to, what is not available with it, and its log. */
  #hostedBar() {
    if (this._hostError) return html`<p role="alert" class="empty">The desktop cannot start: ${this._hostError}</p>`;
    if (!this.#hosted) return '';
    return html`<section class="bar" aria-label="Connector">
      <p class="muted">Connected through ${this.#hosted.vendor}. ${notAvailableMessage(this.#hosted.vendor)}.</p>
      <opencti-pega-log-download></opencti-pega-log-download>
    </section>`;
  }

  /**
   * The browser phone of this session (SIP back end, phone kind "webrtc"): idle for other agents.
   * Its code is fetched when the agent is logged in (the login form does not need it); the phone
   * asks the server for its setup only then, so no phone command can come before it.
   */
  #bindPhone(connector: DesktopConnector, session: Session): void {
    this.#phone?.dispose();
    this.#phone = undefined;
    this._phoneView = undefined;
    const current = () => this._session === session && this.#phone === undefined && this.isConnected;
    let loading = false;
    const bind = (): void => {
      if (loading || !session.state.loggedIn || !current()) return;
      loading = true;
      Promise.all([import('../phone/softphone.js'), import('../phone/phone-panel.js')])
        .then(([{ Softphone }]) => {
          if (!current()) return;
          off();
          // The phone follows the session from here, logged in or not (as it did from the start).
          this.#phone = new Softphone(connector, session, (view) => (this._phoneView = view));
          this._phoneView = this.#phone.view;
        })
        .catch(() => undefined) // not fetched (network): the next agent state tries again
        .finally(() => (loading = false));
    };
    const off = session.on('agentState', bind);
    bind();
  }

  /** Attaches to the server session this browser keeps, if any. */
  async #resume(): Promise<void> {
    if (this.#hosted) return;
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
