import { Type } from '@sinclair/typebox';

/** A string enum as a plain JSON Schema `enum`, so validation errors list the allowed values. */
export const stringEnum = <const T extends readonly string[]>(values: T, description?: string) =>
  Type.Unsafe<T[number]>({ type: 'string', enum: [...values], ...(description ? { description } : {}) });
