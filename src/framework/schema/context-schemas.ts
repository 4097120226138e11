/**
 * The JSON Schema of the application context (SPEC §3, §7, §8), the source of its TypeScript types
 * (re-exported by context.ts with the value lists) and of the configuration file's schema.
 */
import { Type, type Static } from '@sinclair/typebox';
import { CALL_TYPES } from './events.js';
import { ANSWERING, EVENT_INTAKES, LAUNCH, TELEPHONY_MODES } from './context.js';
import { stringEnum } from './string-enum.js';

export const CallTreatment = Type.Object(
  {
    enabled: Type.Boolean({ default: true, description: 'false switches treatment off for this call type' }),
    answering: stringEnum(ANSWERING, 'How the call is answered'),
    launch: stringEnum(LAUNCH, 'How the screen pop and the interaction start'),
    popData: Type.Array(Type.String({ minLength: 1 }), {
      description: 'Which call properties (e.g. pyANI, pyDNIS) or call-data keys appear in the pop',
    }),
  },
  { additionalProperties: false },
);
export type CallTreatment = Static<typeof CallTreatment>;

export const ReasonCode = Type.Object(
  {
    code: Type.String({ minLength: 1, description: 'Code sent to the implementation' }),
    label: Type.String({ minLength: 1, description: 'What the CSR sees' }),
  },
  { additionalProperties: false },
);
export type ReasonCode = Static<typeof ReasonCode>;

/** How the CSR wraps up an interaction: the dispositions to choose from, and what is required. */
export const WrapUp = Type.Object(
  {
    dispositions: Type.Array(ReasonCode, { default: [], description: 'Dispositions the CSR chooses from: code stored on the interaction, label shown' }),
    dispositionRequired: Type.Optional(Type.Boolean({ default: false, description: 'Wrapping up without a disposition is refused' })),
    notesRequired: Type.Optional(Type.Boolean({ default: false, description: 'Wrapping up without notes is refused' })),
    timeLimitSeconds: Type.Optional(
      Type.Integer({ minimum: 1, maximum: 86_400, description: 'Time for the wrap-up once the call has ended; the desktop counts it down and says when it is over' }),
    ),
  },
  { additionalProperties: false },
);
export type WrapUp = Static<typeof WrapUp>;

/** One of Pega's custom link properties: a name and its value, passed to the implementation as they are. */
export const CustomProperty = Type.Object(
  {
    pyPropertyName: Type.String({ minLength: 1, maxLength: 256, description: 'Name of the custom property' }),
    pyPropertyValue: Type.String({ maxLength: 4096, description: 'Its value' }),
  },
  { additionalProperties: true },
);
export type CustomProperty = Static<typeof CustomProperty>;

const pegaText = (description: string) => Type.Optional(Type.String({ maxLength: 1024, description }));

/** The fields of a Pega CTI link definition, as Pega's application context hands them to the implementation. */
const pegaLinkFields = {
  pyPrimaryHost: pegaText('Pega: host of the CTI server'),
  pyPrimaryPort: Type.Optional(
    Type.Unsafe<number | string>({
      type: ['integer', 'string'],
      minimum: 1,
      maximum: 65535,
      pattern: '^[0-9]{1,5}$',
      description: 'Pega: port of the CTI server, a number 1-65535 or its digits as text',
    }),
  ),
  pySiteID: pegaText('Pega: site id of the CTI server'),
  pyLabel: pegaText('Pega: label of the link'),
  pyExtension: pegaText('Pega: extension configured on the link'),
  pyAgentId: pegaText('Pega: agent id configured on the link'),
  pyAgentPwd: pegaText('Pega: agent password configured on the link (kept in the context file: protect it)'),
  CustomProperties: Type.Optional(
    Type.Array(CustomProperty, { maxItems: 256, description: 'Pega: vendor settings as name/value pairs' }),
  ),
  contactCenterInstanceURL: Type.Optional(
    Type.String({
      pattern: '^[A-Za-z][A-Za-z0-9+.-]*://\\S+$',
      maxLength: 2048,
      description: 'Pega: URL of the contact center instance (cloud contact centers), an absolute URL',
    }),
  ),
};

export const CtiLink = Type.Object(
  {
    name: Type.String({ minLength: 1, description: 'Name of the link definition' }),
    url: Type.Optional(Type.String({ minLength: 1, description: 'Where the CTI server is reached' })),
    urls: Type.Optional(
      Type.Array(Type.String({ pattern: '^[Ww][Ss][Ss]?://[^\\s/?#]+', description: 'A ws:// or wss:// URL' }), {
        minItems: 1,
        maxItems: 16,
        description:
          'Servers of one call center (cluster nodes) tried in order at login, and in turn when the link is lost; with url, url comes first',
      }),
    ),
    ...pegaLinkFields,
  },
  { additionalProperties: true, description: 'Vendor-specific link settings are allowed' },
);
export type CtiLink = Static<typeof CtiLink>;

const optionalTreatment = Type.Optional(CallTreatment);
const callTreatmentProperties = Object.fromEntries(CALL_TYPES.map((t) => [t, optionalTreatment])) as Record<
  (typeof CALL_TYPES)[number],
  typeof optionalTreatment
>;

export const ApplicationContext = Type.Object(
  {
    application: Type.String({ minLength: 1, description: 'Name of the application context' }),
    telephonyMode: stringEnum(TELEPHONY_MODES, 'Telephony mode (SPEC §2)'),
    implementation: Type.Object(
      {
        vendor: Type.String({ minLength: 1, description: 'Vendor name the implementation is registered under' }),
        module: Type.Optional(Type.String({ minLength: 1, description: 'Module path to load the implementation from' })),
      },
      { additionalProperties: false },
    ),
    ctiLink: CtiLink,
    callTreatment: Type.Optional(
      Type.Object(callTreatmentProperties, {
        additionalProperties: false,
        description: 'Treatment per call type; a call type left out gets no treatment',
      }),
    ),
    reasonCodes: Type.Optional(
      Type.Object(
        {
          notReady: Type.Array(ReasonCode, { default: [] }),
          logout: Type.Array(ReasonCode, { default: [] }),
        },
        { additionalProperties: false },
      ),
    ),
    wrapUp: Type.Optional(WrapUp),
    locale: Type.Optional(Type.String({ minLength: 2, description: 'Locale of error messages, e.g. "en" or "fr"' })),
    errorMessages: Type.Optional(
      Type.Record(Type.String({ pattern: '^[A-Z0-9_]+$' }), Type.String({ minLength: 1 }), {
        description: 'Message overrides per errCode, in the context locale',
      }),
    ),
    events: Type.Optional(
      stringEnum(
        EVENT_INTAKES,
        'How events are taken in: "lenient" (the default) accepts vendor call state names, bare call events and fills them from the known call; "strict" accepts only the contract\'s shapes',
      ),
    ),
    requestTimeoutMs: Type.Optional(
      Type.Integer({ minimum: 1, maximum: 600_000, description: 'How long a request may stay unsettled' }),
    ),
  },
  { additionalProperties: false, title: 'ApplicationContext' },
);
export type ApplicationContext = Static<typeof ApplicationContext>;
