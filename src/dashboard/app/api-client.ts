// Calls the Vane API with the tab's bearer token; an error answer becomes an ApiRequestError with the server's message.

/** An HTTP answer that was not 2xx (status 0: the server could not be reached). */
export class ApiRequestError extends Error {
  override readonly name = 'ApiRequestError';
  constructor(
    readonly status: number,
    /** The API's error code (Unauthorized, Forbidden, Conflict, ...), or Network / HttpError when it sent none. */
    readonly code: string,
    message: string,
    readonly requestId?: string,
  ) {
    super(message);
  }

  /** The token is not (or no longer) accepted: the dashboard goes back to the login form. */
  get unauthorized(): boolean {
    return this.status === 401;
  }
}

interface ErrorBody {
  error?: { code?: unknown; message?: unknown; requestId?: unknown };
}

/** Reads the API's `{"error": {code, message, requestId}}` answer; any other body still yields a clear message. */
export function errorFromBody(status: number, statusText: string, body: string): ApiRequestError {
  let parsed: ErrorBody | undefined;
  try {
    parsed = JSON.parse(body) as ErrorBody;
  } catch {
    parsed = undefined;
  }
  const error = parsed?.error;
  const code = typeof error?.code === 'string' ? error.code : 'HttpError';
  const text = typeof error?.message === 'string' ? error.message : `HTTP ${status}${statusText ? ` ${statusText}` : ''}`;
  const requestId = typeof error?.requestId === 'string' ? error.requestId : undefined;
  return new ApiRequestError(status, code, text, requestId);
}

export async function errorFromResponse(res: Response): Promise<ApiRequestError> {
  const body = await res.text().catch(() => '');
  return errorFromBody(res.status, res.statusText, body);
}

export function authorizationHeader(token: string): Record<string, string> {
  return { Authorization: `Bearer ${token}` };
}

export interface ApiClientOptions {
  token: string;
  /** Called once per 401 answer, before the error is thrown. */
  onUnauthorized?: (error: ApiRequestError) => void;
}

export class ApiClient {
  constructor(private readonly options: ApiClientOptions) {}

  get token(): string {
    return this.options.token;
  }

  get<T>(path: string, signal?: AbortSignal): Promise<T> {
    return this.request<T>('GET', path, undefined, signal);
  }

  post<T>(path: string, body?: unknown): Promise<T> {
    return this.request<T>('POST', path, body);
  }

  /** A 401 seen by a caller outside this client (a stream) is reported the same way. */
  reportUnauthorized(error: ApiRequestError): void {
    this.options.onUnauthorized?.(error);
  }

  private async request<T>(method: string, path: string, body: unknown, signal?: AbortSignal): Promise<T> {
    const headers: Record<string, string> = { ...authorizationHeader(this.options.token), Accept: 'application/json' };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    let res: Response;
    try {
      res = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), signal, cache: 'no-store', credentials: 'omit' });
    } catch (err) {
      if (signal?.aborted) throw err;
      throw new ApiRequestError(0, 'Network', `the API could not be reached (${err instanceof Error ? err.message : String(err)})`);
    }
    if (!res.ok) {
      const error = await errorFromResponse(res);
      if (error.unauthorized) this.reportUnauthorized(error);
      throw error;
    }
    return (await res.json()) as T;
  }
}
