/**
 * A small client of the reference server's REST API, as the desktop and the simulator use it.
 * Every failure becomes a CtiError: the server's own { errCode, errMessage } when it sent one,
 * else OPENCTI_HTTP_ERROR_<status>, so the pages show the catalog's localized message.
 */
import { CtiError, type MessageCatalog } from '../../framework/errors/cti-error.js';

export interface RestOptions {
  /** Base URL of the server; '' means this page's origin. */
  readonly baseUrl?: string;
  /** The bearer token, read at each request (a token may change after a login). */
  readonly token: () => string | undefined;
  readonly catalog?: MessageCatalog;
}

export type Query = Record<string, string | number | undefined>;

const HTTP_CODES = new Set([401, 404, 405, 408, 500, 502, 503, 504]);

export class RestClient {
  readonly #options: RestOptions;

  constructor(options: RestOptions) {
    this.#options = options;
  }

  get<T>(path: string, query: Query = {}): Promise<T> {
    return this.#send<T>('GET', withQuery(path, query));
  }

  post<T>(path: string, body?: unknown): Promise<T> {
    return this.#send<T>('POST', path, body);
  }

  patch<T>(path: string, body: unknown): Promise<T> {
    return this.#send<T>('PATCH', path, body);
  }

  put<T>(path: string, body: unknown): Promise<T> {
    return this.#send<T>('PUT', path, body);
  }

  async #send<T>(method: string, path: string, body?: unknown): Promise<T> {
    const headers: Record<string, string> = { accept: 'application/json' };
    const token = this.#options.token();
    if (token) headers.authorization = `Bearer ${token}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    let response: Response;
    try {
      response = await fetch(`${this.#options.baseUrl ?? ''}${path}`, {
        method,
        headers,
        body: body === undefined ? null : JSON.stringify(body),
      });
    } catch (cause) {
      throw new CtiError('OPENCTI_HTTP_ERROR_503', `${method} ${path}: the server cannot be reached`, { catalog: this.#catalog, cause });
    }
    const text = await response.text();
    const parsed = text === '' ? undefined : safeJson(text);
    if (response.ok) return parsed as T;
    const sent = parsed as { errCode?: unknown; errMessage?: unknown } | undefined;
    const errCode = typeof sent?.errCode === 'string' ? sent.errCode : HTTP_CODES.has(response.status) ? `OPENCTI_HTTP_ERROR_${response.status}` : 'OPENCTI_CF_GENERIC_OPERATION';
    const errMessage = typeof sent?.errMessage === 'string' ? sent.errMessage : `${method} ${path} answered ${response.status} ${response.statusText}`;
    throw new CtiError(errCode, errMessage, { catalog: this.#catalog, details: { status: response.status, path } });
  }

  get #catalog(): MessageCatalog {
    return this.#options.catalog ?? {};
  }
}

function withQuery(path: string, query: Query): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) if (value !== undefined && value !== '') params.set(key, String(value));
  const text = params.toString();
  return text ? `${path}?${text}` : path;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
