/**
 * The pega namespace a page gets from `opencti-ts/pega` (or assets/pega.js), the shared bounded
 * log, and the checks of the embedded handlers' input.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { parseTreatment } from '../../src/desktop/app/embedded-host.js';
import { PEGA_LOG_LIMIT, PegaLogger } from '../../src/pega/logger.js';
import { installPega } from '../../src/pega/namespace.js';

afterEach(() => {
  PegaLogger.clear();
  vi.restoreAllMocks();
});

describe('installPega', () => {
  it('installs pega.cti with the APIs, the error object, the Logger and no active implementation', () => {
    const page = {};
    const pega = installPega(page);
    expect((page as { pega: unknown }).pega).toBe(pega);
    expect(pega.cti.API).toBeUndefined();
    expect(pega.cti.Logger).toBe(PegaLogger);
    expect(pega.cti.desktopApi.errorObject('OPENCTI_DEST_BUSY', 'busy')).toEqual({ errCode: 'OPENCTI_DEST_BUSY', errMessage: 'busy' });
    expect(pega.cti.desktopApi.errorObject()).toEqual({ errCode: 'OPENCTI_FAILURE', errMessage: '' });
  });

  it('a second install keeps the first namespace and what registered in it', () => {
    const page = {};
    const Vendor = function () {};
    installPega(page).cti.desktopApi.Vendor = Vendor;
    expect(installPega(page).cti.desktopApi.Vendor).toBe(Vendor);
  });

  it('the embedded handlers say no implementation is hosted until a host offers them', () => {
    const pega = installPega({});
    expect(() => pega.cti.embeddedEventHandler.applyCallTreatment({ pyCallId: 'c1' })).toThrow(
      'pega.cti.embeddedEventHandler.applyCallTreatment: no embedded implementation is hosted on this page',
    );
    expect(() => pega.cti.embeddedEventHandler.showUIPanel()).toThrow(/showUIPanel: no embedded implementation/);
  });
});

describe('pega.cti.Logger', () => {
  it('every logger of the page writes one log, with level and time, values as JSON', () => {
    vi.spyOn(console, 'info').mockImplementation(() => {});
    vi.spyOn(console, 'error').mockImplementation(() => {});
    new PegaLogger().info('login', { agentId: 'a1' }, 7);
    new PegaLogger().error(new TypeError('bad'));
    expect(PegaLogger.lines().map((l) => [l.level, l.message])).toEqual([
      ['info', 'login {"agentId":"a1"} 7'],
      ['error', 'TypeError: bad'],
    ]);
    expect(PegaLogger.text()).toMatch(/^\d{4}-\d\d-\d\dT[^ ]+ INFO login \{"agentId":"a1"\} 7\n[^ ]+ ERROR TypeError: bad$/);
  });

  it(`keeps the last ${PEGA_LOG_LIMIT} lines`, () => {
    vi.spyOn(console, 'debug').mockImplementation(() => {});
    const logger = new PegaLogger();
    for (let i = 0; i < PEGA_LOG_LIMIT + 5; i += 1) logger.debug(`line ${i}`);
    const lines = PegaLogger.lines();
    expect(lines).toHaveLength(PEGA_LOG_LIMIT);
    expect(lines[0]?.message).toBe('line 5');
  });
});

describe('applyCallTreatment input', () => {
  it('takes the call as an object or JSON text', () => {
    const call = { pyCallId: 'c1', pyANI: '+1555', pyCallData: { account: 'A-42', tries: 2 } };
    const expected = { callId: 'c1', ani: '+1555', dnis: '', callType: 'INBOUND', data: { account: 'A-42', tries: '2' }, answerRequested: false };
    expect(parseTreatment(call)).toEqual(expected);
    expect(parseTreatment(JSON.stringify(call))).toEqual(expected);
  });

  it('refuses what it cannot pop, naming what is wrong', () => {
    expect(() => parseTreatment('{pyCallId')).toThrow(/applyCallTreatment: the text given is not JSON/);
    expect(() => parseTreatment([])).toThrow('applyCallTreatment: expected the call as an object or JSON text, got an array');
    expect(() => parseTreatment(null)).toThrow(/got null/);
    expect(() => parseTreatment({ pyANI: '+1555' })).toThrow('applyCallTreatment: pyCallId is required (the call id, a non-empty string)');
    expect(() => parseTreatment({ pyCallId: 'c1', pyCallData: 'account=A-42' })).toThrow('applyCallTreatment: pyCallData must be an object of names to values');
  });
});
