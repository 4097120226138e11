/**
 * A conformance driver for the demo PBX of examples/callback-connector: it plays the outside
 * world the kit asks for. The answering numbers are watched on the PBX and answer as soon as
 * they ring, as the kit expects of them.
 */
import type { DemoPbx } from '../../../examples/callback-connector/index.js';
import type { ConformanceDriver } from '../../../src/conformance/types.js';

export interface DemoPbxDriverOptions {
  readonly agentId: string;
  readonly extension: string;
  /** Numbers that answer by themselves; two are needed (consult, conference). */
  readonly answering?: readonly [string, string];
}

export function createDemoPbxDriver(pbx: DemoPbx, options: DemoPbxDriverOptions): ConformanceDriver {
  const [first, second] = options.answering ?? ['2002', '2003'];
  const stops = [first, second].map((dn) =>
    pbx.monitor(dn, (happening) => {
      if (happening.type === 'ring' && happening.call) pbx.farEndAnswers(happening.call.id, dn);
    }),
  );
  return {
    agent: { agentId: options.agentId, agentPwd: 'secret', extension: options.extension },
    link: { name: 'demo' },
    inboundNumber: options.extension,
    answeringNumber: first,
    secondAnsweringNumber: second,
    inboundCall: async (from, to) => ({ callId: pbx.ringAgent(to, { from }) }),
    callerHangUp: async (callId) => pbx.farEndHangsUp(callId),
    close: async () => {
      for (const stop of stops) stop();
    },
  };
}
