/**
 * The published JSON Schema files: committed, up to date, loadable by a plain Ajv, and naming
 * exactly the properties and values of SPEC §4.
 */
import { mkdtemp, readFile, rm, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { buildSchemaFiles, SCHEMAS_DIR, staleSchemaFiles } from '../../scripts/generate-schemas.js';

interface JsonSchema {
  $schema?: string;
  $id?: string;
  title?: string;
  type?: string;
  const?: string;
  enum?: string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  anyOf?: JsonSchema[];
  additionalProperties?: boolean | JsonSchema;
  patternProperties?: Record<string, JsonSchema>;
}

const files = buildSchemaFiles();
const committed = async (file: string): Promise<JsonSchema> =>
  JSON.parse(await readFile(join(SCHEMAS_DIR, file), 'utf8')) as JsonSchema;

const CALL_STATES = ['Alerting', 'Offering', 'Initiated', 'Established', 'Connected', 'Held', 'Retrieved', 'Disconnected', 'Abandoned'];
const CALL_TYPES = ['INBOUND', 'OUTBOUND', 'INTERNAL', 'CONSULT', 'UNKNOWN'];
const WORK_MODES = ['MODE_NONE', 'MODE_AUTO_IN', 'MODE_MANUAL_IN', 'ACW', 'BUSY', 'AUX_WORK'];
const AGENT_STATES = ['Ready', 'NotReady', 'Login', 'Logout', 'Busy', 'Unknown'];
const CONTAINERS = ['pyCallData', 'pyUserData', 'pyCallVariables', 'pyApplicationData'];
const CALL_PROPERTIES = ['pyCallId', 'pyCallType', 'pyANI', 'pyOtherDN', 'pyThisDN', 'pyDNIS', 'pyQueue', 'pyInteractionID', 'pyTimestamp', 'pyMuted', ...CONTAINERS, 'pyCapabilities'];
const PENDING = ['pyPendingState', 'pyPendingReasonCode'];
const COMMON = ['pyEventType', 'pyEventName', 'pyMedia'];

/** SPEC §4, property by property: names, which are required, and the closed value sets. */
const SPEC: Record<string, { properties: string[]; required: string[]; enums: Record<string, string[]>; eventName?: string }> = {
  CallStateEvent: {
    properties: [...COMMON, ...CALL_PROPERTIES],
    required: ['pyEventType', 'pyEventName', 'pyCallId', 'pyCallType', 'pyANI', 'pyOtherDN'],
    enums: { pyEventName: CALL_STATES, pyCallType: CALL_TYPES },
  },
  AgentStateEvent: {
    properties: [...COMMON, 'pyReasonCode', 'pyWorkMode', 'pyAgentId', 'pyThisDN', ...PENDING, 'pyTimestamp'],
    required: ['pyEventType', 'pyEventName'],
    enums: { pyEventName: ['Login', 'Ready', 'NotReady', 'Logout', 'Unknown', 'Busy'], pyWorkMode: WORK_MODES },
  },
  SnapshotEvent: {
    properties: [...COMMON, 'pyAgentId', 'pyAgentState', 'pyDeviceState', 'pyLinkState', 'pyReasonCode', 'pyWorkMode', 'pyThisDN', ...PENDING, 'pyCalls'],
    required: ['pyEventType', 'pyEventName', 'pyAgentId', 'pyAgentState', 'pyDeviceState', 'pyLinkState'],
    enums: { pyAgentState: AGENT_STATES, pyDeviceState: ['OPENED', 'CLOSED'], pyLinkState: ['CONNECTED', 'DISCONNECTED'], pyWorkMode: WORK_MODES },
    eventName: 'Snapshot',
  },
  PartyInfoEvent: {
    properties: [...COMMON, 'pyCallId', 'pyThisDN', 'pyParties'],
    required: ['pyEventType', 'pyEventName', 'pyCallId', 'pyThisDN', 'pyParties'],
    enums: {},
    eventName: 'PartyInfo',
  },
  CallInfoEvent: {
    properties: [...COMMON, 'pyCallId', ...CONTAINERS, 'pyRecordingState'],
    required: ['pyEventType', 'pyEventName', 'pyCallId', 'pyCallData'],
    enums: { pyRecordingState: ['Recording', 'Paused', 'Stopped'] },
  },
};

const sorted = (values: readonly string[] | undefined) => [...(values ?? [])].sort();

describe('published JSON Schema files', () => {
  it('has one file per event, the union, the application context, the error object, the wire protocol frames and the server configuration', () => {
    const protocol = ['RequestFrame', 'ResponseFrame', 'EventFrame', 'HeartbeatFrame', 'ServerConfig'];
    expect([...files.keys()].sort()).toEqual(
      [...Object.keys(SPEC), 'OpenCtiEvent', 'ApplicationContext', 'ErrorObject', ...protocol].map((n) => `${n}.schema.json`).sort(),
    );
  });

  it('committed files match the TypeBox sources (run `npm run schemas` when this fails)', async () => {
    expect(await staleSchemaFiles()).toEqual([]);
    for (const [file, content] of files) {
      expect(await readFile(join(SCHEMAS_DIR, file), 'utf8'), file).toBe(content);
    }
  });

  it('the staleness check names a changed, a missing and a left-over file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'opencti-schemas-'));
    try {
      for (const [file, content] of files) await writeFile(join(dir, file), content);
      expect(await staleSchemaFiles(dir)).toEqual([]);
      await writeFile(join(dir, 'CallStateEvent.schema.json'), files.get('CallStateEvent.schema.json')!.replace('Abandoned', 'Gone'));
      await unlink(join(dir, 'ErrorObject.schema.json'));
      await writeFile(join(dir, 'OldEvent.schema.json'), '{}\n');
      expect((await staleSchemaFiles(dir)).sort()).toEqual(['CallStateEvent.schema.json', 'ErrorObject.schema.json', 'OldEvent.schema.json']);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('generation is deterministic and every file ends with a newline', () => {
    const again = buildSchemaFiles();
    for (const [file, content] of files) {
      expect(again.get(file)).toBe(content);
      expect(content.endsWith('}\n')).toBe(true);
    }
  });

  it.each([...files.keys()])('%s declares the draft-07 dialect and an opencti-ts $id, and compiles in a plain Ajv', async (file) => {
    const schema = await committed(file);
    expect(schema.$schema).toBe('http://json-schema.org/draft-07/schema#');
    expect(schema.$id).toBe(`opencti-ts/${file}`);
    expect(Object.keys(schema).slice(0, 2)).toEqual(['$schema', '$id']);
    // validateSchema checks the file against the draft-07 meta-schema.
    const ajv = new Ajv({ strict: false, validateFormats: false });
    expect(ajv.validateSchema(schema), JSON.stringify(ajv.errors)).toBe(true);
    expect(() => ajv.compile(schema)).not.toThrow();
  });
});

describe.each(Object.entries(SPEC))('%s schema follows SPEC §4', (type, spec) => {
  it('has exactly the SPEC property names', async () => {
    const schema = await committed(`${type}.schema.json`);
    expect(sorted(Object.keys(schema.properties ?? {}))).toEqual(sorted(spec.properties));
    expect(sorted(schema.required)).toEqual(sorted(spec.required));
    expect(schema.additionalProperties).toBe(true);
  });

  it('fixes pyEventType (and pyEventName where the SPEC names one)', async () => {
    const { properties = {} } = await committed(`${type}.schema.json`);
    expect(properties.pyEventType?.const).toBe(type);
    if (spec.eventName) expect(properties.pyEventName?.const).toBe(spec.eventName);
  });

  it('lists exactly the SPEC values of each closed property', async () => {
    const { properties = {} } = await committed(`${type}.schema.json`);
    for (const [name, values] of Object.entries(spec.enums)) {
      expect(properties[name]?.enum, name).toEqual(values);
    }
  });
});

describe('nested shapes', () => {
  it('parties are objects with a pyDN string, call data maps strings to strings', async () => {
    const party = (await committed('PartyInfoEvent.schema.json')).properties?.pyParties?.items;
    expect(party?.required).toEqual(['pyDN']);
    expect(party?.properties?.pyDN?.type).toBe('string');
    const callData = (await committed('CallInfoEvent.schema.json')).properties?.pyCallData;
    expect(callData?.type).toBe('object');
    expect(Object.values(callData?.patternProperties ?? {}).map((s) => s.type)).toEqual(['string']);
  });

  it('snapshot calls carry the call properties, a call-state pyEventName and pyParties', async () => {
    const call = (await committed('SnapshotEvent.schema.json')).properties?.pyCalls?.items;
    expect(sorted(Object.keys(call?.properties ?? {}))).toEqual(sorted(['pyEventName', 'pyMedia', ...CALL_PROPERTIES, 'pyParties', 'pyRecordingState']));
    expect(call?.properties?.pyEventName?.enum).toEqual(CALL_STATES);
  });

  it('OpenCtiEvent is the union of the five events', async () => {
    const union = await committed('OpenCtiEvent.schema.json');
    expect(union.anyOf?.map((s) => s.properties?.pyEventType?.const)).toEqual(Object.keys(SPEC));
  });
});

describe('the files validate like the framework does', () => {
  // A fresh Ajv per check: each file is a standalone document with its own $id.
  const check = async (file: string, value: unknown) =>
    new Ajv({ strict: false, validateFormats: false }).compile(await committed(file))(value);

  it('accepts a SPEC call-state event and refuses an unknown state', async () => {
    const alerting = { pyEventType: 'CallStateEvent', pyEventName: 'Alerting', pyMedia: 'Phone', pyCallId: 'c1', pyCallType: 'INBOUND', pyANI: '5551234', pyOtherDN: '5551234' };
    expect(await check('OpenCtiEvent.schema.json', alerting)).toBe(true);
    expect(await check('CallStateEvent.schema.json', { ...alerting, pyEventName: 'Ringing' })).toBe(false);
    expect(await check('CallStateEvent.schema.json', { ...alerting, pyVendorExtra: 1 })).toBe(true);
  });

  it('accepts a minimal application context and an error object', async () => {
    const context = { application: 'demo', telephonyMode: 'full', implementation: { vendor: 'demo' }, ctiLink: { name: 'lab' } };
    expect(await check('ApplicationContext.schema.json', context)).toBe(true);
    expect(await check('ApplicationContext.schema.json', { ...context, telephonyMode: 'fancy' })).toBe(false);
    expect(await check('ErrorObject.schema.json', { errCode: 'OPENCTI_DEST_BUSY', errMessage: 'busy' })).toBe(true);
    expect(await check('ErrorObject.schema.json', { errMessage: 'busy' })).toBe(false);
  });
});
