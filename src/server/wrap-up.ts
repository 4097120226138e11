/**
 * `wrapUp` in the server configuration: what an interaction must carry before it can be wrapped
 * up, for every queue or per queue. The desktop checks the same from its application context
 * (`wrapUp.dispositionRequired`, `notesRequired`) before it asks; the server, which stores the
 * wrap-up, holds the rule for any client, so that a required disposition cannot be skipped by a
 * desktop that does not know it (or an API call).
 */
import { Type, type Static } from '@sinclair/typebox';

const rule = {
  dispositionRequired: Type.Optional(Type.Boolean({ description: 'A wrap-up without a disposition is refused' })),
  notesRequired: Type.Optional(Type.Boolean({ description: 'A wrap-up without notes (or only blanks) is refused' })),
};

export const WrapUpConfig = Type.Object(
  {
    ...rule,
    queues: Type.Optional(
      Type.Record(Type.String({ minLength: 1, maxLength: 128 }), Type.Object(rule, { additionalProperties: false }), {
        description: 'Per queue (by name), what differs from the rule above for the calls that came through it',
      }),
    ),
  },
  { additionalProperties: false, description: 'What an interaction needs before it is wrapped up (docs/configuration.md, "Wrap-up rules")' },
);
export type WrapUpConfig = Static<typeof WrapUpConfig>;

/** What a wrap-up can lack. */
export type WrapUpField = 'disposition' | 'notes';

/** The interaction as it would be once the wrap-up request is applied. */
export interface WrapUpCandidate {
  readonly queue?: string | undefined;
  readonly disposition?: string | null | undefined;
  readonly notes?: string | undefined;
}

/** The rule for a call of `queue`: the queue's own settings over the global ones. */
export function wrapUpRule(config: WrapUpConfig | undefined, queue: string | undefined): { dispositionRequired: boolean; notesRequired: boolean } {
  const own = queue === undefined ? undefined : config?.queues?.[queue];
  return {
    dispositionRequired: own?.dispositionRequired ?? config?.dispositionRequired ?? false,
    notesRequired: own?.notesRequired ?? config?.notesRequired ?? false,
  };
}

/** What the interaction lacks to be wrapped up; empty when nothing. */
export function missingForWrapUp(config: WrapUpConfig | undefined, candidate: WrapUpCandidate): WrapUpField[] {
  const rule = wrapUpRule(config, candidate.queue);
  const missing: WrapUpField[] = [];
  if (rule.dispositionRequired && (candidate.disposition ?? '').trim() === '') missing.push('disposition');
  if (rule.notesRequired && (candidate.notes ?? '').trim() === '') missing.push('notes');
  return missing;
}
