/**
 * framework.eventPipeline: what one frame costs the framework from the wire to the desktop —
 * JSON.parse, then through a real Session's forwardEvent: schema validation, reduction into
 * state, typed emits to a desktop's listeners. Baseline: JSON.parse alone on the same frames.
 * The session's intake is lenient (the default), and so are the stages' validation.
 */
import {
  initialState,
  reduce,
  Session,
  validateLenientEvent,
  type ApplicationContext,
  type ForwardEvent,
  type Implementation,
  type SessionState,
} from '../src/framework/index.js';
import { buildFrames, EXTENSION } from './frames.js';
import { contest, round3 } from './measure.js';
import type { BenchmarkResult, BenchmarkSuite, SuiteOptions } from './types.js';

// The performance issue's goal: the framework costs at most as much again as parsing the frame.
const GOAL_RATIO = 0.5;

const context: ApplicationContext = {
  application: 'bench',
  telephonyMode: 'full',
  implementation: { vendor: 'bench' },
  ctiLink: { name: 'bench' },
};

/** An implementation that accepts every request and hands its forwardEvent to the benchmark. */
function trivialImplementation(onLogin: (forward: ForwardEvent) => void): Implementation {
  const ok = () => Promise.resolve();
  return {
    name: 'bench',
    implementationVersion: '1.0.0',
    frameworkApi: '^1.0.0',
    login: (_agentId, _pwd, _ext, _link, _options, forwardEvent) => {
      onLogin(forwardEvent);
      return Promise.resolve({ extension: EXTENSION });
    },
    logout: ok,
    agentReady: ok,
    agentNotReady: ok,
    answerCall: ok,
    hangUpCall: ok,
    holdCall: ok,
    retrieveCall: ok,
    makeCall: ok,
    sendDTMF: ok,
    blindTransfer: ok,
    transferInitiate: ok,
    transferComplete: ok,
    consultationCall: ok,
    conferenceInitiate: ok,
    conferenceComplete: ok,
    dropParty: ok,
  };
}

/** A session logged in, with the listeners a desktop has; returns its forwardEvent. */
async function desktopSession(): Promise<{ session: Session; forward: ForwardEvent; heard: () => number }> {
  let forward: ForwardEvent | undefined;
  const session = new Session({ context, implementation: trivialImplementation((f) => (forward = f)) });
  let heard = 0;
  const count = () => {
    heard++;
  };
  for (const name of ['state', 'event', 'agentState', 'callAdded', 'call', 'callEnded', 'error'] as const) session.on(name, count);
  await session.login({ agentId: 'agent-0042', agentPwd: 'x', extension: EXTENSION });
  if (!forward) throw new Error('the session did not hand out forwardEvent at login');
  return { session, forward, heard: () => heard };
}

async function eventPipeline({ quick, log }: SuiteOptions): Promise<BenchmarkResult> {
  const { frames, calls } = buildFrames(quick ? 200 : 1_000);
  const { session, forward, heard } = await desktopSession();
  let sink: unknown;

  const pipeline = () => {
    const start = performance.now();
    for (const frame of frames) forward(JSON.parse(frame));
    return frames.length / ((performance.now() - start) / 1000);
  };
  const parseOnly = () => {
    const start = performance.now();
    for (const frame of frames) sink = JSON.parse(frame);
    return frames.length / ((performance.now() - start) / 1000);
  };

  // Stages, to see where the time goes: parse + validate, then + the pure reducer (no session, no emits).
  // Validated as the session's intake does, leniently; the frames are complete events, so it
  // never asks for a known call's facts.
  const noKnownCall = () => undefined;
  const validated = () => {
    const start = performance.now();
    for (const frame of frames) sink = validateLenientEvent(JSON.parse(frame), noKnownCall);
    return frames.length / ((performance.now() - start) / 1000);
  };
  let state: SessionState = initialState();
  const now = new Date();
  const reduced = () => {
    const start = performance.now();
    for (const frame of frames) {
      const checked = validateLenientEvent(JSON.parse(frame), noKnownCall);
      if (checked.ok) state = reduce(state, checked.value, now).state;
    }
    return frames.length / ((performance.now() - start) / 1000);
  };

  const rounds = quick ? { warmup: 1, measured: 3 } : { warmup: 3, measured: 15 };
  log(`framework.eventPipeline: ${frames.length} frames (${calls} calls) × ${rounds.warmup} warm-up + ${rounds.measured} measured rounds`);
  const { medians, samples } = contest({ pipeline, parseOnly, validated, reduced }, rounds);

  // The benchmark checks itself: every frame was a valid event and was heard by the desktop.
  const counters = session.counters;
  const expected = frames.length * (rounds.warmup + rounds.measured);
  if (counters.eventsRejected !== 0 || counters.eventsAccepted !== expected || session.state.calls.length !== 0) {
    throw new Error(`pipeline did not process the frames as expected: ${JSON.stringify({ counters, expected, calls: session.state.calls.length })}`);
  }
  if (sink === undefined || heard() === 0) throw new Error('nothing was measured');
  session.dispose();

  const eventsPerSecond = medians.pipeline ?? Number.NaN;
  const baseline = medians.parseOnly ?? Number.NaN;
  const ratio = eventsPerSecond / baseline;
  const spread = (values: number[] = []) => ({ min: round3(Math.min(...values)), max: round3(Math.max(...values)) });
  return {
    name: 'framework.eventPipeline',
    eventsPerSecond: round3(eventsPerSecond),
    baseline: { name: 'JSON.parse', eventsPerSecond: round3(baseline) },
    ratio: round3(ratio),
    goal: { ratioAtLeast: GOAL_RATIO },
    meetsGoal: ratio >= GOAL_RATIO,
    details: {
      framesPerRound: frames.length,
      callsPerRound: calls,
      warmupRounds: rounds.warmup,
      measuredRounds: rounds.measured,
      meanFrameBytes: Math.round(frames.reduce((n, f) => n + f.length, 0) / frames.length),
      spread: { pipeline: spread(samples.pipeline), baseline: spread(samples.parseOnly) },
      // Cumulative stages, events/s and ratio to the baseline: what each step adds.
      stages: Object.fromEntries(
        (
          [
            ['parse', 'parseOnly'],
            ['parse+validate', 'validated'],
            ['parse+validate+reduce', 'reduced'],
            ['parse+validate+reduce+session+emit', 'pipeline'],
          ] as const
        ).map(([label, key]) => [label, { eventsPerSecond: round3(medians[key] ?? Number.NaN), ratio: round3((medians[key] ?? Number.NaN) / baseline) }]),
      ),
    },
  };
}

export const frameworkSuite: BenchmarkSuite = {
  name: 'framework',
  description: 'the framework event pipeline: parse, validate, reduce, emit through a real Session',
  run: async (options) => [await eventPipeline(options)],
};
