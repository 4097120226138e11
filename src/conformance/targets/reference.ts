/**
 * The conformance target `opencti conformance reference` runs: a reference server started in
 * this process on a free loopback port with a throw-away data folder, and the reference connector.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createNodeReferenceConnector } from '../../connectors/reference/node.js';
import { resolveConfig } from '../../server/config.js';
import { startServer } from '../../server/server.js';
import { createReferenceDriver } from '../reference-driver.js';
import type { ConformanceTarget } from '../types.js';

export async function createTarget(): Promise<ConformanceTarget> {
  const dataDir = mkdtempSync(join(tmpdir(), 'opencti-conformance-'));
  const server = await startServer(resolveConfig({ port: 0, dataDir, logLevel: 'silent', farEndAnswerMs: 0 }));
  const driver = createReferenceDriver({ serverUrl: server.url, adminToken: server.adminToken });
  await driver.prepare();
  const implementation = createNodeReferenceConnector();
  return {
    implementation,
    driver: {
      ...driver,
      async close() {
        implementation.close();
        await server.close();
        rmSync(dataDir, { recursive: true, force: true });
      },
    },
  };
}
