/**
 * The desktop's REST features when it is bound to a vendor's implementation: customers and
 * interactions live on the reference server and are reached with the agent's session token there,
 * which a vendor connector does not have. Lookups find nothing (the pop shows an unknown caller);
 * what would write or read an interaction fails with one clear message instead of a 401.
 */
import type { DirectoryEntry } from '../components/directory-search.js';
import { CtiError } from '../../framework/errors/cti-error.js';
import { DesktopApi } from '../api/desktop-api.js';
import type { CustomerRecord, InteractionRecord } from '../api/types.js';

export const notAvailableMessage = (vendor: string) =>
  `Customer records and interaction notes are kept by the reference CTI server; this desktop is connected through ${vendor}, so they are not available`;

export class VendorDesktopApi extends DesktopApi {
  readonly #vendor: string;

  constructor(vendor: string) {
    super(() => undefined);
    this.#vendor = vendor;
  }

  #unavailable(): CtiError {
    return new CtiError('OPENCTI_ERR_PASS', notAvailableMessage(this.#vendor));
  }

  override async customersByPhone(): Promise<CustomerRecord[]> {
    return [];
  }

  /** No directory without the reference server: the forms take typed numbers only. */
  override async directory(): Promise<DirectoryEntry[]> {
    return [];
  }

  override async searchCustomers(): Promise<CustomerRecord[]> {
    throw this.#unavailable();
  }

  override async customer(): Promise<CustomerRecord> {
    throw this.#unavailable();
  }

  override async interactionForCall(): Promise<InteractionRecord | undefined> {
    throw this.#unavailable();
  }

  override async interactionsOfCustomer(): Promise<InteractionRecord[]> {
    return [];
  }

  override async updateInteraction(): Promise<InteractionRecord> {
    throw this.#unavailable();
  }
}
