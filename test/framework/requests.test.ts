/**
 * The table of requests (src/framework/requests.ts) is the one place a request is declared:
 * the mode table, the callback adapter, the wire protocol, the session and the test helpers all
 * agree with it, and none of them names a request the table lacks.
 */
import { describe, expect, it } from 'vitest';
import {
  ADVANCED_CALL_REQUESTS,
  AGENT_STATE_REQUESTS,
  BASIC_CALL_REQUESTS,
  CALL_DATA_REQUESTS,
  CALLBACK_ARITY,
  callbackLayout,
  fromCallbackImplementation,
  functionFor,
  MODE_CAPABILITIES,
  OPTIONAL_REQUESTS,
  REQUEST_NAMES,
  REQUEST_TABLE,
  WIRE_ARGS,
  WIRE_ONLY_OPS,
  REQUESTS,
  Session,
  SESSION_REQUESTS,
  type TelephonyMode,
} from '../../src/framework/index.js';
import { OP_ARGS, OPS } from '../../src/framework/schema/protocol.js';
import { ALL_REQUESTS } from './helpers/fake-implementation.js';

const MODES: readonly TelephonyMode[] = ['simple', 'agentState', 'full'];
const names = new Set<string>(REQUEST_NAMES);
const wireOnly = Object.keys(WIRE_ARGS).filter((name) => !names.has(name));
const wireOf = (name: string) => WIRE_ARGS[name as keyof typeof WIRE_ARGS];

describe('the table of requests', () => {
  it('declares each request once, with modes, parameters ending in options, and a wire schema', () => {
    expect(names.size).toBe(REQUEST_NAMES.length);
    for (const spec of REQUESTS) {
      expect(spec.modes.length, spec.name).toBeGreaterThan(0);
      for (const mode of spec.requiredIn) expect(spec.modes, `${spec.name} is required in ${mode}`).toContain(mode);
      expect(spec.params.map((p) => p.name), spec.name).toContain('options');
      expect(new Set(spec.params.map((p) => p.name)).size, `${spec.name} names a parameter twice`).toBe(spec.params.length);
      expect(wireOf(spec.name).type, spec.name).toBe('object');
    }
  });

  it('the only wire-only op is resume', () => {
    expect(wireOnly).toEqual(['resume']);
    expect(WIRE_ONLY_OPS).toEqual(['resume']);
  });

  it('aliases are other spellings: none is a request name, none belongs to two requests', () => {
    const aliases = REQUESTS.flatMap((spec) => spec.aliases);
    expect(aliases.filter((alias) => names.has(alias) || alias in WIRE_ARGS)).toEqual([]);
    expect(new Set(aliases).size).toBe(aliases.length);
  });

  it('each wire argument is a parameter of the connector function, optional on the wire exactly when the parameter is', () => {
    for (const spec of REQUESTS) {
      // callData travels in options.callData (the connector's options parameter).
      const wire = wireOf(spec.name);
      const wireArgs = Object.keys(wire.properties).filter((key) => key !== 'options' && !(spec.callData && key === 'callData'));
      const onWireRequired = new Set<string>(wire.required ?? []);
      for (const arg of wireArgs) {
        const param = spec.params.find((p) => p.name === arg);
        expect(param, `${spec.name}: wire argument "${arg}" is no parameter`).toBeDefined();
        expect(!onWireRequired.has(arg), `${spec.name}.${arg} optional`).toBe(param?.optional === true);
      }
    }
  });
});

describe('call data on requests', () => {
  it('makeCall and the requests that send a call on or place a consult leg take options.callData, as an optional wire argument', () => {
    expect(CALL_DATA_REQUESTS).toEqual(['makeCall', 'blindTransfer', 'transferInitiate', 'consultationCall', 'conferenceInitiate']);
    for (const spec of REQUESTS) {
      const wire = wireOf(spec.name);
      const onWire = 'callData' in wire.properties;
      expect(onWire, spec.name).toBe(spec.callData === true);
      if (onWire) expect(wire.required ?? [], spec.name).not.toContain('callData');
    }
  });
});

describe('what derives from the table', () => {
  it('the mode table: each mode allows exactly the requests the table allows in it, and requires those it requires', () => {
    for (const mode of MODES) {
      const allowed = REQUESTS.filter((r) => r.modes.includes(mode)).map((r) => r.name);
      const required = REQUESTS.filter((r) => r.requiredIn.includes(mode)).map((r) => r.name);
      expect([...MODE_CAPABILITIES[mode].allowed].sort(), mode).toEqual([...allowed].sort());
      expect(MODE_CAPABILITIES[mode].required, mode).toEqual(required);
    }
  });

  it('the SPEC §5 groups cover every request once', () => {
    const grouped = [...SESSION_REQUESTS, ...AGENT_STATE_REQUESTS, ...BASIC_CALL_REQUESTS, ...ADVANCED_CALL_REQUESTS, ...OPTIONAL_REQUESTS];
    expect([...grouped].sort()).toEqual([...REQUEST_NAMES].sort());
  });

  it('the wire protocol: one op per table entry and per wire-only op, in table order, with the wire schema', () => {
    expect(OPS.filter((op) => names.has(op))).toEqual(Object.keys(REQUEST_TABLE));
    expect(OPS.filter((op) => !names.has(op))).toEqual([...WIRE_ONLY_OPS]);
    for (const op of OPS) expect(OP_ARGS[op]).toBe(WIRE_ARGS[op]);
  });

  it('the callback adapter: an arity for every request and for nothing else, callbacks right after options', () => {
    expect(Object.keys(CALLBACK_ARITY).sort()).toEqual([...REQUEST_NAMES].sort());
    for (const spec of REQUESTS) {
      expect(CALLBACK_ARITY[spec.name], spec.name).toBe(spec.params.findIndex((p) => p.name === 'options') + 1);
    }
    expect(callbackLayout(REQUEST_TABLE.login)).toEqual({ arity: 5, trailing: 1 });
  });

  it('the callback adapter wraps every request of the table', () => {
    const original = Object.fromEntries(REQUEST_NAMES.map((name) => [name, () => {}]));
    const wrapped = fromCallbackImplementation({ name: 'all', implementationVersion: '1.0.0', frameworkApi: '^1.0.0', ...original });
    expect(REQUEST_NAMES.filter((name) => typeof (wrapped as unknown as Record<string, unknown>)[name] !== 'function')).toEqual([]);
  });

  it('a connector function is found under its name, else under an alias', () => {
    const spec = { name: 'consultationCall', aliases: ['consulationCall'] };
    const ownName = () => 'own';
    const alias = () => 'alias';
    expect(functionFor({ consultationCall: ownName, consulationCall: alias }, spec)).toBe(ownName);
    expect(functionFor({ consulationCall: alias }, spec)).toBe(alias);
    expect(functionFor({ consultationcall: alias }, spec)).toBeUndefined();
  });

  it('the session has a method for every request', () => {
    const missing = REQUEST_NAMES.filter((name) => typeof (Session.prototype as unknown as Record<string, unknown>)[name] !== 'function');
    expect(missing).toEqual([]);
  });

  it('the test fake implements every request of the table', () => {
    expect(ALL_REQUESTS).toEqual(REQUEST_NAMES);
  });
});
