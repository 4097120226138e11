/** The `limits` section of the server configuration: defaults, and each mistake named by its path. */
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveConfig } from '../../../src/server/config.js';
import { sessionBytesPerSecond } from '../../../src/server/gateway/limits.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'opencti-limits-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('limits', () => {
  it('has a default for every limit, and a value given for one keeps the others', () => {
    expect(resolveConfig({}).limits).toEqual({
      maxFrameBytes: 65_536,
      maxDepth: 32,
      maxStringLength: 8192,
      framesPerSecond: 200,
      bytesPerSecond: 262_144,
      anonymousBytesPerSecond: 131_072,
      maxSendBufferBytes: 1_048_576,
      loginTimeoutMs: 10_000,
      idleTimeoutMs: 300_000,
      replay: { maxFrames: 256, maxBytes: 10_240, maxAgeMs: 120_000 },
    });
    expect(resolveConfig({ limits: { framesPerSecond: 50 } }).limits).toMatchObject({ framesPerSecond: 50, maxDepth: 32 });
    expect(resolveConfig({ limits: { replay: { maxBytes: 0 } } }).limits.replay).toEqual({ maxFrames: 256, maxBytes: 0, maxAgeMs: 120_000 });
  });

  it('shares twice one socket\'s byte budget among the sockets of a session unless sessionBytesPerSecond is given', () => {
    expect(sessionBytesPerSecond(resolveConfig({}).limits)).toBe(524_288);
    expect(sessionBytesPerSecond(resolveConfig({ limits: { bytesPerSecond: 100_000 } }).limits)).toBe(200_000);
    expect(sessionBytesPerSecond(resolveConfig({ limits: { sessionBytesPerSecond: 300_000 } }).limits)).toBe(300_000);
  });

  it.each([
    [{ limits: { maxDepth: 2 } }, '/limits/maxDepth must be >= 4 (got 2)'],
    [{ limits: { framesPerSecond: 'many' } }, '/limits/framesPerSecond must be integer (got "many")'],
    [{ limits: { maxFrames: 3 } }, '/limits/maxFrames is not an allowed property (got 3)'],
    [{ heartbeatMs: 200_000 }, '/limits/idleTimeoutMs 300000 must be at least three heartbeat intervals (3 × /heartbeatMs = 600000)'],
    [{ limits: { maxFrameBytes: 1_000_000, bytesPerSecond: 500_000 } }, '/limits/bytesPerSecond 500000 must be at least /limits/maxFrameBytes (1000000)'],
    [{ limits: { sessionBytesPerSecond: 4096 } }, '/limits/sessionBytesPerSecond 4096 must be at least /limits/bytesPerSecond (262144)'],
    [{ limits: { replay: { maxBytes: -1 } } }, '/limits/replay/maxBytes must be >= 0 (got -1)'],
    [{ limits: { replay: { maxFrames: 2.5 } } }, '/limits/replay/maxFrames must be integer (got 2.5)'],
    [{ limits: { replay: { maxAgeSeconds: 60 } } }, '/limits/replay/maxAgeSeconds is not an allowed property (got 60)'],
    [{ limits: { replay: 100 } }, '/limits/replay must be object (got 100)'],
  ])('refuses %j naming the problem', (config, message) => {
    expect(() => resolveConfig(config)).toThrow(message);
  });

  it('a wrong value of any depth or size is shown cut short in the message, never whole', () => {
    const deep = JSON.parse('['.repeat(100_000) + ']'.repeat(100_000)) as unknown;
    expect(() => resolveConfig({ port: deep })).toThrow('/port must be integer (got [[[…]]])');
    expect(() => resolveConfig({ host: { note: 'x'.repeat(100_000) } })).toThrow(/\/host must be string \(got \{"note": "x{60,}…\)$/);
  });

  it('opencti serve refuses a config file with a wrong limit, exit code 2, naming it', async () => {
    const file = join(dir, 'server.json');
    await writeFile(file, JSON.stringify({ limits: { loginTimeoutMs: -1 } }));
    const { code, stderr } = await new Promise<{ code: number; stderr: string }>((resolve) =>
      execFile(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'serve', '--config', file, '--data-dir', join(dir, 'data')], (error, _stdout, stderr) =>
        resolve({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stderr }),
      ),
    );
    expect(code).toBe(2);
    expect(stderr).toContain('/limits/loginTimeoutMs must be >= 100 (got -1)');
  });
});
