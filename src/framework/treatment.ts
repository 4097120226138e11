/**
 * Call treatment (SPEC §7): the desktop's reaction to a new call. For the call's type the
 * context says how the interaction starts (launch), how the call is answered, and which data
 * the screen pop shows; the customer is looked up by ANI through the host's hook.
 *
 * Choices the SPEC leaves open:
 * - Automatic answering needs call control, so it only happens in full mode; elsewhere the CSR
 *   answers on the phone and the treatment just skips that step.
 * - An automatic answer is skipped, not reported, when the call is no longer ringing by then
 *   (the CSR answered on the phone, or the caller hung up).
 * - No pop and no interaction start for a call that ended while its customer was looked up.
 * - popData keys that have no value on the call are left out of the pop.
 * - popData may name data paths into the call-data containers (data-paths.ts).
 */
import { pathContainer, valuesAtPath } from './data-paths.js';
import { CtiError, type MessageCatalog } from './errors/cti-error.js';
import type { ApplicationContext, CallTreatment } from './schema/context.js';
import type { CallType } from './schema/events.js';
import { isRinging } from './session/reducer.js';
import type { CallView, Customer, CustomerLookup, CustomerMatch, InteractionStart, ScreenPop } from './session/types.js';

/** The treatment for a call type, or undefined when there is none or it is switched off. */
export function treatmentFor(context: Pick<ApplicationContext, 'callTreatment'>, type: CallType): CallTreatment | undefined {
  const treatment = context.callTreatment?.[type];
  return treatment && treatment.enabled !== false ? treatment : undefined;
}

/** Call properties a treatment may name in popData, by their OpenCTI names. */
const CALL_PROPERTIES: Readonly<Record<string, (call: CallView) => string | undefined>> = {
  pyCallId: (c) => c.callId,
  pyCallType: (c) => c.type,
  pyANI: (c) => c.ani,
  pyDNIS: (c) => c.dnis,
  pyOtherDN: (c) => c.otherDN,
  pyThisDN: (c) => c.thisDN,
  pyQueue: (c) => c.queue,
  pyInteractionID: (c) => c.interactionId,
};

/**
 * The values popData names: call properties, pyCallData keys, and data paths into the containers
 * (data-paths.ts), a path to a group or a list giving each string inside under its own path.
 * Missing and empty values are left out.
 */
export function popDataFor(call: CallView, keys: readonly string[]): Record<string, string> {
  const data: Record<string, string> = {};
  const put = (key: string, value: string | undefined) => {
    if (value !== undefined && value !== '') data[key] = value;
  };
  for (const key of keys) {
    const property = CALL_PROPERTIES[key];
    if (property) put(key, property(call));
    else if (pathContainer(key)) for (const [path, value] of valuesAtPath(call, key)) put(path, value);
    else put(key, Object.prototype.hasOwnProperty.call(call.callData, key) ? call.callData[key] : undefined);
  }
  return data;
}

export function matchOf(customers: readonly Customer[]): CustomerMatch {
  if (customers.length === 0) return { kind: 'none' };
  if (customers.length === 1) return { kind: 'one', customer: customers[0] as Customer };
  return { kind: 'several', customers: [...customers] };
}

const customersOf = (match: CustomerMatch): readonly Customer[] =>
  match.kind === 'one' ? [match.customer] : match.kind === 'several' ? match.customers : [];

export interface TreatmentHost {
  readonly context: ApplicationContext;
  readonly catalog: MessageCatalog;
  readonly lookup?: CustomerLookup | undefined;
  /** The call as the session knows it now; undefined once it has ended. */
  currentCall(callId: string): CallView | undefined;
  /** Answers through the session, so that its mode and state checks apply. */
  answer(callId: string): Promise<unknown>;
  screenPop(pop: ScreenPop): void;
  interactionStart(start: InteractionStart): void;
  error(error: CtiError): void;
}

interface AwaitingAccept {
  readonly treatment: CallTreatment;
  readonly match: CustomerMatch;
}

/** Runs the treatment of each new call once, and holds pops waiting for the CSR to accept. */
export class CallTreatmentRunner {
  readonly #host: TreatmentHost;
  readonly #treated = new Set<string>();
  readonly #awaiting = new Map<string, AwaitingAccept>();

  constructor(host: TreatmentHost) {
    this.#host = host;
  }

  /** Called for a call that just appeared ringing; a call is treated at most once. */
  async onNewCall(call: CallView): Promise<void> {
    const treatment = treatmentFor(this.#host.context, call.type);
    // Already treated, or already gone (it rang and ended within one burst of events).
    if (!treatment || this.#treated.has(call.callId) || !this.#host.currentCall(call.callId)) return;
    this.#treated.add(call.callId);
    // "auto" answers at once, without waiting for the lookup.
    const answered = treatment.answering === 'auto' ? this.#autoAnswer(call.callId) : Promise.resolve();
    const match = await this.#lookup(call);
    const current = this.#host.currentCall(call.callId);
    if (current) await this.#launch(current, treatment, match);
    await answered;
  }

  /** The CSR accepted the pop of a screenPopThenAccept call: the interaction starts. */
  async accept(callId: string, customerId?: string): Promise<void> {
    const awaiting = this.#awaiting.get(callId);
    const call = this.#host.currentCall(callId);
    if (!awaiting || !call) {
      throw new CtiError(
        'OPENCTI_CF_INVALID_OBJECT_STATE',
        `no screen pop is waiting to be accepted for call "${callId}" (never popped, already accepted, or the call has ended)`,
        { catalog: this.#host.catalog, details: { callId } },
      );
    }
    this.#awaiting.delete(callId);
    await this.#start(call, awaiting.treatment, awaiting.match, customerId);
  }

  onCallEnded(callId: string): void {
    this.#treated.delete(callId);
    this.#awaiting.delete(callId);
  }

  clear(): void {
    this.#treated.clear();
    this.#awaiting.clear();
  }

  async #launch(call: CallView, treatment: CallTreatment, match: CustomerMatch): Promise<void> {
    const pop = (needsAccept: boolean) =>
      this.#host.screenPop({ call, treatment, data: popDataFor(call, treatment.popData), match, needsAccept });
    switch (treatment.launch) {
      case 'screenPopThenAccept':
        this.#awaiting.set(call.callId, { treatment, match });
        pop(true);
        return;
      case 'autoWithScreenPop':
        pop(false);
        return this.#start(call, treatment, match);
      case 'autoWithoutScreenPop':
        return this.#start(call, treatment, match);
    }
  }

  async #start(call: CallView, treatment: CallTreatment, match: CustomerMatch, customerId?: string): Promise<void> {
    const chosen = customerId ?? (match.kind === 'one' ? match.customer.id : undefined);
    // A customer found outside the match (the CSR searched) is known by its id only.
    const customer = customersOf(match).find((c) => c.id === chosen);
    this.#host.interactionStart({ call, match, customer, customerId: chosen });
    if (treatment.answering === 'autoAfterInteractionStart') await this.#autoAnswer(call.callId);
  }

  async #lookup(call: CallView): Promise<CustomerMatch> {
    const { lookup } = this.#host;
    if (!lookup || call.ani === '') return { kind: 'none' };
    try {
      return matchOf(await lookup(call.ani, call));
    } catch (cause) {
      const reason = cause instanceof Error ? cause.message : String(cause);
      this.#host.error(
        new CtiError('OPENCTI_CF_GENERIC_OPERATION', `customer lookup for ANI "${call.ani}" failed: ${reason}`, {
          catalog: this.#host.catalog,
          details: { callId: call.callId, ani: call.ani },
          cause,
        }),
      );
      return { kind: 'none' };
    }
  }

  async #autoAnswer(callId: string): Promise<void> {
    if (this.#host.context.telephonyMode !== 'full') return;
    const call = this.#host.currentCall(callId);
    if (!call || !isRinging(call.state)) return;
    try {
      await this.#host.answer(callId);
    } catch (cause) {
      const error = cause instanceof CtiError ? cause : undefined;
      this.#host.error(
        new CtiError(error?.errCode ?? 'OPENCTI_CF_GENERIC_OPERATION', `automatic answer of call "${callId}" failed: ${error?.errMessage ?? String(cause)}`, {
          catalog: this.#host.catalog,
          details: { callId, request: 'answerCall' },
          cause,
        }),
      );
    }
  }
}
