/**
 * The JSON Schemas of the call-data containers that nest (pyUserData, pyApplicationData) and of
 * pyCallVariables, as plain objects: event-schemas.ts wraps them for TypeBox, and requests.ts puts
 * them in RequestCallData, which the browser page checks without carrying a schema builder.
 */
import { MAX_GROUP_DEPTH } from './events.js';

/**
 * A group schema `levels` deep, written out level by level rather than as a recursive reference:
 * a value nested without end then costs the validator nothing more than the limit. A value is a
 * string or (above the last level) a group; one schema keyword per level keeps errors to one line.
 */
function groupSchema(levels: number, description?: string): Record<string, unknown> {
  let value: Record<string, unknown> = { type: 'string' };
  for (let level = 1; level < levels; level++) value = { type: ['string', 'object'], additionalProperties: value };
  return { type: 'object', additionalProperties: value, ...(description ? { description } : {}) };
}

export const USER_DATA_SCHEMA = groupSchema(
  MAX_GROUP_DEPTH,
  `Pega's user data: keys to strings or to groups of the same shape, at most ${MAX_GROUP_DEPTH} groups deep`,
);

export const APPLICATION_DATA_SCHEMA = groupSchema(
  MAX_GROUP_DEPTH,
  `Data of the application that handled the call (an IVR, a bot): the shape of pyUserData, at most ${MAX_GROUP_DEPTH} groups deep`,
);

export const CALL_VARIABLES_SCHEMA: Record<string, unknown> = {
  type: ['string', 'array'],
  items: { type: 'string' },
  description: 'Call variables in order: pipe-delimited text ("a|b|c") or a list of strings',
};
