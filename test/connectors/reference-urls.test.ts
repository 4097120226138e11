/** The reference connector's list of server URLs: where it comes from, its order, and what is refused. */
import { describe, expect, it } from 'vitest';
import { MAX_SERVER_URLS, serverUrls, urlsFrom } from '../../src/connectors/reference/urls.js';
import { validateContext } from '../../src/framework/schema/validate.js';

const A = 'ws://a.example:8080/cti';
const B = 'wss://b.example/cti';
const C = 'ws://127.0.0.1:9000/cti';

const refusal = (run: () => unknown) => {
  try {
    run();
  } catch (error) {
    return error as { errCode: string; message: string };
  }
  throw new Error('expected a refusal');
};

describe('serverUrls', () => {
  it('takes url alone as a list of one', () => {
    expect(serverUrls({}, { url: A })).toEqual([A]);
  });

  it('takes urls in their order', () => {
    expect(serverUrls({}, { urls: [B, A, C] })).toEqual([B, A, C]);
  });

  it('puts url first, then urls without duplicates', () => {
    expect(serverUrls({}, { url: B, urls: [A, B, C, A] })).toEqual([B, A, C]);
  });

  it("prefers the connector's options to the link definition", () => {
    expect(serverUrls({ urls: [C] }, { url: A, urls: [B] })).toEqual([C]);
    expect(serverUrls({ url: C }, { urls: [A, B] })).toEqual([C]);
  });

  it('keeps url as it was: any non-empty string, handed to the socket unchanged', () => {
    expect(serverUrls({}, { url: 'http://legacy.example/cti' })).toEqual(['http://legacy.example/cti']);
  });

  it('refuses a link with neither, naming both settings', () => {
    const error = refusal(() => serverUrls({}, {}));
    expect(error.errCode).toBe('OPENCTI_INVALID_CONFIG');
    expect(error.message).toContain('ctiLink.url or ctiLink.urls');
  });

  it('refuses an entry that is not ws:// or wss://, naming its place', () => {
    const error = refusal(() => serverUrls({}, { urls: [A, 'http://b.example/cti'] }));
    expect(error.errCode).toBe('OPENCTI_INVALID_CONFIG');
    expect(error.message).toContain('ctiLink.urls[1]');
    expect(error.message).toContain('http://b.example/cti');
  });

  it('refuses an entry that is not a URL, or not a string', () => {
    expect(refusal(() => urlsFrom({ urls: ['ws://'] }, 'ctiLink')).message).toContain('ctiLink.urls[0]');
    expect(refusal(() => urlsFrom({ urls: ['not a url'] }, 'ctiLink')).message).toContain('ctiLink.urls[0] is not a URL');
    expect(refusal(() => urlsFrom({ urls: [42] }, 'options')).message).toContain('options.urls[0]');
  });

  it('refuses urls that is not a list, an empty list, or more than 16', () => {
    expect(refusal(() => urlsFrom({ urls: A }, 'ctiLink')).message).toContain('ctiLink.urls must be a list');
    expect(refusal(() => urlsFrom({ urls: [] }, 'ctiLink')).message).toContain('1 to 16 URLs (got 0)');
    const many = Array.from({ length: MAX_SERVER_URLS + 1 }, (_, i) => `ws://node${i}.example/cti`);
    expect(refusal(() => urlsFrom({ urls: many }, 'ctiLink')).message).toContain('1 to 16 URLs (got 17)');
  });

  it('refuses url and urls that together name more than 16 servers', () => {
    const sixteen = Array.from({ length: MAX_SERVER_URLS }, (_, i) => `ws://node${i}.example/cti`);
    expect(urlsFrom({ url: sixteen[0], urls: sixteen }, 'ctiLink')).toHaveLength(16); // url repeated in urls: 16
    expect(refusal(() => urlsFrom({ url: C, urls: sixteen }, 'ctiLink')).message).toContain('together name 17 servers');
  });

  it('refuses an empty url', () => {
    expect(refusal(() => urlsFrom({ url: '' }, 'options')).message).toContain('options.url must be a non-empty string');
  });
});

describe('ctiLink.urls in the application context schema', () => {
  const context = (ctiLink: Record<string, unknown>) => ({
    application: 'cluster',
    telephonyMode: 'full',
    implementation: { vendor: 'reference' },
    ctiLink: { name: 'main', ...ctiLink },
  });

  it('accepts a list of ws:// and wss:// URLs, with or without url', () => {
    expect(validateContext(context({ urls: [A, B] })).ok).toBe(true);
    expect(validateContext(context({ url: A, urls: [B] })).ok).toBe(true);
  });

  it('refuses other schemes, an empty list and more than 16, naming ctiLink/urls', () => {
    for (const urls of [['http://a.example/cti'], [], Array.from({ length: 17 }, (_, i) => `ws://n${i}.example/cti`)]) {
      const checked = validateContext(context({ urls }));
      expect(checked.ok).toBe(false);
      expect(JSON.stringify(checked)).toContain('/ctiLink/urls');
    }
  });
});
