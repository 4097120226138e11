import { Type, type Static } from '@sinclair/typebox';

/** The OpenCTI error object (SPEC §6). */
export const ErrorObject = Type.Object(
  {
    errCode: Type.String({ minLength: 1, description: 'Error code, e.g. OPENCTI_DEST_BUSY' }),
    errMessage: Type.String({ description: "The vendor's message, shown when no translation exists" }),
  },
  { additionalProperties: true, title: 'ErrorObject' },
);
export type ErrorObject = Static<typeof ErrorObject>;
