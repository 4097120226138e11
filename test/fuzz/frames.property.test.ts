/**
 * parseFrame (src/server/gateway/frames.ts) under any input: it answers ok or a named refusal,
 * never throws, and its error message stays small whatever the size or depth of the input.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { OPS } from '../../src/framework/schema/protocol.js';
import { parseFrame, type ParsedFrame } from '../../src/server/gateway/frames.js';
import { GATEWAY_LIMIT_DEFAULTS } from '../../src/server/gateway/limits.js';
import { fuzzParameters } from './parameters.js';

/** The gateway's default frame limits: size, nesting depth, string length. */
const LIMITS = GATEWAY_LIMIT_DEFAULTS;
const MAX_BYTES = LIMITS.maxFrameBytes;
/** An error message is for a person: this is far above any useful one, far below a hostile input. */
const MAX_MESSAGE_CHARS = 4096;
const REASONS = ['too_large', 'binary', 'not_json', 'too_deep', 'string_too_long', 'bad_shape'];

/** parseFrame's answer, or the exception it threw, as a value the properties can check. */
function parse(data: Buffer | string, isBinary = false): ParsedFrame {
  const buffer = typeof data === 'string' ? Buffer.from(data) : data;
  return parseFrame(buffer, isBinary, LIMITS);
}

function expectNamedAnswer(parsed: ParsedFrame): void {
  if (parsed.ok) return;
  expect(REASONS).toContain(parsed.reason);
  expect(parsed.error.errCode).toBe('OPENCTI_BAD_FRAME');
  expect(typeof parsed.error.errMessage).toBe('string');
  expect(parsed.error.errMessage.length).toBeGreaterThan(0);
  expect(parsed.error.errMessage.length).toBeLessThanOrEqual(MAX_MESSAGE_CHARS);
}

/** A JSON value `depth` levels deep, in one of the shapes a hostile client would send. */
const nested = (depth: number, shape: 'array' | 'object' | 'mixed'): string => {
  if (shape === 'array') return `${'['.repeat(depth)}1${']'.repeat(depth)}`;
  if (shape === 'object') return `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
  return `${'[{"a":'.repeat(Math.ceil(depth / 2))}1${'}]'.repeat(Math.ceil(depth / 2))}`;
};

const FIELDS = ['id', 'type', 'op', 'args', 'extra', 'argsValue', 'document'] as const;

/** A request frame with one field replaced by a deeply nested value. */
function deepFrame(field: (typeof FIELDS)[number], value: string): string {
  switch (field) {
    case 'document':
      return value;
    case 'argsValue':
      return `{"type":"request","id":"r1","op":"login","args":{"agentId":${value}}}`;
    case 'extra':
      return `{"type":"request","id":"r1","op":"login","args":{},"extra":${value}}`;
    default: {
      const frame: Record<string, string> = { type: '"request"', id: '"r1"', op: '"login"', args: '{}' };
      frame[field] = value;
      return `{${Object.entries(frame).map(([k, v]) => `"${k}":${v}`).join(',')}}`;
    }
  }
}

const id = fc.oneof(fc.string({ minLength: 1, maxLength: 128 }), fc.integer());
const validRequest = fc.record(
  {
    type: fc.constant('request' as const),
    id,
    op: fc.oneof(fc.constantFrom(...OPS), fc.string({ minLength: 1, maxLength: 64 })),
    args: fc.dictionary(fc.string({ maxLength: 20 }), fc.jsonValue({ maxDepth: 3 }), { maxKeys: 5 }),
  },
  { requiredKeys: ['type', 'id', 'op'] },
);

describe('parseFrame', () => {
  it('answers ok or a named refusal for any text, never throwing', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit: 'grapheme', maxLength: 400 }), fc.string({ unit: 'binary', maxLength: 400 }), fc.json({ maxDepth: 6 })), (text) => {
        expectNamedAnswer(parse(text));
      }),
      fuzzParameters(800),
    );
  });

  it('answers ok or a named refusal for any bytes, text or binary, never throwing', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 600 }), fc.boolean(), (bytes, isBinary) => {
        const parsed = parse(Buffer.from(bytes), isBinary);
        expectNamedAnswer(parsed);
        if (isBinary) expect(parsed).toMatchObject({ ok: false, reason: 'binary' });
      }),
      fuzzParameters(800),
    );
  });

  it('refuses JSON values of the wrong shape by name, with a short message', () => {
    const anyValue = fc.jsonValue({ maxDepth: 5 });
    const wrongShape = fc.oneof(
      anyValue,
      fc.record({ type: anyValue, id: anyValue, op: anyValue, args: anyValue }, { requiredKeys: [] }),
      fc.dictionary(fc.string({ maxLength: 30 }), anyValue, { minKeys: 1, maxKeys: 40 }),
    );
    fc.assert(
      fc.property(wrongShape, (value) => {
        expectNamedAnswer(parse(JSON.stringify(value)));
      }),
      fuzzParameters(800),
    );
  });

  it('keeps the message short when the frame is big: long strings, many properties, many problems', () => {
    // Descriptions of the frames, built inside the property, so that a failure prints the recipe, not 60 KB.
    const big = fc.oneof(
      fc.record({ kind: fc.constant('long' as const), field: fc.constantFrom('id', 'op', 'type', 'extra'), size: fc.integer({ min: 5_000, max: 60_000 }) }),
      fc.record({ kind: fc.constant('properties' as const), field: fc.constant(''), size: fc.integer({ min: 500, max: 4_000 }) }),
      fc.record({ kind: fc.constant('argsArray' as const), field: fc.constant(''), size: fc.integer({ min: 1_000, max: 10_000 }) }),
    );
    const build = ({ kind, field, size }: { kind: 'long' | 'properties' | 'argsArray'; field: string; size: number }): string => {
      const frame: Record<string, unknown> = { type: 'request', id: 'r1', op: 'login', args: {} };
      // One long value in a field the frame schema checks.
      if (kind === 'long') frame[field] = 'x'.repeat(size);
      // Thousands of extra properties: one problem each.
      if (kind === 'properties') for (let i = 0; i < size; i++) frame[`p${i}`] = i;
      // A long array where an object is expected.
      if (kind === 'argsArray') frame.args = Array.from({ length: size }, (_, i) => i);
      return JSON.stringify(frame);
    };
    fc.assert(
      fc.property(big, (recipe) => {
        const frame = build(recipe);
        expect(Buffer.byteLength(frame)).toBeLessThanOrEqual(MAX_BYTES);
        const parsed = parse(frame);
        expect(parsed.ok).toBe(false);
        expectNamedAnswer(parsed);
      }),
      fuzzParameters(60),
    );
  });

  const deepCase = fc.record({
    field: fc.constantFrom(...FIELDS),
    // From just over the depth limit to as deep as a frame under the size limit can be.
    depth: fc.integer({ min: LIMITS.maxDepth + 1, max: 10_000 }),
    shape: fc.constantFrom('array' as const, 'object' as const, 'mixed' as const),
  });

  it('never throws on a deeply nested value in any field', () => {
    fc.assert(
      fc.property(deepCase, ({ field, depth, shape }) => {
        const frame = deepFrame(field, nested(depth, shape));
        expect(Buffer.byteLength(frame)).toBeLessThanOrEqual(MAX_BYTES);
        expect(() => parse(frame)).not.toThrow();
      }),
      fuzzParameters(60),
    );
  });

  it('refuses a deeply nested value in any field by name, with a short message', () => {
    fc.assert(
      fc.property(deepCase, ({ field, depth, shape }) => {
        let parsed: ParsedFrame;
        try {
          parsed = parse(deepFrame(field, nested(depth, shape)));
        } catch {
          return fc.pre(false); // the test above reports the throw
        }
        expect(parsed).toMatchObject({ ok: false, reason: 'too_deep' });
        expectNamedAnswer(parsed);
      }),
      fuzzParameters(60),
    );
  });

  it('refuses a frame over the limit as too_large before reading it', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 4096 }), fc.boolean(), (over, isBinary) => {
        const parsed = parseFrame(Buffer.alloc(MAX_BYTES + over, 0x7b), isBinary, LIMITS);
        expect(parsed).toMatchObject({ ok: false, reason: 'too_large', id: null });
        expectNamedAnswer(parsed);
      }),
      fuzzParameters(50),
    );
  });

  it('passes every valid request frame through unchanged (round trip)', () => {
    fc.assert(
      fc.property(validRequest, (request) => {
        const text = JSON.stringify(request);
        fc.pre(Buffer.byteLength(text) <= MAX_BYTES);
        const parsed = parse(text);
        expect(parsed.ok, parsed.ok ? '' : parsed.error.errMessage).toBe(true);
        if (parsed.ok) expect(parsed.frame).toEqual(JSON.parse(text));
      }),
      fuzzParameters(500),
    );
  });

  it('names the id of a refused request that carried a usable one, so the client can match the answer', () => {
    fc.assert(
      fc.property(id, fc.jsonValue({ maxDepth: 3 }), (requestId, badOp) => {
        fc.pre(typeof badOp !== 'string' || badOp.length === 0);
        const parsed = parse(JSON.stringify({ type: 'request', id: requestId, op: badOp }));
        expect(parsed).toMatchObject({ ok: false, reason: 'bad_shape', id: requestId });
        expectNamedAnswer(parsed);
      }),
      fuzzParameters(300),
    );
  });

  it('takes a heartbeat frame as one', () => {
    expect(parse('{"type":"heartbeat"}')).toEqual({ ok: true, frame: { type: 'heartbeat' } });
  });
});
