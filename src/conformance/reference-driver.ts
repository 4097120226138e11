/** A conformance driver for the reference server: its simulator REST API plays the outside world. */
import type { ConformanceDriver } from './types.js';

export interface ReferenceDriverOptions {
  /** e.g. http://127.0.0.1:8080 */
  readonly serverUrl: string;
  readonly adminToken: string;
  readonly agent?: { agentId: string; agentPwd: string; extension?: string };
  /** External numbers the simulator makes answer. */
  readonly answeringNumber?: string;
  readonly secondAnsweringNumber?: string;
}

export function createReferenceDriver(options: ReferenceDriverOptions): ConformanceDriver & { prepare(): Promise<void> } {
  const agent = options.agent ?? { agentId: 'agent1', agentPwd: 'demo', extension: '5001' };
  const answeringNumber = options.answeringNumber ?? '+15557770000';
  const secondAnsweringNumber = options.secondAnsweringNumber ?? '+15557770001';
  const base = options.serverUrl.replace(/\/$/, '');

  async function api<T>(method: string, path: string, body?: unknown): Promise<T> {
    const response = await fetch(`${base}${path}`, {
      method,
      headers: { authorization: `Bearer ${options.adminToken}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`${method} ${path} answered ${response.status}: ${text}`);
    return (text ? JSON.parse(text) : undefined) as T;
  }

  return {
    agent,
    link: { name: 'reference', url: `${base.replace(/^http/, 'ws')}/cti` },
    inboundNumber: agent.extension ?? '5001',
    answeringNumber,
    secondAnsweringNumber,
    /** Makes the answering numbers answer; call once before running. */
    async prepare() {
      for (const number of [answeringNumber, secondAnsweringNumber]) {
        await api('PUT', `/api/far-ends/${encodeURIComponent(number)}`, { behaviour: 'answer' });
      }
    },
    async inboundCall(from, to) {
      return api<{ callId: string }>('POST', '/api/calls', { from, to });
    },
    async callerHangUp(callId) {
      await api('POST', `/api/calls/${encodeURIComponent(callId)}/hangup`);
    },
  };
}
