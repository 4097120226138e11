/** The desktop's built-in application contexts and the simulator's call-data parsing (no browser). */
import { describe, expect, it } from 'vitest';
import { validateContext } from '../../src/framework/schema/validate.js';
import { answeringFrom, contextFor, ctiUrlFor, parseMode } from '../../src/desktop/app/contexts.js';
import { formatDuration } from '../../src/desktop/components/format.js';
import { parseCallData } from '../../src/desktop/simulator/simulator-app.js';

describe('desktop application contexts', () => {
  it('are valid for every mode and point at this host', () => {
    for (const mode of ['simple', 'agentState', 'full'] as const) {
      const context = contextFor(mode, ctiUrlFor({ protocol: 'https:', host: 'cti.example.com' }));
      expect(validateContext(context).ok).toBe(true);
      expect(context.ctiLink.url).toBe('wss://cti.example.com/cti');
      expect(context.telephonyMode).toBe(mode);
    }
  });

  it('take the mode and answering from the query, defaulting to full and manual', () => {
    expect(parseMode('?mode=agentState')).toBe('agentState');
    expect(parseMode('?mode=bogus')).toBe('full');
    expect(parseMode('')).toBe('full');
    expect(answeringFrom('?answer=auto')).toBe('auto');
    expect(answeringFrom('?answer=nope')).toBe('manual');
    expect(contextFor('full', 'ws://h/cti').callTreatment?.INBOUND?.launch).toBe('screenPopThenAccept');
    expect(contextFor('full', 'ws://h/cti', 'auto').callTreatment?.INBOUND).toMatchObject({ answering: 'auto', launch: 'autoWithScreenPop' });
  });
});

describe('simulator call data and durations', () => {
  it('reads key=value lines and names a bad line', () => {
    expect(parseCallData('reason=billing\n\n orderId = A-1 \nurl=a=b')).toEqual({ reason: 'billing', orderId: 'A-1', url: 'a=b' });
    expect(() => parseCallData('no equals sign')).toThrow(/no equals sign/);
  });

  it('writes durations as mm:ss, then h:mm:ss', () => {
    expect(formatDuration(65_000)).toBe('01:05');
    expect(formatDuration(3_725_000)).toBe('1:02:05');
    expect(formatDuration(-5)).toBe('00:00');
  });
});
