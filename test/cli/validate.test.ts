/**
 * `opencti validate`: the real CLI, spawned as a user runs it, on files in a temp folder.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jsonErrorOffset, kindOf, lineAndColumn } from '../../src/cli/commands/validate.js';

interface Run {
  code: number;
  stdout: string;
  stderr: string;
  lines: string[];
}

/** Runs `opencti validate …` from the repository root. */
function opencti(...args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'validate', ...args], { cwd: process.cwd() }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
      resolve({ code, stdout, stderr, lines: stdout.split('\n').filter(Boolean) });
    });
  });
}

const alerting = {
  pyEventType: 'CallStateEvent',
  pyEventName: 'Alerting',
  pyMedia: 'Phone',
  pyCallId: 'c-1',
  pyCallType: 'INBOUND',
  pyANI: '5551234',
  pyOtherDN: '5551234',
  pyThisDN: '1001',
  pyTimestamp: '2026-01-01T09:00:00Z',
};
const ready = { pyEventType: 'AgentStateEvent', pyEventName: 'Ready', pyMedia: 'Phone', pyAgentId: 'a1' };
const context = {
  application: 'demo-desk',
  telephonyMode: 'full',
  implementation: { vendor: 'demo-pbx' },
  ctiLink: { name: 'demo' },
  reasonCodes: { notReady: [{ code: 'BRK', label: 'Break' }], logout: [] },
};

let dir: string;
/** Writes a temp file (JSON unless given text) and returns its path. */
const file = async (name: string, content: unknown): Promise<string> => {
  const path = join(dir, name);
  await writeFile(path, typeof content === 'string' ? content : `${JSON.stringify(content, null, 2)}\n`);
  return path;
};

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'opencti-validate-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('valid files', () => {
  it('an event, a list of events and an application context: OK per file, exit 0', async () => {
    const event = await file('alerting.json', alerting);
    const list = await file('events.json', [alerting, ready, { pyEventType: 'PartyInfoEvent', pyEventName: 'PartyInfo', pyCallId: 'c-1', pyThisDN: '1001', pyParties: [{ pyDN: '1001' }] }]);
    const ctx = await file('context.json', context);
    const run = await opencti(event, list, ctx);
    expect(run.lines).toEqual([`OK ${event}`, `OK ${list}`, `OK ${ctx}`]);
    expect(run.code).toBe(0);
    expect(run.stderr).toBe('');
  });

  it('--type forces the kind, whatever the content says', async () => {
    const ctx = await file('context-forced.json', context);
    expect(await opencti('--type', 'context', ctx)).toMatchObject({ code: 0, lines: [`OK ${ctx}`] });
    const asEvent = await opencti('--type', 'event', ctx);
    expect(asEvent.code).toBe(1);
    expect(asEvent.lines).toEqual([`${ctx}: /pyEventType is required`]);
  });
});

describe('invalid events: one line per problem naming the property, exit 1', () => {
  it('--strict: a missing property, a wrong enum value and a wrong type', async () => {
    const missing = await file('missing.json', { ...alerting, pyCallId: undefined });
    const wrongEnum = await file('enum.json', { ...alerting, pyEventName: 'Ringing' });
    const wrongType = await file('type.json', { ...alerting, pyANI: 5551234 });
    const run = await opencti('--strict', missing, wrongEnum, wrongType);
    expect(run.code).toBe(1);
    expect(run.lines).toEqual([
      `${missing}: /pyCallId is required`,
      `${wrongEnum}: /pyEventName must be one of "Alerting", "Offering", "Initiated", "Established", "Connected", "Held", "Retrieved", "Disconnected", "Abandoned" (got "Ringing")`,
      `${wrongType}: /pyANI must be string (got 5551234)`,
    ]);
  });

  it('every problem of a file, and nested pointers', async () => {
    const path = await file('many.json', { pyEventType: 'SnapshotEvent', pyEventName: 'Snapshot', pyAgentId: 'a1', pyAgentState: 'Sleeping', pyDeviceState: 'OPENED', pyLinkState: 'CONNECTED', pyCalls: [{ ...alerting, pyEventType: undefined, pyCallType: 'SIDEWAYS' }] });
    const run = await opencti(path);
    expect(run.code).toBe(1);
    expect(run.lines).toContain(`${path}: /pyAgentState must be one of "Ready", "NotReady", "Login", "Logout", "Busy", "Unknown" (got "Sleeping")`);
    expect(run.lines).toContain(`${path}: /pyCalls/0/pyCallType must be one of "INBOUND", "OUTBOUND", "INTERNAL", "CONSULT", "UNKNOWN" (got "SIDEWAYS")`);
  });

  it('an unknown event type, and array members that are not objects', async () => {
    const path = await file('list.json', [alerting, 42, { pyEventType: 'RingEvent' }, 'hello']);
    const run = await opencti(path);
    expect(run.code).toBe(1);
    expect(run.lines).toEqual([
      `${path}: /1 must be a JSON object (got 42)`,
      `${path}: /2/pyEventType must be one of "CallStateEvent", "AgentStateEvent", "SnapshotEvent", "PartyInfoEvent", "CallInfoEvent" (got "RingEvent")`,
      `${path}: /3 must be a JSON object (got "hello")`,
    ]);
  });

  it('a document that is not an object, or says neither what it is', async () => {
    const scalar = await file('scalar.json', '"Alerting"\n');
    const forced = await file('forced-scalar.json', '17\n');
    const unknown = await file('unknown.json', { hello: 'world' });
    const run = await opencti(scalar, unknown);
    expect(run.code).toBe(1);
    expect(run.lines[0]).toBe(`${scalar}: (document) must be a JSON object (an event or an application context) or an array of events (got "Alerting")`);
    expect(run.lines[1]).toMatch(new RegExp(`^${unknown}: \\(document\\) is neither an OpenCTI event .*--type`));
    expect((await opencti('--type', 'event', forced)).lines).toEqual([`${forced}: (document) must be a JSON object (got 17)`]);
  });

  it('an invalid application context names its property', async () => {
    const path = await file('bad-context.json', { ...context, telephonyMode: 'fancy', requestTimeoutMs: 0 });
    const run = await opencti(path);
    expect(run.code).toBe(1);
    expect(run.lines).toContain(`${path}: /telephonyMode must be one of "simple", "agentState", "full" (got "fancy")`);
    expect(run.lines.some((l) => l.startsWith(`${path}: /requestTimeoutMs must be >= 1`))).toBe(true);
  });
});

describe('files that cannot be read or parsed', () => {
  it('bad JSON names the file, the line and column, and the parser message; other files still run', async () => {
    const broken = await file('broken.json', '{\n  "pyEventType": "CallStateEvent",\n  "pyEventName": Alerting\n}\n');
    const truncated = await file('truncated.json', '{"pyEventType": "AgentStateEvent"');
    const good = await file('good.json', ready);
    const run = await opencti(broken, truncated, good);
    expect(run.code).toBe(1);
    expect(run.lines).toHaveLength(3);
    expect(run.lines[0]).toMatch(new RegExp(`^${broken}: not valid JSON at line 3, column 18: .*Unexpected token`));
    expect(run.lines[1]).toMatch(new RegExp(`^${truncated}: not valid JSON at line 1, column 34: `));
    expect(run.lines[2]).toBe(`OK ${good}`);
  });

  it('a missing file is reported by name and counts as a failure', async () => {
    const nowhere = join(dir, 'nowhere.json');
    const good = await file('good-too.json', alerting);
    const run = await opencti(nowhere, good);
    expect(run.code).toBe(1);
    expect(run.lines).toEqual([`${nowhere}: cannot read the file: ENOENT: no such file or directory, open '${nowhere}'`, `OK ${good}`]);
  });
});

describe('usage errors exit with 2', () => {
  it('no file', async () => {
    const run = await opencti();
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("missing required argument 'files'");
  });

  it('an unknown --type', async () => {
    const run = await opencti('--type', 'agent', 'x.json');
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('Allowed choices are event, context');
  });

  it('an unknown option', async () => {
    const run = await opencti('--loose', 'x.json');
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("unknown option '--loose'");
  });
});

describe('lenient intake (the default) and --strict', () => {
  it('vendor names and bare events that follow the call they name: OK; --strict names each problem', async () => {
    const talk = await file('talkdesk.json', [
      { ...alerting, pyEventName: 'Ringing', pyEventString: 'call_ringing' },
      { pyCallId: 'c-1', pyEventName: 'Answered', pyInteractionID: 'INT-9' },
      { pyCallId: 'c-1', pyEventName: 'Held' },
      { pyCallId: 'c-1', pyEventName: 'Retrieved' },
      { pyCallId: 'c-1', pyEventName: 'Disconnected' },
    ]);
    expect(await opencti(talk)).toMatchObject({ code: 0, lines: [`OK ${talk}`] });
    const strict = await opencti('--strict', talk);
    expect(strict.code).toBe(1);
    expect(strict.lines).toEqual([
      `${talk}: /0/pyEventName must be one of "Alerting", "Offering", "Initiated", "Established", "Connected", "Held", "Retrieved", "Disconnected", "Abandoned" (got "Ringing")`,
      `${talk}: /1/pyEventType is required`,
      `${talk}: /2/pyEventType is required`,
      `${talk}: /3/pyEventType is required`,
      `${talk}: /4/pyEventType is required`,
    ]);
  });

  it('what lenient intake still refuses: no pyCallId, a wrong type, a call no earlier event started', async () => {
    const bare = await file('bare.json', { pyCallId: 'c-7', pyEventName: 'Disconnected' });
    const list = await file('refused.json', [
      alerting,
      { pyEventName: 'Disconnected' },
      { pyCallId: 'c-1', pyEventName: 'Held', pyOtherDN: 42 },
      { pyCallId: 'c-1', pyEventName: 'Disconnected' },
      { pyCallId: 'c-1', pyEventName: 'Retrieved' },
    ]);
    const run = await opencti(bare, list);
    expect(run.code).toBe(1);
    expect(run.lines).toEqual([
      `${bare}: /pyCallId names no call in progress, so the event must carry pyCallType, pyANI, pyOtherDN (got "c-7")`,
      `${list}: /1/pyCallId is required`,
      `${list}: /2/pyOtherDN must be string (got 42)`,
      `${list}: /4/pyCallId names no call in progress, so the event must carry pyCallType, pyANI, pyOtherDN (got "c-1")`,
    ]);
  });
});

describe('helpers', () => {
  it('jsonErrorOffset agrees with JSON.parse on what is valid, and with its position when it gives one', () => {
    const samples = ['{}', '[]', '0', '-1.5e3', '"a\\u00e9\\n"', ' {"a":[1,true,null,{"b":"c"}]} ', '', '{', '{"a":}', '[1,2,,]', '{"a" 1}', '01', '1.', '"\\x"', '"tab\there"', 'tru', '{"a":1}x', '[1 2]', '{"a":1,}', '"unterminated', '-', '1e', '1e+', '-01', '2.5E-3', '[-0]', '{"a":1e5}'];
    for (const text of samples) {
      let position: number | undefined;
      let valid = true;
      try {
        JSON.parse(text);
      } catch (error) {
        valid = false;
        const match = /position (\d+)/.exec((error as Error).message);
        if (match) position = Number(match[1]);
      }
      const offset = jsonErrorOffset(text);
      expect(offset === -1, text).toBe(valid);
      if (position !== undefined) expect(offset, text).toBe(position);
    }
  });

  it('lineAndColumn is 1-based', () => {
    expect(lineAndColumn('abc', 0)).toEqual({ line: 1, column: 1 });
    expect(lineAndColumn('a\nbc', 3)).toEqual({ line: 2, column: 2 });
  });

  it('kindOf tells events, lists and contexts apart', () => {
    expect(kindOf(alerting)).toBe('event');
    expect(kindOf([])).toBe('event');
    expect(kindOf(context)).toBe('context');
    expect(kindOf({ pyCallId: 'c1', pyEventName: 'Held' })).toBe('event');
    expect(kindOf({ pyEventName: 'Ringing' })).toBe('event');
    expect(kindOf({})).toBeUndefined();
    expect(kindOf('x')).toBeUndefined();
  });
});
