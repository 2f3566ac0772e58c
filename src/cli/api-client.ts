import { ApiError, type ApiErrorBody, ConnectionError } from './errors.ts';

export interface ApiClientOptions {
  /** @default http://127.0.0.1:8080 */
  baseUrl: string;
  /** Sent as `Authorization: Bearer <token>` when set. */
  token?: string | undefined;
}

export type Query = Record<string, string | number | boolean | undefined>;

/** The few HTTP calls the CLI makes; errors become ApiError / ConnectionError. */
export class ApiClient {
  private readonly base: string;

  constructor(private readonly options: ApiClientOptions) {
    this.base = options.baseUrl.replace(/\/+$/, '');
  }

  get<T>(path: string, query: Query = {}): Promise<T> {
    return this.request<T>('GET', path, query);
  }

  post<T>(path: string, body: unknown, query: Query = {}, headers: Record<string, string> = {}): Promise<T> {
    return this.request<T>('POST', path, query, body, headers);
  }

  url(path: string, query: Query = {}): string {
    const params = new URLSearchParams();
    for (const [k, v] of Object.entries(query)) if (v !== undefined) params.set(k, String(v));
    const qs = params.toString();
    return `${this.base}${path}${qs ? `?${qs}` : ''}`;
  }

  private async request<T>(method: string, path: string, query: Query, body?: unknown, extra: Record<string, string> = {}): Promise<T> {
    const url = this.url(path, query);
    const headers: Record<string, string> = { accept: 'application/json', ...extra };
    if (this.options.token) headers.authorization = `Bearer ${this.options.token}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    let res: Response;
    try {
      res = await fetch(url, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    } catch (err) {
      throw new ConnectionError(this.base, reasonOf(err));
    }
    const text = await res.text();
    const json = parseJson(text);
    if (!res.ok) throw new ApiError(res.status, url, (json as ApiErrorBody | undefined) ?? { message: text.trim() || res.statusText });
    if (json === undefined) throw new ApiError(res.status, url, { error: 'BadResponse', message: `not JSON from ${url}` });
    return json as T;
  }
}

function parseJson(text: string): unknown {
  try {
    return text ? JSON.parse(text) : undefined;
  } catch {
    return undefined;
  }
}

// fetch hides the socket error under `cause` (ECONNREFUSED, ENOTFOUND, …);
// `localhost` tries ::1 and 127.0.0.1 and fails with an AggregateError of both.
function reasonOf(err: unknown): string {
  type Cause = { code?: string; message?: string; errors?: Cause[] };
  const cause = (err as { cause?: Cause }).cause;
  const code = cause?.code ?? cause?.errors?.find((e) => e.code)?.code;
  if (code === 'ECONNREFUSED') return 'connection refused';
  if (code) return code;
  return cause?.message || (err instanceof Error ? err.message : String(err));
}
