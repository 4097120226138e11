/**
 * The desktop's work: one item per call that popped (or came back after a reload), holding the
 * customer match, the chosen customer, the interaction on the server, the notes being written and
 * the customer's earlier interactions. Items outlive their call until the CSR wraps them up.
 */
import { CtiError } from '../../framework/errors/cti-error.js';
import type { Session } from '../../framework/session/session.js';
import type { CallView, CustomerMatch, InteractionStart, ScreenPop } from '../../framework/session/types.js';
import { treatmentFor } from '../../framework/treatment.js';
import { isRinging } from '../../framework/session/reducer.js';
import type { DesktopApi } from '../api/desktop-api.js';
import type { CustomerRecord, InteractionRecord } from '../api/types.js';
import { missingForWrapUp, type InteractionDraft } from '../components/interaction-form.js';
import type { WrapUp } from '../../framework/schema/context.js';
import { placedByMe } from '../components/format.js';
import type { DraftStore } from './drafts.js';

export interface WorkItem {
  readonly callId: string;
  readonly call: CallView;
  readonly ended: boolean;
  /** The call data the treatment names, for the pop. */
  readonly data: Readonly<Record<string, string>>;
  /** Customers the lookup by ANI found (undefined while looking). */
  readonly candidates: readonly CustomerRecord[] | undefined;
  readonly customer: CustomerRecord | undefined;
  /** The pop waits for the CSR to accept it (screenPopThenAccept). */
  readonly needsAccept: boolean;
  /** The interaction has started: notes can be written. */
  readonly started: boolean;
  readonly interaction: InteractionRecord | undefined;
  readonly history: readonly InteractionRecord[] | undefined;
  readonly draft: InteractionDraft;
  readonly busy: boolean;
  readonly wrappedUp: boolean;
}

export interface WorkItemsHost {
  readonly api: DesktopApi;
  /** The context's dispositions and what a wrap-up requires. */
  readonly wrapUp?: WrapUp | undefined;
  readonly drafts: DraftStore;
  changed(items: readonly WorkItem[]): void;
  error(error: unknown): void;
  announce(message: string): void;
  /** A pop was put on screen for this call. */
  popped(call: CallView): void;
}

const customersOf = (match: CustomerMatch): CustomerRecord[] =>
  (match.kind === 'one' ? [match.customer] : match.kind === 'several' ? [...match.customers] : []) as CustomerRecord[];

export class WorkItems {
  readonly #host: WorkItemsHost;
  #items = new Map<string, WorkItem>();
  #session: Session | undefined;
  #unsubscribe: (() => void)[] = [];

  constructor(host: WorkItemsHost) {
    this.#host = host;
  }

  get items(): readonly WorkItem[] {
    return [...this.#items.values()];
  }

  /** Follows a session's pops, interaction starts, call changes and calls restored by a Snapshot. */
  bind(session: Session): void {
    this.unbind();
    this.#session = session;
    this.#unsubscribe = [
      session.on('screenPop', (pop) => this.#onPop(pop)),
      session.on('interactionStart', (start) => this.#onStart(start)),
      session.on('callAdded', (call) => this.#onCallAdded(session, call)),
      session.on('call', (call) => this.#patch(call.callId, { call })),
      session.on('callEnded', (call) => this.#onEnded(call)),
      session.on('loggedOut', () => this.clear()),
    ];
  }

  unbind(): void {
    for (const off of this.#unsubscribe) off();
    this.#unsubscribe = [];
    this.#session = undefined;
  }

  clear(): void {
    this.#items = new Map();
    this.#emit();
  }

  /** The CSR chose the caller among several matches or from a search. */
  async chooseCustomer(callId: string, customer: CustomerRecord | undefined): Promise<void> {
    const item = this.#items.get(callId);
    if (!item) return;
    this.#patch(callId, { customer, history: undefined });
    if (item.started && customer) await this.#link(callId, customer);
  }

  /** The CSR accepted the pop: the interaction starts (the framework emits interactionStart). */
  async accept(callId: string): Promise<void> {
    const item = this.#items.get(callId);
    const session = this.#session;
    if (!item || !session) return;
    this.#patch(callId, { busy: true });
    try {
      await session.acceptScreenPop(callId, item.customer?.id);
    } catch (error) {
      this.#host.error(error);
    } finally {
      this.#patch(callId, { busy: false });
    }
  }

  draft(callId: string, draft: InteractionDraft): void {
    this.#host.drafts.save(callId, draft);
    const item = this.#items.get(callId);
    if (item) this.#items.set(callId, { ...item, draft });
  }

  /**
   * Saves notes and disposition; with `wrapUp` the interaction is closed (the server then ends the
   * agent's after-call work) and the item goes when its call has ended. A wrap-up missing what
   * the context requires is refused, naming it.
   */
  async save(callId: string, draft: InteractionDraft, wrapUp: boolean): Promise<boolean> {
    const item = this.#items.get(callId);
    if (!item) return false;
    this.draft(callId, draft);
    const missing = wrapUp ? missingForWrapUp(draft, this.#host.wrapUp) : [];
    if (missing.length > 0) {
      const choices = missing.includes('disposition') ? `: choose one of ${(this.#host.wrapUp?.dispositions ?? []).map((d) => d.label).join(', ')}` : '';
      this.#host.error(new Error(`Cannot wrap up: ${missing.join(' and ')} required${choices}`));
      return false;
    }
    this.#patch(callId, { busy: true });
    try {
      const interaction = item.interaction ?? (await this.#fetchInteraction(callId));
      if (!interaction) {
        throw new CtiError('OPENCTI_HTTP_ERROR_404', `the server has no interaction for call ${callId}`);
      }
      const saved = await this.#host.api.updateInteraction(interaction.id, {
        notes: draft.notes,
        disposition: draft.disposition === '' ? null : draft.disposition,
        ...(item.customer ? { customerId: item.customer.id } : {}),
        ...(wrapUp ? { status: 'wrapped-up' as const } : {}),
      });
      this.#host.announce(wrapUp ? `Interaction ${saved.id} wrapped up` : `Notes of interaction ${saved.id} saved`);
      if (wrapUp) {
        this.#host.drafts.clear(callId);
        if (item.ended || !this.#session?.state.calls.some((c) => c.callId === callId)) {
          this.#items.delete(callId);
          this.#emit();
        } else this.#patch(callId, { wrappedUp: true, interaction: saved });
      } else this.#patch(callId, { interaction: saved });
      return true;
    } catch (error) {
      this.#host.error(error);
      return false;
    } finally {
      this.#patch(callId, { busy: false });
    }
  }

  searchCustomers = (text: string): Promise<CustomerRecord[]> => this.#host.api.searchCustomers(text);

  // ---- events ----

  #onPop(pop: ScreenPop): void {
    const candidates = customersOf(pop.match);
    this.#put(pop.call, {
      data: pop.data,
      candidates,
      customer: candidates.length === 1 ? candidates[0] : this.#items.get(pop.call.callId)?.customer,
      needsAccept: pop.needsAccept,
    });
    const customer = pop.match.kind === 'one' ? pop.match.customer.name : pop.match.kind === 'several' ? `${pop.match.customers.length} matching customers` : 'unknown caller';
    this.#host.announce(`Screen pop: ${customer}`);
    this.#host.popped(pop.call);
  }

  #onStart(start: InteractionStart): void {
    const existing = this.#items.get(start.call.callId);
    const candidates = existing?.candidates ?? customersOf(start.match);
    const customer = (start.customer as CustomerRecord | undefined) ?? existing?.customer ?? candidates.find((c) => c.id === start.customerId);
    this.#put(start.call, { candidates, customer, needsAccept: false, started: true });
    void this.#load(start.call.callId, customer);
  }

  /** A call first seen already connected: a Snapshot after a reload or in a new tab. */
  #onCallAdded(session: Session, call: CallView): void {
    if (this.#items.has(call.callId) || isRinging(call.state) || call.state === 'Initiated') return;
    if (!treatmentFor(session.context, call.type) || placedByMe(call, session.state.agent.extension)) return;
    this.#put(call, { started: true, needsAccept: false });
    void this.#restore(call);
  }

  #onEnded(call: CallView): void {
    const item = this.#items.get(call.callId);
    if (!item) return;
    if (item.wrappedUp) {
      this.#items.delete(call.callId);
      this.#emit();
    } else this.#patch(call.callId, { call, ended: true });
  }

  // ---- loading ----

  async #restore(call: CallView): Promise<void> {
    try {
      const interaction = await this.#fetchInteraction(call.callId);
      let customer: CustomerRecord | undefined;
      let candidates: CustomerRecord[];
      if (interaction?.customerId) {
        customer = await this.#host.api.customer(interaction.customerId);
        candidates = [customer];
      } else {
        candidates = call.ani ? await this.#host.api.customersByPhone(call.ani) : [];
        customer = candidates.length === 1 ? candidates[0] : undefined;
      }
      this.#patch(call.callId, { interaction, candidates, customer });
      if (customer) await this.#loadHistory(call.callId, customer.id);
      else this.#patch(call.callId, { history: [] });
    } catch (error) {
      this.#host.error(error);
    }
  }

  async #load(callId: string, customer: CustomerRecord | undefined): Promise<void> {
    try {
      const interaction = await this.#fetchInteraction(callId);
      this.#patch(callId, { interaction });
      if (customer) await this.#link(callId, customer);
      else this.#patch(callId, { history: [] });
    } catch (error) {
      this.#host.error(error);
    }
  }

  /** Names the customer on the interaction, then shows the customer's earlier interactions. */
  async #link(callId: string, customer: CustomerRecord): Promise<void> {
    try {
      const interaction = this.#items.get(callId)?.interaction;
      if (interaction && interaction.customerId !== customer.id) {
        this.#patch(callId, { interaction: await this.#host.api.updateInteraction(interaction.id, { customerId: customer.id }) });
      }
      await this.#loadHistory(callId, customer.id);
    } catch (error) {
      this.#host.error(error);
    }
  }

  async #loadHistory(callId: string, customerId: string): Promise<void> {
    const all = await this.#host.api.interactionsOfCustomer(customerId, 11);
    this.#patch(callId, { history: all.filter((i) => i.callId !== callId).slice(0, 10) });
  }

  async #fetchInteraction(callId: string): Promise<InteractionRecord | undefined> {
    const interaction = await this.#host.api.interactionForCall(callId);
    if (interaction) this.#patch(callId, { interaction });
    return interaction;
  }

  // ---- state ----

  #put(call: CallView, fields: Partial<WorkItem>): void {
    const existing = this.#items.get(call.callId);
    const base: WorkItem = existing ?? {
      callId: call.callId,
      call,
      ended: false,
      data: {},
      candidates: undefined,
      customer: undefined,
      needsAccept: false,
      started: false,
      interaction: undefined,
      history: undefined,
      draft: this.#host.drafts.load(call.callId) ?? { notes: '', disposition: '' },
      busy: false,
      wrappedUp: false,
    };
    this.#items.set(call.callId, { ...base, call, ...fields });
    this.#emit();
  }

  #patch(callId: string, fields: Partial<WorkItem>): void {
    const item = this.#items.get(callId);
    if (!item) return;
    this.#items.set(callId, { ...item, ...fields });
    this.#emit();
  }

  #emit(): void {
    this.#host.changed(this.items);
  }
}
