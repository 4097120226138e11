/**
 * A small client of this REST API on the global fetch: used by the `opencti` command, handy for
 * scripts and tests. Every failure becomes an ApiError with an OpenCTI errCode and errMessage.
 */

export class ApiError extends Error {
  constructor(
    /** HTTP status; 0 when the server could not be reached. */
    readonly status: number,
    readonly errCode: string,
    readonly errMessage: string,
  ) {
    super(`${errCode}: ${errMessage}`);
    this.name = 'ApiError';
  }
}

export interface ApiClientOptions {
  /** e.g. http://127.0.0.1:8080 */
  readonly server: string;
  /** The admin token or an agent session token. */
  readonly token?: string | undefined;
  /** Default 10 s. */
  readonly timeoutMs?: number;
}

export class ApiClient {
  readonly #base: string;
  readonly #token: string | undefined;
  readonly #timeoutMs: number;

  constructor(options: ApiClientOptions) {
    this.#base = options.server.replace(/\/+$/, '');
    this.#token = options.token;
    this.#timeoutMs = options.timeoutMs ?? 10_000;
  }

  /** Sends a JSON request; resolves to the parsed response body (undefined for 204). */
  async request<T = unknown>(method: string, path: string, body?: unknown): Promise<T> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (this.#token !== undefined) headers.authorization = `Bearer ${this.#token}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    const url = `${this.#base}${path}`;
    let response: Response;
    try {
      response = await fetch(url, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(this.#timeoutMs),
      });
    } catch (error) {
      const cause = (error as { cause?: { code?: string; message?: string } }).cause;
      if ((error as Error).name === 'TimeoutError') {
        throw new ApiError(0, 'OPENCTI_TIMEOUT', `no answer from ${this.#base} within ${this.#timeoutMs} ms`);
      }
      const reason = cause?.code ?? cause?.message ?? (error as Error).message;
      throw new ApiError(0, 'OPENCTI_LINK_DOWN', `cannot reach the server at ${this.#base} (${reason})`);
    }
    const text = await response.text();
    let parsed: unknown;
    try {
      parsed = text.length === 0 ? undefined : JSON.parse(text);
    } catch {
      parsed = undefined;
    }
    if (!response.ok) {
      const err = parsed as { errCode?: unknown; errMessage?: unknown } | undefined;
      throw new ApiError(
        response.status,
        typeof err?.errCode === 'string' ? err.errCode : `OPENCTI_HTTP_ERROR_${response.status}`,
        typeof err?.errMessage === 'string' ? err.errMessage : `${method} ${path} answered ${response.status} ${response.statusText}`,
      );
    }
    return parsed as T;
  }

  get<T = unknown>(path: string): Promise<T> {
    return this.request<T>('GET', path);
  }

  post<T = unknown>(path: string, body?: unknown): Promise<T> {
    return this.request<T>('POST', path, body);
  }

  patch<T = unknown>(path: string, body: unknown): Promise<T> {
    return this.request<T>('PATCH', path, body);
  }

  delete<T = unknown>(path: string): Promise<T> {
    return this.request<T>('DELETE', path);
  }
}
