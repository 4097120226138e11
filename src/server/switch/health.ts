/**
 * Device health: whether the telephony behind an extension is reachable, as the back end sees it
 * (SIP: the phone's control link and Kamailio). The simulator never changes it. A change reaches
 * the agent logged in there as a fresh Snapshot; a device that is CLOSED gets no ACD offers.
 */
import type { DeviceState, LinkState } from '../../framework/schema/events.js';
import { SwitchError, q } from './errors.js';
import { snapshotEvent } from './events.js';
import { HEALTHY, agentAt, healthOf, isKnownExtension, type Ctx } from './model.js';
import { agentChanged } from './ready-index.js';
import type { DeviceHealth } from './types.js';

const LINKS: readonly LinkState[] = ['CONNECTED', 'DISCONNECTED'];
const DEVICES: readonly DeviceState[] = ['OPENED', 'CLOSED'];
export function setDeviceHealth(ctx: Ctx, dn: string, health: DeviceHealth): void {
  if (typeof dn !== 'string' || !isKnownExtension(ctx, dn)) throw new SwitchError('OPENCTI_CF_INVALID_DESTINATION', `unknown extension ${q(dn)}`);
  if (!LINKS.includes(health?.link) || !DEVICES.includes(health?.device)) {
    throw new SwitchError('OPENCTI_INVALID_ACTION', `device health must be {link: CONNECTED|DISCONNECTED, device: OPENED|CLOSED}, got ${q(health)}`);
  }
  const before = healthOf(ctx, dn);
  if (before.link === health.link && before.device === health.device) return;
  if (health.link === HEALTHY.link && health.device === HEALTHY.device) ctx.health.delete(dn);
  else ctx.health.set(dn, { link: health.link, device: health.device });
  const agent = agentAt(ctx, dn);
  if (agent) {
    agentChanged(ctx, agent);
    ctx.emit({ extension: dn, agentId: agent.config.agentId, event: snapshotEvent(ctx, agent) });
  }
  if (health.device === 'OPENED') ctx.dispatch();
}
