/**
 * The list of server URLs the reference connector moves through: `url` first, then `urls` without
 * duplicates. The connector's own options win over the link definition (ctiLink), as `url` did.
 * Runs in browsers too: only the WHATWG URL parser, no Node modules.
 */
import { CtiError } from '../../framework/errors/cti-error.js';

/** As many servers as a list may name (ctiLink.urls has the same bound in the schema). */
export const MAX_SERVER_URLS = 16;

export interface UrlSources {
  readonly url?: unknown;
  readonly urls?: unknown;
}

const invalid = (message: string) => new CtiError('OPENCTI_INVALID_CONFIG', message);

/** One entry of `urls`: a ws:// or wss:// URL with a host. */
function checkListed(value: unknown, where: string): string {
  if (typeof value !== 'string' || value === '') throw invalid(`${where} must be a ws:// or wss:// URL (got ${JSON.stringify(value) ?? String(value)})`);
  let parsed: URL;
  try {
    parsed = new URL(value);
  } catch {
    throw invalid(`${where} is not a URL: "${value}"`);
  }
  if (parsed.protocol !== 'ws:' && parsed.protocol !== 'wss:') throw invalid(`${where} must be a ws:// or wss:// URL (got "${value}")`);
  if (!parsed.host) throw invalid(`${where} has no host: "${value}"`);
  return value;
}

/**
 * The URLs of one source (`options` or `ctiLink`), in the order to try them; `[]` when it names
 * none. `prefix` names the source in errors, e.g. "ctiLink".
 */
export function urlsFrom(source: UrlSources, prefix: string): string[] {
  const list: string[] = [];
  if (source.url !== undefined) {
    // `url` keeps its old meaning: any non-empty string, handed to the socket as it is.
    if (typeof source.url !== 'string' || source.url === '') throw invalid(`${prefix}.url must be a non-empty string`);
    list.push(source.url);
  }
  if (source.urls !== undefined) {
    if (!Array.isArray(source.urls)) throw invalid(`${prefix}.urls must be a list of ws:// or wss:// URLs`);
    if (source.urls.length < 1 || source.urls.length > MAX_SERVER_URLS) {
      throw invalid(`${prefix}.urls must list 1 to ${MAX_SERVER_URLS} URLs (got ${source.urls.length})`);
    }
    source.urls.forEach((value: unknown, i) => {
      const url = checkListed(value, `${prefix}.urls[${i}]`);
      if (!list.includes(url)) list.push(url);
    });
  }
  if (list.length > MAX_SERVER_URLS) throw invalid(`${prefix}.url and ${prefix}.urls together name ${list.length} servers: at most ${MAX_SERVER_URLS}`);
  return list;
}

/** The connector's options when they name a server, else the link definition's; never empty. */
export function serverUrls(options: UrlSources, link: UrlSources): string[] {
  const fromOptions = urlsFrom(options, 'options');
  if (fromOptions.length > 0) return fromOptions;
  const fromLink = urlsFrom(link, 'ctiLink');
  if (fromLink.length > 0) return fromLink;
  throw invalid('the CTI link has no url: set ctiLink.url or ctiLink.urls in the application context');
}
