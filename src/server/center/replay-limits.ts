/**
 * The `limits.replay` section of the server configuration: what each agent session keeps of its
 * event frames so that a desktop can `resume` without missing any. The center applies them
 * (CenterOptions.replayLimit, replayMaxBytes, replayMaxAgeMs); in a cluster every node must use
 * the same values, as every replica trims its buffers on its own.
 */
import { Type, type Static } from '@sinclair/typebox';
import { REPLAY_DEFAULTS, type CenterOptions } from './center.js';

export const ReplayLimits = Type.Object(
  {
    maxFrames: Type.Integer({
      minimum: 0,
      maximum: 1_000_000,
      default: REPLAY_DEFAULTS.replayLimit,
      description: 'Event frames kept per agent session for resume; 0 = none (every resume gets the Snapshot alone)',
    }),
    maxBytes: Type.Integer({
      minimum: 0,
      maximum: 64 * 1024 * 1024,
      default: REPLAY_DEFAULTS.replayMaxBytes,
      description: 'Frame text kept per agent session for resume, in characters (UTF-16 code units) of the frames together; the oldest frames go first',
    }),
    maxAgeMs: Type.Integer({
      minimum: 0,
      maximum: 86_400_000,
      default: REPLAY_DEFAULTS.replayMaxAgeMs,
      description: 'No frame older than this (log time) is kept for resume, even when the session goes quiet',
    }),
  },
  {
    additionalProperties: false,
    default: {},
    description: 'What each agent session keeps for resume; every node of a cluster must use the same values (docs/configuration.md)',
  },
);
export type ReplayLimits = Static<typeof ReplayLimits>;

/** The center's options for these limits; absent ones take the center's defaults. */
export const replayOptions = (limits: Partial<ReplayLimits> | undefined): Pick<CenterOptions, 'replayLimit' | 'replayMaxBytes' | 'replayMaxAgeMs'> => ({
  replayLimit: limits?.maxFrames,
  replayMaxBytes: limits?.maxBytes,
  replayMaxAgeMs: limits?.maxAgeMs,
});
