/** `<opencti-login-form>`: agent id, password, optional extension; reports `opencti-login`. */
import { LitElement, html } from 'lit';
import { baseStyles, emit, uniqueId } from './styles.js';

export interface LoginDetail {
  readonly agentId: string;
  readonly agentPwd: string;
  readonly extension: string;
}

export class LoginForm extends LitElement {
  static override properties = { busy: { type: Boolean } };
  static override styles = baseStyles;
  declare busy: boolean;
  readonly #ids = { agent: uniqueId('agent'), pwd: uniqueId('pwd'), ext: uniqueId('ext') };

  constructor() {
    super();
    this.busy = false;
  }

  override render() {
    const ids = this.#ids;
    return html`<form aria-label="Agent login" @submit=${this.#submit}>
      <div class="row">
        <div class="field">
          <label for=${ids.agent}>Agent ID</label>
          <input id=${ids.agent} name="agentId" autocomplete="username" required />
        </div>
        <div class="field">
          <label for=${ids.pwd}>Password</label>
          <input id=${ids.pwd} name="agentPwd" type="password" autocomplete="current-password" required />
        </div>
        <div class="field">
          <label for=${ids.ext}>Extension (optional)</label>
          <input id=${ids.ext} name="extension" inputmode="tel" autocomplete="off" />
        </div>
        <button type="submit" ?disabled=${this.busy}>${this.busy ? 'Logging in…' : 'Log in'}</button>
      </div>
    </form>`;
  }

  #submit(event: SubmitEvent): void {
    event.preventDefault();
    const data = new FormData(event.target as HTMLFormElement);
    const text = (name: string) => String(data.get(name) ?? '').trim();
    emit<LoginDetail>(this, 'opencti-login', { agentId: text('agentId'), agentPwd: String(data.get('agentPwd') ?? ''), extension: text('extension') });
  }
}
customElements.define('opencti-login-form', LoginForm);
