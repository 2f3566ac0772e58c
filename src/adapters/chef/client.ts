import { createPrivateKey } from 'node:crypto';
import { z } from 'zod';
import type { ChefClient, Host, NodeDeletion } from '../../domain/ports.ts';
import { ChefDataError, ChefError } from './errors.ts';
import { type ChefSignVersion, signRequest } from './sign.ts';

export interface HttpChefClientOptions {
  /** e.g. `https://chef.example.com`; a path in it (knife style) is kept and signed. */
  serverUrl: string;
  /**
   * Put between the server URL and the API paths. goiardi speaks the Chef 11
   * paths (`/nodes`); a Chef 12+ server wants `/organizations/ORG`.
   * @default ''
   */
  apiPrefix?: string;
  /** The client (X-Ops-UserId) the requests are signed as. */
  clientName: string;
  /** That client's RSA private key (PEM). Never logged, never put in an error. */
  privateKeyPem: string;
  /** @default '1.3' */
  signVersion?: ChefSignVersion;
  /** Per HTTP request. @default 10000 */
  timeoutMs?: number;
  /** Nodes asked for per search page. @default 1000 */
  searchPageSize?: number;
  /** Clock for X-Ops-Timestamp. @default () => new Date() */
  now?: () => Date;
}

const searchPage = z.object({
  rows: z.array(
    z.object({
      url: z.string().optional(),
      data: z.object({ name: z.string().nullish(), ip: z.string().nullish() }),
    }),
  ),
  total: z.number(),
});

/** Only the two attributes a deploy needs, so searches stay small. */
const PARTIAL_SEARCH_BODY = { name: ['name'], ip: ['ipaddress'] };
/** Stops a server that ignores `start` from paging forever. */
const MAX_SEARCH_PAGES = 1000;

/** Chef server API over signed HTTP (global fetch). */
export class HttpChefClient implements ChefClient {
  readonly #origin: string;
  /** Path of the server URL plus the API prefix, put before every API path. */
  readonly #basePath: string;
  readonly #clientName: string;
  readonly #privateKeyPem: string;
  readonly #signVersion: ChefSignVersion;
  readonly #timeoutMs: number;
  readonly #pageSize: number;
  readonly #now: () => Date;

  constructor(options: HttpChefClientOptions) {
    const server = new URL(options.serverUrl); // throws early on a malformed URL
    const prefix = (options.apiPrefix ?? '').replace(/\/+$/, '');
    if (prefix && !prefix.startsWith('/')) throw new Error(`Chef apiPrefix must start with '/': ${prefix}`);
    if (!options.clientName) throw new Error('Chef clientName is empty');
    try {
      createPrivateKey(options.privateKeyPem);
    } catch {
      throw new Error(`Chef private key of client '${options.clientName}' is not a valid PEM private key`);
    }
    this.#origin = server.origin;
    this.#basePath = `${server.pathname.replace(/\/+$/, '')}${prefix}`;
    this.#clientName = options.clientName;
    this.#privateKeyPem = options.privateKeyPem;
    this.#signVersion = options.signVersion ?? '1.3';
    this.#timeoutMs = options.timeoutMs ?? 10_000;
    this.#pageSize = options.searchPageSize ?? 1000;
    this.#now = options.now ?? (() => new Date());
  }

  async searchNodes(query: string): Promise<Host[]> {
    const byName = new Map<string, Host>();
    for (let start = 0, pages = 0; pages < MAX_SEARCH_PAGES; pages++) {
      const path = `/search/node?q=${encodeURIComponent(query)}&rows=${this.#pageSize}&start=${start}`;
      const page = parseChefAnswer(searchPage, await this.send('POST', path, PARTIAL_SEARCH_BODY), 'POST', this.#basePath + path);
      for (const row of page.rows) {
        const host = toHost(row.data, row.url);
        byName.set(host.name, host);
      }
      start += page.rows.length;
      // Chef reports the overall total; goiardi reports the page's, so a
      // full page always asks for the next one.
      if (page.rows.length === 0 || (start >= page.total && page.rows.length < this.#pageSize)) break;
    }
    return [...byName.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  /**
   * Signed DELETE of /nodes/{name}, then of /clients/{name}; a 404 is "already
   * gone", so a repeat succeeds. Needs a client allowed to delete nodes and
   * clients (an admin on goiardi; on Chef 12+ the ACLs' delete right).
   */
  async deleteNode(name: string): Promise<NodeDeletion> {
    return {
      node: await this.deleteIfPresent(`/nodes/${encodeURIComponent(name)}`),
      client: await this.deleteIfPresent(`/clients/${encodeURIComponent(name)}`),
    };
  }

  private async deleteIfPresent(apiPath: string): Promise<'deleted' | 'absent'> {
    try {
      await this.send('DELETE', apiPath);
      return 'deleted';
    } catch (error) {
      if (error instanceof ChefError && error.status === 404) return 'absent';
      throw error;
    }
  }

  /** The server URL's path and the API prefix: what every API path is appended to. */
  protected get basePath(): string {
    return this.#basePath;
  }

  /** One signed request; resolves with the parsed JSON answer, throws ChefError on any non-2xx. */
  protected async send(method: string, apiPath: string, payload?: unknown): Promise<unknown> {
    // the full path as sent: what the server signs and what an error must show
    const path = `${this.#basePath}${apiPath}`;
    const url = `${this.#origin}${path}`;
    const body = payload === undefined ? '' : JSON.stringify(payload);
    const headers: Record<string, string> = {
      Accept: 'application/json',
      'X-Chef-Version': '12.0.0',
      ...signRequest({
        method,
        path: new URL(url).pathname,
        body,
        userId: this.#clientName,
        privateKeyPem: this.#privateKeyPem,
        timestamp: this.#now(),
        version: this.#signVersion,
      }),
    };
    if (body) headers['Content-Type'] = 'application/json';
    let response: Response;
    let text: string;
    try {
      response = await fetch(url, {
        method,
        headers,
        body: body || undefined,
        // a redirect would be followed unsigned (or as a GET): report it instead
        redirect: 'manual',
        signal: AbortSignal.timeout(this.#timeoutMs),
      });
      text = await response.text();
    } catch (cause) {
      throw new ChefError({ status: 0, method, path, body: String(cause), cause });
    }
    if (!response.ok) {
      const location = response.headers.get('location');
      const detail = location ? `redirected to ${location} ${text}` : text;
      throw new ChefError({ status: response.status, method, path, body: detail });
    }
    try {
      return text ? JSON.parse(text) : undefined;
    } catch {
      throw new ChefError({ status: response.status, method, path, body: `not JSON: ${text}` });
    }
  }
}

export function parseChefAnswer<T>(schema: z.ZodType<T>, value: unknown, method: string, path: string): T {
  // goiardi answers an unknown path with an empty 200
  if (value === undefined) throw new ChefDataError(`Chef ${method} ${path}: empty answer (wrong server URL or apiPrefix?)`);
  const result = schema.safeParse(value);
  if (!result.success) {
    throw new ChefDataError(`Chef ${method} ${path}: unexpected answer: ${z.prettifyError(result.error)}`);
  }
  return result.data;
}

function toHost(data: { name?: string | null; ip?: string | null }, url: string | undefined): Host {
  if (!data.name) throw new ChefDataError(`Chef search returned a node without a name (${url ?? 'no url'})`);
  if (!data.ip) throw new ChefDataError(`Chef node '${data.name}' has no ipaddress`);
  return { name: data.name, address: data.ip };
}
