/**
 * The framework session: one agent on one extension. It hands `forwardEvent` to the
 * implementation at login, validates and reduces every event into immutable state snapshots,
 * emits typed events, runs call treatment, and gates every request by mode, login and known state
 * before the implementation sees it.
 *
 * Lifecycle of events: they are accepted from the moment login is called until logout's promise
 * resolves, so the Snapshot a connector sends before acknowledging logout still lands. After that
 * (or after dispose, or a failed login) the old `forwardEvent` is dead: its events are dropped and
 * counted in `counters.eventsAfterLogout`. Logging in again hands out a new one.
 */
import { CtiError, type MessageCatalog } from '../errors/cti-error.js';
import type { CallRequestOptions, Implementation, RequestFunctions, RequestName, RequestOptions } from '../implementation.js';
import { isAllowedInMode, MODE_CAPABILITIES } from '../modes.js';
import { adapt, checkImplementation, type ImplementationRegistry } from '../registry.js';
import { CALL_DATA_REQUESTS } from '../requests.js';
import type { ApplicationContext, TelephonyMode } from '../schema/context.js';
import type { CallData, WorkMode } from '../schema/events.js';
import { lenientEventType, validateIncomingEvent, type KnownCallFacts } from '../schema/lenient.js';
import { describeProblems, validateContext } from '../schema/validate.js';
import { CallTreatmentRunner, treatmentFor } from '../treatment.js';
import { TypedEmitter, type Listener } from './emitter.js';
import {
  firstRefusal,
  requireCall,
  requireCallData,
  requireCallDataOption,
  requireDestination,
  requireDigits,
  requireHeldAndActive,
  requireOptions,
  requireParty,
  requireReasonCode,
  requireWorkMode,
  type Refusal,
} from './guards.js';
import { asCtiError, DEFAULT_REQUEST_TIMEOUT_MS, invoke } from './invoke.js';
import { initialState, isRinging, loggedIn, loggedOut, reduce, type Reduction } from './reducer.js';
import type { CustomerLookup, SessionCounters, SessionEventName, SessionEvents, SessionState } from './types.js';

export interface SessionOptions {
  readonly context: ApplicationContext;
  readonly implementation: Implementation;
  /** The host's customer lookup by ANI, used by call treatment. */
  readonly customerLookup?: CustomerLookup | undefined;
  /** Clock for call timestamps without `pyTimestamp`; tests inject one. */
  readonly now?: (() => Date) | undefined;
}

export interface CreateSessionOptions {
  /** An application context as read from a file: validated here. */
  readonly context: unknown;
  readonly registry: ImplementationRegistry;
  readonly customerLookup?: CustomerLookup | undefined;
  readonly now?: (() => Date) | undefined;
}

export interface LoginRequest {
  readonly agentId: string;
  readonly agentPwd: string;
  /** Empty or absent: the server chooses the agent's extension. */
  readonly extension?: string | undefined;
  readonly options?: RequestOptions | undefined;
}

export interface LogoutRequest {
  readonly reasonCode?: string | undefined;
  readonly options?: RequestOptions | undefined;
}

export interface ReadyRequest {
  /** Absent: the server's default work mode (the implementation receives ""). */
  readonly workMode?: WorkMode | undefined;
  readonly options?: RequestOptions | undefined;
}

export interface NotReadyRequest {
  /** One of the context's Not Ready codes when it lists any; may be empty in after-call work (ACW). */
  readonly reasonCode: string;
  readonly workMode?: WorkMode | undefined;
  readonly options?: RequestOptions | undefined;
}

type Phase = 'idle' | 'loggingIn' | 'loggedIn' | 'loggingOut' | 'disposed';

const ACCEPTING: readonly Phase[] = ['loggingIn', 'loggedIn', 'loggingOut'];

/** Validates the context, resolves its implementation from the registry and checks it. */
export function createSession({ context, registry, customerLookup, now }: CreateSessionOptions): Session {
  const checked = validateContext(context);
  if (!checked.ok) {
    throw new CtiError('OPENCTI_INVALID_CONFIG', `the application context is not valid: ${describeProblems(checked.problems)}`, {
      details: { problems: checked.problems },
    });
  }
  const implementation = registry.resolve(checked.value);
  return new Session({ context: checked.value, implementation, customerLookup, now });
}

export class Session {
  readonly context: ApplicationContext;
  readonly implementation: Implementation;
  readonly #catalog: MessageCatalog;
  readonly #timeoutMs: number;
  readonly #now: () => Date;
  readonly #emitter: TypedEmitter<SessionEvents>;
  readonly #treatment: CallTreatmentRunner;
  readonly #disposal = new AbortController();
  #state: SessionState = initialState();
  readonly #counters: SessionCounters = { eventsAccepted: 0, eventsRejected: 0, eventsRepaired: 0, eventsAfterLogout: 0 };
  #phase: Phase = 'idle';
  /** Bumped whenever a forwardEvent handed out earlier must stop feeding the session. */
  #generation = 0;
  #agentId = '';
  readonly #inbox: unknown[] = [];
  #draining = false;

  constructor({ context, implementation, customerLookup, now }: SessionOptions) {
    // Given directly (not through a registry), a callback-style or Pega-style object is adapted here.
    this.implementation = adapt(implementation).implementation;
    checkImplementation(this.implementation, context.telephonyMode);
    this.context = context;
    this.#catalog = { locale: context.locale, overrides: context.errorMessages };
    this.#timeoutMs = context.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
    this.#now = now ?? (() => new Date());
    this.#emitter = new TypedEmitter<SessionEvents>((error, name) => this.#listenerFailed(error, name));
    this.#treatment = new CallTreatmentRunner({
      context,
      catalog: this.#catalog,
      lookup: customerLookup,
      currentCall: (callId) => this.#state.calls.find((c) => c.callId === callId),
      answer: (callId) => this.answerCall(callId),
      screenPop: (pop) => this.#emitter.emit('screenPop', pop),
      interactionStart: (start) => this.#emitter.emit('interactionStart', start),
      error: (error) => this.#emitter.emit('error', error),
    });
  }

  get state(): SessionState {
    return this.#state;
  }

  get counters(): SessionCounters {
    return Object.freeze({ ...this.#counters });
  }

  get telephonyMode(): TelephonyMode {
    return this.context.telephonyMode;
  }

  on<K extends SessionEventName>(name: K, listener: Listener<SessionEvents[K]>): () => void {
    return this.#emitter.on(name, listener);
  }

  once<K extends SessionEventName>(name: K, listener: Listener<SessionEvents[K]>): () => void {
    return this.#emitter.once(name, listener);
  }

  off<K extends SessionEventName>(name: K, listener: Listener<SessionEvents[K]>): void {
    this.#emitter.off(name, listener);
  }

  // ---- session (all modes) ----

  async login({ agentId, agentPwd, extension = '', options = {} }: LoginRequest): Promise<unknown> {
    this.#refuseIf('login', this.#gate('login') ?? requireOptions('login', options));
    this.#refuseIf(
      'login',
      typeof agentId !== 'string' || agentId.length === 0
        ? { code: 'OPENCTI_INVALID_ACTION', message: `login needs an agentId (got ${JSON.stringify(agentId)})` }
        : typeof agentPwd !== 'string' || typeof extension !== 'string'
          ? { code: 'OPENCTI_INVALID_ACTION', message: 'login needs agentPwd and extension as strings' }
          : undefined,
    );
    const generation = ++this.#generation;
    const acceptedBefore = this.#counters.eventsAccepted;
    this.#phase = 'loggingIn';
    this.#agentId = agentId;
    const forwardEvent = (event: unknown) => this.#receive(generation, event);
    let result: unknown;
    try {
      result = await this.#invoke('login', (impl) =>
        impl.login(agentId, agentPwd, extension, this.context.ctiLink, options, forwardEvent),
      );
    } catch (error) {
      if (this.#generation === generation && this.#phase === 'loggingIn') {
        this.#generation++;
        this.#phase = 'idle';
        this.#apply(loggedOut(this.#state, this.#now()));
      }
      throw error;
    }
    if (this.#generation !== generation || this.#phase !== 'loggingIn') return result;
    this.#phase = 'loggedIn';
    // The extension: the server's choice, else the one asked for, else what this login's events said.
    const seenNow = this.#counters.eventsAccepted > acceptedBefore ? this.#state.agent.extension : undefined;
    this.#apply(loggedIn(this.#state, agentId, this.#extensionFrom(result) ?? (extension || seenNow)));
    return result;
  }

  async logout({ reasonCode, options = {} }: LogoutRequest = {}): Promise<unknown> {
    this.#refuseIf('logout', this.#gate('logout') ?? requireOptions('logout', options));
    this.#refuseIf('logout', requireReasonCode('logout', 'Logout', reasonCode, this.context.reasonCodes?.logout ?? [], true));
    const generation = this.#generation;
    this.#phase = 'loggingOut';
    let result: unknown;
    try {
      result = await this.#invoke('logout', (impl) => impl.logout(this.#agentId, reasonCode ?? '', options));
    } catch (error) {
      // Refused or unanswered: the agent is still logged in as far as anyone knows.
      if (this.#generation === generation && this.#phase === 'loggingOut') this.#phase = 'loggedIn';
      throw error;
    }
    if (this.#generation !== generation || this.#phase !== 'loggingOut') return result;
    this.#generation++;
    this.#phase = 'idle';
    this.#treatment.clear();
    this.#apply(loggedOut(this.#state, this.#now(), reasonCode));
    this.#emitter.emit('loggedOut');
    return result;
  }

  // ---- agent state (agentState, full) ----

  agentReady({ workMode, options = {} }: ReadyRequest = {}): Promise<unknown> {
    return this.#request(
      'agentReady',
      () => requireWorkMode('agentReady', workMode),
      (impl) => impl.agentReady(this.#agentId, workMode ?? '', options),
      options,
    );
  }

  agentNotReady({ reasonCode, workMode, options = {} }: NotReadyRequest): Promise<unknown> {
    const listed = this.context.reasonCodes?.notReady ?? [];
    return this.#request(
      'agentNotReady',
      () =>
        firstRefusal(
          requireWorkMode('agentNotReady', workMode),
          // After-call work needs no reason: the work mode says why.
          requireReasonCode('agentNotReady', 'Not Ready', reasonCode, listed, workMode === 'ACW'),
        ),
      (impl) => impl.agentNotReady(this.#agentId, workMode ?? '', reasonCode ?? '', this.context.ctiLink, options),
      options,
    );
  }

  // ---- basic call control (full) ----

  answerCall(callId: string, options: RequestOptions = {}): Promise<unknown> {
    return this.#request(
      'answerCall',
      () => requireCall(this.#state, 'answerCall', callId, 'ringing'),
      (impl) => impl.answerCall(callId, options),
      options,
    );
  }

  hangUpCall(callId: string, options: RequestOptions = {}): Promise<unknown> {
    return this.#request(
      'hangUpCall',
      () => requireCall(this.#state, 'hangUpCall', callId, 'any'),
      (impl) => impl.hangUpCall(callId, options),
      options,
    );
  }

  holdCall(callId: string, options: RequestOptions = {}): Promise<unknown> {
    return this.#request(
      'holdCall',
      () => requireCall(this.#state, 'holdCall', callId, 'active'),
      (impl) => impl.holdCall(callId, options),
      options,
    );
  }

  retrieveCall(callId: string, options: RequestOptions = {}): Promise<unknown> {
    return this.#request(
      'retrieveCall',
      () => requireCall(this.#state, 'retrieveCall', callId, 'held'),
      (impl) => impl.retrieveCall(callId, options),
      options,
    );
  }

  /** `options.callData` (Pega's containers) goes with the new call to the party called. */
  makeCall(destination: string, options: CallRequestOptions = {}): Promise<unknown> {
    return this.#request(
      'makeCall',
      () => requireDestination('makeCall', destination),
      (impl) => impl.makeCall(destination.trim(), options),
      options,
    );
  }

  sendDTMF(callId: string, digits: string, options: RequestOptions = {}): Promise<unknown> {
    return this.#request(
      'sendDTMF',
      () => firstRefusal(requireDigits(digits), requireCall(this.#state, 'sendDTMF', callId, 'active')),
      (impl) => impl.sendDTMF(callId, digits, options),
      options,
    );
  }

  // ---- advanced call control (full) ----

  /** `options.callData` is merged into the call's data before it reaches the destination. */
  blindTransfer(callId: string, destination: string, options: CallRequestOptions = {}): Promise<unknown> {
    return this.#request(
      'blindTransfer',
      () => firstRefusal(requireDestination('blindTransfer', destination), requireCall(this.#state, 'blindTransfer', callId, 'activeOrHeld')),
      (impl) => impl.blindTransfer(callId, destination.trim(), options),
      options,
    );
  }

  transferInitiate(callId: string, destination: string, options: CallRequestOptions = {}): Promise<unknown> {
    return this.#consultLike('transferInitiate', callId, destination, options, (impl) => impl.transferInitiate(callId, destination.trim(), options));
  }

  consultationCall(callId: string, destination: string, options: CallRequestOptions = {}): Promise<unknown> {
    return this.#consultLike('consultationCall', callId, destination, options, (impl) => impl.consultationCall(callId, destination.trim(), options));
  }

  conferenceInitiate(callId: string, destination: string, options: CallRequestOptions = {}): Promise<unknown> {
    return this.#consultLike('conferenceInitiate', callId, destination, options, (impl) => impl.conferenceInitiate(callId, destination.trim(), options));
  }

  transferComplete(heldCallId: string, activeCallId: string, options: RequestOptions = {}): Promise<unknown> {
    return this.#request(
      'transferComplete',
      () => requireHeldAndActive(this.#state, 'transferComplete', heldCallId, activeCallId),
      (impl) => impl.transferComplete(heldCallId, activeCallId, options),
      options,
    );
  }

  conferenceComplete(heldCallId: string, activeCallId: string, options: RequestOptions = {}): Promise<unknown> {
    return this.#request(
      'conferenceComplete',
      () => requireHeldAndActive(this.#state, 'conferenceComplete', heldCallId, activeCallId),
      (impl) => impl.conferenceComplete(heldCallId, activeCallId, options),
      options,
    );
  }

  dropParty(callId: string, party: string, options: RequestOptions = {}): Promise<unknown> {
    return this.#request(
      'dropParty',
      () => firstRefusal(requireCall(this.#state, 'dropParty', callId, 'any'), requireParty(this.#state, callId, party)),
      (impl) => impl.dropParty(callId, party, options),
      options,
    );
  }

  alternateCall(heldCallId: string, activeCallId: string, options: RequestOptions = {}): Promise<unknown> {
    return this.#request(
      'alternateCall',
      () => requireHeldAndActive(this.#state, 'alternateCall', heldCallId, activeCallId),
      (impl) => impl.alternateCall(heldCallId, activeCallId, options),
      options,
    );
  }

  /** Merges `data` into the call's data; the change arrives as a CallInfoEvent. */
  setCallData(callId: string, data: CallData, options: RequestOptions = {}): Promise<unknown> {
    return this.#request(
      'setCallData',
      () => firstRefusal(requireCall(this.#state, 'setCallData', callId, 'any'), requireCallData(data)),
      (impl) => impl.setCallData(callId, { ...data }, options),
      options,
    );
  }

  /** Mutes the agent's own leg; the call's next CallStateEvent carries pyMuted. */
  muteCall(callId: string, options: RequestOptions = {}): Promise<unknown> {
    return this.#request('muteCall', () => requireCall(this.#state, 'muteCall', callId, 'activeOrHeld'), (impl) => impl.muteCall(callId, options), options);
  }

  unmuteCall(callId: string, options: RequestOptions = {}): Promise<unknown> {
    return this.#request('unmuteCall', () => requireCall(this.#state, 'unmuteCall', callId, 'activeOrHeld'), (impl) => impl.unmuteCall(callId, options), options);
  }

  /** Declines a ringing offer: unlike hangUpCall, never ends a call that was answered. */
  rejectCall(callId: string, options: RequestOptions = {}): Promise<unknown> {
    return this.#request('rejectCall', () => requireCall(this.#state, 'rejectCall', callId, 'ringing'), (impl) => impl.rejectCall(callId, options), options);
  }

  /** Recording control; each change arrives as a CallInfoEvent "Recording" with pyRecordingState. */
  startRecording(callId: string, options: RequestOptions = {}): Promise<unknown> {
    return this.#recording('startRecording', callId, options, (impl) => impl.startRecording(callId, options));
  }

  pauseRecording(callId: string, options: RequestOptions = {}): Promise<unknown> {
    return this.#recording('pauseRecording', callId, options, (impl) => impl.pauseRecording(callId, options));
  }

  resumeRecording(callId: string, options: RequestOptions = {}): Promise<unknown> {
    return this.#recording('resumeRecording', callId, options, (impl) => impl.resumeRecording(callId, options));
  }

  stopRecording(callId: string, options: RequestOptions = {}): Promise<unknown> {
    return this.#recording('stopRecording', callId, options, (impl) => impl.stopRecording(callId, options));
  }

  #recording(
    name: 'startRecording' | 'pauseRecording' | 'resumeRecording' | 'stopRecording',
    callId: string,
    options: RequestOptions,
    run: (impl: RequestFunctions) => Promise<unknown>,
  ): Promise<unknown> {
    return this.#request(name, () => requireCall(this.#state, name, callId, 'activeOrHeld'), run, options);
  }

  // ---- call treatment ----

  /** The CSR accepted the screen pop of a `screenPopThenAccept` call: its interaction starts. */
  async acceptScreenPop(callId: string, customerId?: string): Promise<void> {
    this.#refuseIf('acceptScreenPop', this.#gate('acceptScreenPop'));
    await this.#treatment.accept(callId, customerId);
  }

  /**
   * Stops the session locally, without logging out: later events are dropped, requests in flight
   * are rejected, listeners are removed. Log out first to free the agent on the CTI server.
   */
  dispose(): void {
    if (this.#phase === 'disposed') return;
    this.#phase = 'disposed';
    this.#generation++;
    this.#treatment.clear();
    this.#disposal.abort();
    this.#emitter.removeAllListeners();
    this.#state = Object.freeze({ ...this.#state, loggedIn: false });
  }

  // ---- internals ----

  /** Every request but login/logout: gates, checks (options first), then the implementation. */
  #request(name: RequestName, check: () => Refusal | undefined, call: (impl: RequestFunctions) => unknown, options: unknown): Promise<unknown> {
    const refusal = this.#gate(name) ?? this.#checkOptions(name, options) ?? check();
    if (refusal) return Promise.reject(this.#refusal(name, refusal));
    return this.#invoke(name, call);
  }

  #consultLike(name: RequestName, callId: string, destination: string, options: unknown, call: (impl: RequestFunctions) => unknown): Promise<unknown> {
    return this.#request(
      name,
      () => firstRefusal(requireDestination(name, destination), requireCall(this.#state, name, callId, 'active')),
      call,
      options,
    );
  }

  /** Options must be an object; on a request that carries call data, its callData is checked too. */
  #checkOptions(name: RequestName, options: unknown): Refusal | undefined {
    const refusal = requireOptions(name, options);
    if (refusal || !CALL_DATA_REQUESTS.includes(name)) return refusal;
    return requireCallDataOption(name, options as Readonly<Record<string, unknown>>);
  }

  /** Refusals that do not depend on the request's arguments: disposal, mode, implementation, login. */
  #gate(name: RequestName | 'acceptScreenPop'): Refusal | undefined {
    if (this.#phase === 'disposed') return { code: 'OPENCTI_INVALID_ACTION', message: `${name}: the session has been disposed` };
    if (name === 'acceptScreenPop') return undefined;
    const mode = this.context.telephonyMode;
    if (!isAllowedInMode(mode, name)) {
      return {
        code: 'OPENCTI_NOT_SUPPORTED_IN_MODE',
        message: `${name} is not available in telephony mode "${mode}" (available: ${MODE_CAPABILITIES[mode].allowed.join(', ')})`,
      };
    }
    if (typeof (this.implementation as Partial<RequestFunctions>)[name] !== 'function') {
      return { code: 'OPENCTI_NOT_IMPLEMENTED', message: `implementation "${this.implementation.name}" does not provide ${name}` };
    }
    if (name === 'login') {
      if (this.#phase === 'loggingIn') return { code: 'OPENCTI_INVALID_ACTION', message: 'login: a login is already in progress' };
      if (this.#phase !== 'idle') {
        return { code: 'OPENCTI_INVALID_ACTION', message: `login: agent "${this.#agentId}" is already logged in; log out first` };
      }
      return undefined;
    }
    if (name === 'logout' && this.#phase === 'loggingOut') {
      return { code: 'OPENCTI_INVALID_ACTION', message: 'logout: a logout is already in progress' };
    }
    if (this.#phase !== 'loggedIn') {
      const why = this.#phase === 'loggingIn' ? 'login has not completed yet' : this.#phase === 'loggingOut' ? 'a logout is in progress' : 'no agent is logged in';
      return { code: 'OPENCTI_AGENT_NOT_LOGGED_IN', message: `${name}: ${why}` };
    }
    // The server may log the agent out on its own (supervisor, other device): only logout makes sense then.
    if (name !== 'logout' && this.#state.agent.state === 'Logout') {
      return { code: 'OPENCTI_AGENT_NOT_LOGGED_IN', message: `${name}: the CTI server reports agent "${this.#agentId}" logged out` };
    }
    return undefined;
  }

  #refusal(name: string, refusal: Refusal): CtiError {
    return new CtiError(refusal.code, refusal.message, { catalog: this.#catalog, details: { request: name } });
  }

  /** Throws the refusal, if any (inside async methods, so the caller sees a rejection). */
  #refuseIf(name: string, refusal: Refusal | undefined): void {
    if (refusal) throw this.#refusal(name, refusal);
  }

  #invoke(name: RequestName, call: (impl: RequestFunctions) => unknown): Promise<unknown> {
    const impl = this.implementation as Implementation & RequestFunctions;
    return invoke(() => call(impl), {
      request: name,
      timeoutMs: this.#timeoutMs,
      catalog: this.#catalog,
      signal: this.#disposal.signal,
      abortError: () => this.#refusal(name, { code: 'OPENCTI_INVALID_ACTION', message: `${name}: the session was disposed before the CTI server answered` }),
    });
  }

  /** The login's result may name the extension the server chose. */
  #extensionFrom(result: unknown): string | undefined {
    const extension = typeof result === 'object' && result !== null ? (result as { extension?: unknown }).extension : undefined;
    return typeof extension === 'string' ? extension : undefined;
  }

  /** The forwardEvent body. Never throws into the implementation; events are handled in order. */
  #receive(generation: number, raw: unknown): void {
    try {
      if (generation !== this.#generation || !ACCEPTING.includes(this.#phase)) {
        this.#counters.eventsAfterLogout++;
        return;
      }
      // A listener that forwards an event re-enters here: queue it behind the current one.
      if (this.#draining) {
        this.#inbox.push(raw);
        return;
      }
      this.#draining = true;
      try {
        // Usually nothing waits, and the event is handled without going through the queue.
        let next = raw;
        if (this.#inbox.length > 0) {
          this.#inbox.push(raw);
          next = this.#inbox.shift();
        }
        for (;;) {
          this.#handle(next);
          if (this.#inbox.length === 0) break;
          next = this.#inbox.shift();
        }
      } finally {
        this.#draining = false;
      }
    } catch {
      // Listeners are isolated by the emitter; nothing else is expected to throw.
    }
  }

  #handle(raw: unknown): void {
    const intake = this.context.events;
    const checked = validateIncomingEvent(raw, intake, this.#knownCallFacts);
    if (!checked.ok) {
      this.#counters.eventsRejected++;
      // Strict intake names only a type the event states; lenient, also the one it was taken to have.
      const stated = typeof raw === 'object' && raw !== null ? (raw as { pyEventType?: unknown }).pyEventType : undefined;
      const type = (intake === 'strict' ? (typeof stated === 'string' ? stated : undefined) : lenientEventType(raw)) ?? 'event';
      this.#emitter.emit(
        'error',
        new CtiError('OPENCTI_INVALID_EVENT', `invalid ${type} ignored: ${describeProblems(checked.problems)}`, {
          catalog: this.#catalog,
          details: { problems: checked.problems, event: raw },
        }),
      );
      return;
    }
    this.#counters.eventsAccepted++;
    // The clock itself: read only for an event without pyTimestamp.
    const reduction = reduce(this.#state, checked.value, this.#now);
    this.#apply(reduction);
    if (reduction.problems) this.#repaired(checked.value.pyEventType, reduction.problems, raw);
    this.#emitter.emit('event', checked.value);
    this.#treatNewCalls(reduction);
  }

  /** What lenient intake fills a bare call event with: the call as the session knows it. */
  readonly #knownCallFacts = (callId: string): KnownCallFacts | undefined => {
    const call = this.#state.calls.find((c) => c.callId === callId);
    if (!call) return undefined;
    return {
      pyCallType: call.type,
      pyANI: call.ani,
      pyOtherDN: call.otherDN,
      pyThisDN: call.thisDN,
      pyDNIS: call.dnis,
      pyQueue: call.queue,
      pyInteractionID: call.interactionId,
    };
  };

  /** A valid event applied without the part that contradicted itself: counted and reported like an invalid one. */
  #repaired(type: string, problems: readonly string[], raw: unknown): void {
    this.#counters.eventsRepaired++;
    this.#emitter.emit(
      'error',
      new CtiError('OPENCTI_INVALID_EVENT', `${type} applied in part: ${problems.join('; ')}`, {
        catalog: this.#catalog,
        details: { problems: [...problems], event: raw },
      }),
    );
  }

  /** Installs the new state, then tells listeners what changed and, last, the whole state. */
  #apply({ state, changes }: Reduction): void {
    if (state === this.#state && changes.length === 0) return;
    this.#state = state;
    for (const change of changes) {
      switch (change.kind) {
        case 'agent':
          this.#emitter.emit('agentState', change.agent);
          break;
        case 'link':
          this.#emitter.emit('link', state.link);
          break;
        case 'device':
          this.#emitter.emit('device', state.device);
          break;
        case 'callAdded':
          this.#emitter.emit('callAdded', change.call);
          break;
        case 'call':
          this.#emitter.emit('call', change.call);
          break;
        case 'callEnded':
          this.#treatment.onCallEnded(change.call.callId);
          this.#emitter.emit('callEnded', change.call);
          break;
      }
    }
    this.#emitter.emit('state', state);
  }

  /**
   * A call that appears ringing is a new call (SPEC §7); Offering→Alerting is a change, not a new
   * call. Treatment starts on the next microtask so that an automatic answer never calls back into
   * the implementation from inside its own forwardEvent.
   */
  #treatNewCalls({ changes }: Reduction): void {
    for (const change of changes) {
      if (change.kind !== 'callAdded' || !isRinging(change.call.state)) continue;
      const { call } = change;
      // The context never changes: a call type without treatment needs no microtask at all.
      if (!treatmentFor(this.context, call.type)) continue;
      Promise.resolve()
        .then(() => this.#treatment.onNewCall(call))
        .catch((error: unknown) => this.#emitter.emit('error', asCtiError(error, this.#catalog)));
    }
  }

  #listenerFailed(error: unknown, name: SessionEventName): void {
    // An 'error' listener that throws has nobody left to tell.
    if (name === 'error') return;
    const reason = error instanceof Error ? error.message : String(error);
    this.#emitter.emit(
      'error',
      new CtiError('OPENCTI_CF_GENERIC_OPERATION', `a "${name}" listener threw: ${reason}`, {
        catalog: this.#catalog,
        details: { listener: name },
        cause: error,
      }),
    );
  }
}

/** Every request of the table (requests.ts) is a Session method: one added without its method does not compile. */
type _EveryRequestIsAMethod<T extends keyof Session = RequestName> = T;
