/**
 * The conformance target of the promise-style connector: what
 * `npx opencti-ts conformance ./examples/promise-connector/target.js --mode full` loads.
 * `createTarget({ mode })` returns the connector as written and a driver that plays everyone but
 * the agent on the demo PBX (docs/connector.md, "The conformance target and driver").
 */
import { DemoPbx } from '../callback-connector/demo-pbx.js';
import { createPromiseConnector } from './connector.js';

const AGENT = { agentId: 'agent7', agentPwd: 'secret', extension: '1001' };

/**
 * A driver for the demo PBX. The two answering numbers are outside phones the driver watches on
 * the PBX: they answer as soon as they ring, as the kit expects of them.
 * @param {DemoPbx} pbx
 * @param {{ agentId: string, agentPwd: string, extension: string }} [agent]
 */
export function createDemoPbxDriver(pbx, agent = AGENT) {
  const answering = ['2002', '2003'];
  const stops = answering.map((dn) =>
    pbx.monitor(dn, (happening) => {
      if (happening.type === 'ring') pbx.farEndAnswers(happening.call.id, dn);
    }),
  );
  return {
    agent,
    link: { name: 'demo' },
    // The PBX rings an extension directly; there is no queue in front of it.
    inboundNumber: agent.extension,
    answeringNumber: answering[0],
    secondAnsweringNumber: answering[1],
    async inboundCall(from, to) {
      return { callId: pbx.ringAgent(to, { from }) };
    },
    async callerHangUp(callId) {
      pbx.farEndHangsUp(callId);
    },
    async close() {
      for (const stop of stops) stop();
    },
  };
}

/**
 * @param {{ mode?: 'simple' | 'agentState' | 'full' }} [options] the connector supports every
 *   mode, so the mode changes nothing here.
 */
export async function createTarget(options = {}) {
  const pbx = new DemoPbx({ passwords: { [AGENT.agentId]: AGENT.agentPwd } });
  return { implementation: createPromiseConnector({ pbx }), driver: createDemoPbxDriver(pbx) };
}
