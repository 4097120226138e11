/**
 * JSON Schemas (TypeBox) of every body, path parameter and querystring the REST API accepts:
 * Fastify validates requests with them, and the route handlers get their static types.
 * The limits mirror the store's own checks so most mistakes are named before reaching it.
 */
import { Type, type Static, type TString } from '@sinclair/typebox';
import { stringEnum } from '../../framework/schema/string-enum.js';

const IDENTIFIER = '^[A-Za-z0-9][A-Za-z0-9._@:-]{0,63}$';
const DIALABLE = '^\\+?[0-9*#]{1,32}$';

const identifier = (description: string) => Type.String({ pattern: IDENTIFIER, description: `${description}: 1–64 letters, digits or . _ @ : -` });
const dialable = (description: string) => Type.String({ pattern: DIALABLE, description: `${description}: digits, * or #, optional leading +` });
const text = (description: string, maxLength = 200) => Type.String({ minLength: 1, maxLength, description });
/** A string or null (null clears the value); one JSON Schema type list keeps error messages short. */
const nullable = (schema: TString) => Type.Unsafe<string | null>({ ...schema, type: ['string', 'null'] });
const strict = { additionalProperties: false } as const;

// ------------------------------------------------------------------ simulator

export const CallIdParams = Type.Object({ callId: text('Call id', 128) }, strict);
export type CallIdParams = Static<typeof CallIdParams>;

export const CallData = Type.Record(Type.String(), Type.String({ maxLength: 1024 }), {
  maxProperties: 64,
  description: 'Attached (UUI) data: string values only',
});

export const PlaceCallBody = Type.Object(
  {
    from: text('ANI: the caller number', 64),
    to: text('DNIS of a queue, an extension, or an agent id', 64),
    data: Type.Optional(CallData),
  },
  strict,
);
export type PlaceCallBody = Static<typeof PlaceCallBody>;

export const FarEndParams = Type.Object({ number: dialable('External number') }, strict);
export type FarEndParams = Static<typeof FarEndParams>;

export const FarEndBody = Type.Object({ behaviour: stringEnum(['answer', 'ring', 'busy'] as const, 'What calls to the number do') }, strict);
export type FarEndBody = Static<typeof FarEndBody>;

// ------------------------------------------------------------------ agents

export const AgentIdParams = Type.Object({ agentId: identifier('Agent id') }, strict);
export type AgentIdParams = Static<typeof AgentIdParams>;

const skills = Type.Array(identifier('Skill'), { maxItems: 64, description: 'Skills (queue skills the agent takes calls for)' });
const password = Type.String({ minLength: 1, maxLength: 1024, description: 'Write-only: never returned' });
const allowedExtensions = Type.Array(dialable('Extension'), { maxItems: 64, description: 'Extensions besides its own the agent may log in on' });
const anyExtension = Type.Boolean({ description: 'True: the agent may log in on any extension' });

const role = Type.Union([Type.Literal('agent'), Type.Literal('supervisor')], {
  description: 'agent (default) or supervisor: a supervisor also sees the statistics and may force agents Not Ready or log them out',
});

export const NewAgentBody = Type.Object(
  {
    agentId: identifier('Agent id'),
    displayName: text('Name shown on the desktop'),
    extension: dialable('Default extension'),
    skills: Type.Optional(skills),
    password,
    allowedExtensions: Type.Optional(allowedExtensions),
    anyExtension: Type.Optional(anyExtension),
    role: Type.Optional(role),
  },
  strict,
);
export type NewAgentBody = Static<typeof NewAgentBody>;

export const AgentPatchBody = Type.Object(
  {
    displayName: Type.Optional(text('Name shown on the desktop')),
    extension: Type.Optional(dialable('Default extension')),
    skills: Type.Optional(skills),
    password: Type.Optional(password),
    allowedExtensions: Type.Optional(allowedExtensions),
    anyExtension: Type.Optional(anyExtension),
    role: Type.Optional(role),
  },
  { ...strict, minProperties: 1 },
);
export type AgentPatchBody = Static<typeof AgentPatchBody>;

export const AgentLogoutBody = Type.Union(
  [Type.Object({ reasonCode: Type.Optional(Type.String({ maxLength: 256, description: 'Logout reason code' })) }, strict), Type.Null()],
  { description: 'Optional' },
);
export type AgentLogoutBody = Static<typeof AgentLogoutBody>;

// ------------------------------------------------------------------ queues

export const QueueNameParams = Type.Object({ name: identifier('Queue name') }, strict);
export type QueueNameParams = Static<typeof QueueNameParams>;

const serviceLevelSeconds = Type.Integer({ minimum: 1, maximum: 3600, description: 'Service level threshold: answered within this many seconds (default 20)' });

export const NewQueueBody = Type.Object(
  {
    name: identifier('Queue name'),
    dnis: dialable('Number callers dial'),
    skill: Type.Optional(identifier('Skill; defaults to the name')),
    serviceLevelSeconds: Type.Optional(serviceLevelSeconds),
  },
  strict,
);
export type NewQueueBody = Static<typeof NewQueueBody>;

export const QueuePatchBody = Type.Object(
  { dnis: Type.Optional(dialable('Number callers dial')), skill: Type.Optional(identifier('Skill')), serviceLevelSeconds: Type.Optional(serviceLevelSeconds) },
  { ...strict, minProperties: 1 },
);
export type QueuePatchBody = Static<typeof QueuePatchBody>;

// ------------------------------------------------------------------ supervisors

export const ForceStateBody = Type.Object(
  {
    state: Type.Union([Type.Literal('NotReady'), Type.Literal('Logout')], { description: 'NotReady, or Logout (ends the agent session)' }),
    reason: Type.String({ minLength: 1, maxLength: 64, pattern: '^[^\\u0000-\\u001f\\u007f]*\\S[^\\u0000-\\u001f\\u007f]*$', description: 'Shown on the agent desktop: 1–64 characters, no control characters' }),
  },
  strict,
);
export type ForceStateBody = Static<typeof ForceStateBody>;

export const SuperviseBody = Type.Object(
  {
    mode: Type.Union([Type.Literal('monitor'), Type.Literal('whisper'), Type.Literal('barge'), Type.Literal('leave')], {
      description: 'monitor (hears all, heard by none), whisper (heard by the agent only), barge (a full party), or leave',
    }),
    supervisorId: Type.Optional(identifier('The supervisor whose extension joins the call: required with the admin token; with a supervisor\'s token, their own id or left out')),
  },
  strict,
);
export type SuperviseBody = Static<typeof SuperviseBody>;

// ------------------------------------------------------------------ customers

/** Every number of a query or path has a range: a huge one (1e308) is a 400 naming it, never a 500. */
export const MAX_OFFSET = 1_000_000_000;
const limit = Type.Integer({ minimum: 1, maximum: 1000, description: 'Page size, 1–1000, default 50' });
const offset = Type.Integer({ minimum: 0, maximum: MAX_OFFSET, description: `Rows to skip, 0–${MAX_OFFSET}` });

export const CustomerIdParams = Type.Object({ id: identifier('Customer id') }, strict);
export type CustomerIdParams = Static<typeof CustomerIdParams>;

export const CustomerQuery = Type.Object(
  {
    phone: Type.Optional(text('Find by phone number (screen pop lookup); ignores search, limit and offset', 64)),
    search: Type.Optional(Type.String({ maxLength: 200, description: 'Part of the name or email' })),
    limit: Type.Optional(limit),
    offset: Type.Optional(offset),
  },
  strict,
);
export type CustomerQuery = Static<typeof CustomerQuery>;

const phones = Type.Array(text('Phone number', 64), { maxItems: 20 });
const extra = Type.Record(Type.String(), Type.Unknown(), { description: 'Other CRM fields' });

export const NewCustomerBody = Type.Object(
  {
    id: Type.Optional(identifier('Customer id; a UUID when absent')),
    name: text('Name'),
    phones: Type.Optional(phones),
    email: Type.Optional(text('Email', 254)),
    notes: Type.Optional(Type.String({ maxLength: 65536 })),
    extra: Type.Optional(extra),
  },
  strict,
);
export type NewCustomerBody = Static<typeof NewCustomerBody>;

export const CustomerPatchBody = Type.Object(
  {
    name: Type.Optional(text('Name')),
    phones: Type.Optional(phones),
    email: Type.Optional(nullable(text('Email; null removes it', 254))),
    notes: Type.Optional(Type.String({ maxLength: 65536 })),
    extra: Type.Optional(extra),
  },
  { ...strict, minProperties: 1 },
);
export type CustomerPatchBody = Static<typeof CustomerPatchBody>;

// ------------------------------------------------------------------ interactions

const status = stringEnum(['open', 'wrapped-up', 'abandoned'] as const, 'Interaction status');
/** `interrupted` is set by the server only (calls cut by a restart); it can be searched for. */
const anyStatus = stringEnum(['open', 'wrapped-up', 'abandoned', 'interrupted'] as const, 'Interaction status');

export const InteractionIdParams = Type.Object(
  { id: Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER, description: 'Interaction id' }) },
  strict,
);
export type InteractionIdParams = Static<typeof InteractionIdParams>;

export const InteractionQuery = Type.Object(
  {
    agentId: Type.Optional(text('Agent the call was offered to or answered by', 64)),
    customerId: Type.Optional(text('Linked customer', 64)),
    ani: Type.Optional(text('Caller number, compared by digits', 64)),
    callId: Type.Optional(text('The call; the other filters are ignored', 128)),
    status: Type.Optional(anyStatus),
    limit: Type.Optional(limit),
    offset: Type.Optional(offset),
  },
  strict,
);
export type InteractionQuery = Static<typeof InteractionQuery>;

export const InteractionPatchBody = Type.Object(
  {
    notes: Type.Optional(Type.String({ maxLength: 65536 })),
    disposition: Type.Optional(nullable(text('Disposition; null clears it'))),
    customerId: Type.Optional(nullable(identifier('Linked customer; null unlinks'))),
    status: Type.Optional(status),
  },
  { ...strict, minProperties: 1 },
);
export type InteractionPatchBody = Static<typeof InteractionPatchBody>;

// ------------------------------------------------------------------ directory

export const DirectoryQuery = Type.Object(
  {
    q: Type.Optional(Type.String({ maxLength: 100, description: 'Text found in a name, agent id or number (case-insensitive); absent lists everything' })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50, description: 'At most this many entries' })),
  },
  strict,
);
export type DirectoryQuery = Static<typeof DirectoryQuery>;

export const SavedNumberIdParams = Type.Object(
  { id: Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER, description: 'Saved number id' }) },
  strict,
);
export type SavedNumberIdParams = Static<typeof SavedNumberIdParams>;

export const NewSavedNumberBody = Type.Object(
  { label: text('What agents search it by, e.g. "Billing back office"', 100), number: dialable('The external number') },
  strict,
);
export type NewSavedNumberBody = Static<typeof NewSavedNumberBody>;

export const SavedNumberPatchBody = Type.Object(
  { label: Type.Optional(text('Label', 100)), number: Type.Optional(dialable('The external number')) },
  { ...strict, minProperties: 1 },
);
export type SavedNumberPatchBody = Static<typeof SavedNumberPatchBody>;
