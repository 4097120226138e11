/** Error messages (SPEC §6): the lookup order, pass-through, and the one error type a host sees. */
import { describe, expect, it } from 'vitest';
import { CtiError, ERROR_CODES, isCtiError, isKnownErrorCode, localize, LOCALES, toCtiError } from '../../src/framework/index.js';

const VENDOR = 'Acme: 486 Busy Here';

describe('localize: override, then the locale, then English, then the vendor message', () => {
  it('a context override wins over every catalog', () => {
    expect(localize('OPENCTI_DEST_BUSY', VENDOR, { locale: 'fr', overrides: { OPENCTI_DEST_BUSY: 'Ligne du client occupée' } })).toBe('Ligne du client occupée');
  });

  it('the context locale comes next, with region and case ignored', () => {
    expect(localize('OPENCTI_DEST_BUSY', VENDOR, { locale: 'fr' })).toBe('La destination est occupée.');
    expect(localize('OPENCTI_DEST_BUSY', VENDOR, { locale: 'fr-CA' })).toBe('La destination est occupée.');
    expect(localize('OPENCTI_DEST_BUSY', VENDOR, { locale: 'FR_be' })).toBe('La destination est occupée.');
  });

  it('an override for another code does not hide the locale message', () => {
    expect(localize('OPENCTI_DEST_BUSY', VENDOR, { locale: 'fr', overrides: { OPENCTI_TIMEOUT: 'Trop lent' } })).toBe('La destination est occupée.');
  });

  it('English when the locale has no catalog, and by default', () => {
    expect(localize('OPENCTI_DEST_BUSY', VENDOR, { locale: 'de' })).toBe('The destination is busy.');
    expect(localize('OPENCTI_DEST_BUSY', VENDOR)).toBe('The destination is busy.');
    expect(localize('OPENCTI_DEST_BUSY', VENDOR, {})).toBe('The destination is busy.');
  });

  it('English when the locale catalog lacks the code', () => {
    const frenchGap = ERROR_CODES.find((code) => LOCALES.en?.[code] !== undefined && LOCALES.fr?.[code] === undefined);
    const code = frenchGap ?? 'OPENCTI_DEST_BUSY';
    const saved = LOCALES.fr?.[code];
    // Make sure there is a gap to fall through, then restore the catalog.
    if (LOCALES.fr) delete LOCALES.fr[code];
    try {
      expect(localize(code, VENDOR, { locale: 'fr' })).toBe(LOCALES.en?.[code]);
    } finally {
      if (LOCALES.fr && saved !== undefined) LOCALES.fr[code] = saved;
    }
  });

  it('an unknown code shows errMessage as given', () => {
    expect(localize('ACME_TRUNK_DOWN', 'Trunk 4 is down', { locale: 'fr' })).toBe('Trunk 4 is down');
  });

  it('OPENCTI_ERR_PASS passes the vendor message through, whatever the catalogs say', () => {
    expect(localize('OPENCTI_ERR_PASS', VENDOR, { locale: 'fr' })).toBe(VENDOR);
    expect(localize('OPENCTI_ERR_PASS', VENDOR, { overrides: { OPENCTI_ERR_PASS: 'hidden' } })).toBe(VENDOR);
  });
});

describe('the catalogs', () => {
  it('English has a message for every code but OPENCTI_ERR_PASS', () => {
    const missing = ERROR_CODES.filter((code) => code !== 'OPENCTI_ERR_PASS' && !LOCALES.en?.[code]);
    expect(missing).toEqual([]);
    expect(LOCALES.en?.OPENCTI_ERR_PASS).toBeUndefined();
  });

  it('every catalog only names known codes, and never OPENCTI_ERR_PASS', () => {
    for (const [locale, catalog] of Object.entries(LOCALES)) {
      expect(Object.keys(catalog).filter((code) => !isKnownErrorCode(code)), locale).toEqual([]);
      expect(catalog.OPENCTI_ERR_PASS, locale).toBeUndefined();
    }
  });

  it('has the SPEC §6 codes, the original ones first', () => {
    expect(ERROR_CODES.slice(0, 19)).toEqual([
      'OPENCTI_AGENT_LOGGED_IN',
      'OPENCTI_AGENT_NOT_LOGGED_IN',
      'OPENCTI_CALL_REJECTED',
      'OPENCTI_CF_GENERIC_OPERATION',
      'OPENCTI_CF_INVALID_DESTINATION',
      'OPENCTI_CF_INVALID_OBJECT_STATE',
      'OPENCTI_CONF_ALREADY_PRESENT',
      'OPENCTI_DEST_BUSY',
      'OPENCTI_HTTP_ERROR_401',
      'OPENCTI_HTTP_ERROR_404',
      'OPENCTI_HTTP_ERROR_405',
      'OPENCTI_HTTP_ERROR_408',
      'OPENCTI_HTTP_ERROR_500',
      'OPENCTI_HTTP_ERROR_502',
      'OPENCTI_HTTP_ERROR_503',
      'OPENCTI_HTTP_ERROR_504',
      'OPENCTI_IN_SAME_STATE',
      'OPENCTI_INVALID_ACTION',
      'OPENCTI_ERR_PASS',
    ]);
    for (const ours of ['OPENCTI_NOT_SUPPORTED_IN_MODE', 'OPENCTI_NOT_IMPLEMENTED', 'OPENCTI_INVALID_EVENT', 'OPENCTI_INVALID_CONFIG', 'OPENCTI_VERSION_MISMATCH', 'OPENCTI_LINK_DOWN', 'OPENCTI_TIMEOUT', 'OPENCTI_AUTH_FAILED']) {
      expect(isKnownErrorCode(ours), ours).toBe(true);
    }
    expect(isKnownErrorCode('ACME_E1')).toBe(false);
  });
});

describe('CtiError', () => {
  it('keeps the original shape and adds what a CSR reads', () => {
    const cause = new Error('socket');
    const error = new CtiError('OPENCTI_TIMEOUT', 'no answer in 10 s', { catalog: { locale: 'fr' }, details: { request: 'holdCall' }, cause });
    expect(error).toBeInstanceOf(Error);
    expect(isCtiError(error)).toBe(true);
    expect(error).toMatchObject({
      name: 'CtiError',
      errCode: 'OPENCTI_TIMEOUT',
      errMessage: 'no answer in 10 s',
      localizedMessage: "Le serveur CTI n'a pas répondu à temps.",
      message: 'OPENCTI_TIMEOUT: no answer in 10 s',
      details: { request: 'holdCall' },
      cause,
    });
    expect(JSON.parse(JSON.stringify(error))).toEqual({
      errCode: 'OPENCTI_TIMEOUT',
      errMessage: 'no answer in 10 s',
      localizedMessage: "Le serveur CTI n'a pas répondu à temps.",
    });
  });

  it('is not confused with look-alikes', () => {
    expect(isCtiError({ errCode: 'OPENCTI_TIMEOUT', errMessage: 'x' })).toBe(false);
    expect(isCtiError(new Error('x'))).toBe(false);
  });
});

describe('toCtiError: whatever an implementation rejects with becomes a CtiError', () => {
  it('returns a CtiError as it is', () => {
    const error = new CtiError('OPENCTI_DEST_BUSY', 'busy');
    expect(toCtiError(error)).toBe(error);
  });

  it('an error object keeps its code and message, localized, with the object as cause', () => {
    const value = { errCode: 'OPENCTI_DEST_BUSY', errMessage: VENDOR, vendorCode: 486 };
    const error = toCtiError(value, { locale: 'fr' });
    expect(error).toMatchObject({ errCode: 'OPENCTI_DEST_BUSY', errMessage: VENDOR, localizedMessage: 'La destination est occupée.', cause: value });
  });

  it('an error object without a message gets an empty errMessage', () => {
    expect(toCtiError({ errCode: 'ACME_E7' })).toMatchObject({ errCode: 'ACME_E7', errMessage: '', localizedMessage: '' });
  });

  it('an Error, a string or nothing becomes a generic operation failure carrying the text', () => {
    expect(toCtiError(new RangeError('bad index'))).toMatchObject({ errCode: 'OPENCTI_CF_GENERIC_OPERATION', errMessage: 'bad index', localizedMessage: 'The operation failed.' });
    expect(toCtiError('refused')).toMatchObject({ errCode: 'OPENCTI_CF_GENERIC_OPERATION', errMessage: 'refused' });
    expect(toCtiError(undefined)).toMatchObject({ errCode: 'OPENCTI_CF_GENERIC_OPERATION', errMessage: 'undefined' });
  });

  it('an object whose errCode is empty or not a string is a generic failure', () => {
    expect(toCtiError({ errCode: '', errMessage: 'x' }).errCode).toBe('OPENCTI_CF_GENERIC_OPERATION');
    expect(toCtiError({ errCode: 42, errMessage: 'x' }).errCode).toBe('OPENCTI_CF_GENERIC_OPERATION');
  });

  it('a context override applies to converted errors too', () => {
    expect(toCtiError({ errCode: 'OPENCTI_DEST_BUSY', errMessage: VENDOR }, { overrides: { OPENCTI_DEST_BUSY: 'Occupied, try later' } }).localizedMessage).toBe('Occupied, try later');
  });
});
