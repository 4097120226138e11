/** What the desktop asks the server over REST, with the agent's session token. */
import type { MessageCatalog } from '../../framework/errors/cti-error.js';
import type { DirectoryEntry } from '../components/directory-search.js';
import { RestClient } from './rest.js';
import type { CustomerRecord, InteractionPatch, InteractionRecord } from './types.js';

export class DesktopApi {
  readonly #rest: RestClient;

  constructor(token: () => string | undefined, catalog?: MessageCatalog, baseUrl = '') {
    this.#rest = new RestClient({ token, catalog, baseUrl });
  }

  /** Every customer with this phone number (the screen-pop lookup). */
  customersByPhone(phone: string): Promise<CustomerRecord[]> {
    return this.#rest.get('/api/customers', { phone });
  }

  /** Agents (with their live state), queues and saved numbers matching the text. */
  async directory(text: string): Promise<DirectoryEntry[]> {
    const found = await this.#rest.get<{ entries: DirectoryEntry[] }>('/api/directory', { q: text, limit: 8 });
    return found.entries;
  }

  searchCustomers(search: string): Promise<CustomerRecord[]> {
    return this.#rest.get('/api/customers', { search, limit: 20 });
  }

  customer(id: string): Promise<CustomerRecord> {
    return this.#rest.get(`/api/customers/${encodeURIComponent(id)}`);
  }

  async interactionForCall(callId: string): Promise<InteractionRecord | undefined> {
    const found = await this.#rest.get<InteractionRecord[]>('/api/interactions', { callId });
    return found[0];
  }

  interactionsOfCustomer(customerId: string, limit = 10): Promise<InteractionRecord[]> {
    return this.#rest.get('/api/interactions', { customerId, limit });
  }

  updateInteraction(id: number, patch: InteractionPatch): Promise<InteractionRecord> {
    return this.#rest.patch(`/api/interactions/${id}`, patch);
  }
}
