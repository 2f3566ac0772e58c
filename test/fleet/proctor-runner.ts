import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { ChefAdminClient } from './chef-admin.ts';
import { answer, readBody } from './http-answers.ts';
import { freePort } from './net.ts';
import { streamLogs } from './proctor-logs.ts';

/** What the VM-creation job needs to bring a VM up; the fleet starts a real one, unit tests fake it. */
export interface VmSpec {
  name: string;
  application: string;
  environment: string;
  tags: string[];
  /** The OS_VERSION arg: what the VM's /etc/os-release shows. */
  osVersion?: string | undefined;
}

/** The jobs this runner knows, as the default provisioning catalog names them. */
export const CREATE_JOB = 'create-vm';
export const DECOMMISSION_JOB = 'decommission-vm';

/** How one VM's job behaves. @default succeed after the runner's default delay */
export interface JobBehaviour {
  /** @default 'succeed' */
  outcome?: 'succeed' | 'fail' | 'hang';
  /** Time from submission to the outcome. @default the runner's defaultDelayMs */
  delayMs?: number;
  /** Why a `fail` job failed: the last line of its log. @default 'told to fail' */
  reason?: string;
  /** The first N submissions for this VM are answered 503, as a runner in trouble would. @default 0 */
  refuseSubmissions?: number;
  /** The first N status polls get an ambiguous answer whatever the job's state. @default 0 */
  ambiguous?: number;
  /** The ambiguous answer to give. `NOT_FOUND` answers 404. @default alternates between Proctor's two words */
  ambiguousAnswer?: 'JOB_EXECUTION_STATUS_FETCH_ERROR' | 'NO_DEFINITIVE_JOB_EXECUTION_STATUS_FOUND' | 'NOT_FOUND';
}

export interface Execution {
  name: string;
  job: string;
  vmName: string;
  args: Record<string, string>;
  state: 'WAITING' | 'SUCCEEDED' | 'FAILED';
  reason?: string;
  address?: string;
  statusPolls: number;
  /** What `GET /jobs/logs` streams, a line per message. */
  logs: string[];
}

export interface ProctorRunnerOptions {
  /** An admin client: the job registers the new VM as a node. */
  chef: ChefAdminClient;
  createVm(spec: VmSpec): Promise<{ address: string }>;
  /**
   * Stops the VM (its app and sshd); a VM already gone is fine. The job then
   * deletes its node and client from Chef.
   * @default nothing to stop: the job only deregisters the node
   */
  stopVm?(name: string): Promise<unknown>;
  /** Job definitions it knows. @default [CREATE_JOB, DECOMMISSION_JOB] */
  jobs?: string[];
  /** @default 100 */
  defaultDelayMs?: number;
  /** Answer a resubmission with the same REQUEST_ID with the execution it started; `false` starts another. @default true */
  deduplicate?: boolean;
}

export interface ProctorRunner {
  url: string;
  credentials: { emailId: string; accessToken: string };
  /** Sets the behaviour of the job for `vmName`: outcome and delay are read at submission, ambiguity at each poll. */
  behave(vmName: string, behaviour: JobBehaviour): void;
  /** Executions really started for this VM: a resubmission with the same REQUEST_ID starts none. */
  jobsCreated(vmName: string): number;
  /** POSTs received for this VM, resubmissions included. */
  submissions(vmName: string): number;
  execution(vmName: string): Execution | undefined;
  /** Every execution started for this VM, in order. */
  executions(vmName: string): Execution[];
  stop(): Promise<void>;
}

const AMBIGUOUS = ['JOB_EXECUTION_STATUS_FETCH_ERROR', 'NO_DEFINITIVE_JOB_EXECUTION_STATUS_FOUND'] as const;

/**
 * A Proctor-compatible job runner on 127.0.0.1: `POST /jobs/execute`,
 * `GET /jobs/execute/{name}/status` and the WebSocket `GET /jobs/logs?job_name=`,
 * Email-Id/Access-Token checked. Its jobs really create a VM (through
 * `createVm`) and register it in Chef with the tags from the `TAGS` arg; they
 * are not idempotent by VM_NAME (a second job makes a second VM). Its
 * `decommission-vm` job stops the VM (`stopVm`) and deletes its Chef node and
 * client; that one is idempotent. Executions are deduplicated by job and
 * REQUEST_ID arg unless `deduplicate: false`.
 */
export async function startProctorRunner(options: ProctorRunnerOptions): Promise<ProctorRunner> {
  const credentials = { emailId: 'vesemir@example.com', accessToken: randomBytes(16).toString('hex') };
  const jobs = new Set(options.jobs ?? [CREATE_JOB, DECOMMISSION_JOB]);
  const executions = new Map<string, Execution>();
  const byRequest = new Map<string, Execution>();
  const behaviours = new Map<string, JobBehaviour>();
  const created = new Map<string, number>();
  const posts = new Map<string, number>();
  const timers = new Set<NodeJS.Timeout>();
  const bump = (counts: Map<string, number>, key: string) => counts.set(key, (counts.get(key) ?? 0) + 1);

  const fail = (e: Execution, reason: string) => {
    e.logs.push(`ERROR: ${reason}`);
    Object.assign(e, { state: 'FAILED', reason });
  };

  /** Idempotent by VM_NAME, as docs/vms.md asks of decommission jobs: a VM or node already gone is done. */
  const retire = async (e: Execution) => {
    await options.stopVm?.(e.vmName);
    const { node } = await options.chef.deleteNode(e.vmName);
    e.logs.push(`VM ${e.vmName} is stopped and ${node === 'deleted' ? 'deregistered from Chef' : 'was not in Chef'}`);
    e.state = 'SUCCEEDED';
  };

  const run = (e: Execution) => {
    const b = behaviours.get(e.vmName) ?? {};
    if (b.outcome === 'hang') return;
    const timer = setTimeout(
      async () => {
        timers.delete(timer);
        const decommission = e.job === DECOMMISSION_JOB;
        // A long line too: the log stream's frames then take the 16-bit length form.
        e.logs.push(
          `${decommission ? 'decommissioning' : 'creating'} VM ${e.vmName} with ${Object.entries(e.args)
            .map(([k, v]) => `${k}=${v}`)
            .join(' ')}`,
        );
        if (b.outcome === 'fail') return fail(e, b.reason ?? 'told to fail');
        try {
          if (decommission) return await retire(e);
          const tags = (e.args.TAGS ?? '').split(',').filter(Boolean);
          const spec = {
            name: e.vmName,
            application: e.args.APPLICATION ?? '',
            environment: e.args.ENVIRONMENT ?? '_default',
            tags,
            osVersion: e.args.OS_VERSION,
          };
          const { address } = await options.createVm(spec);
          await options.chef.upsertNode({ name: e.vmName, environment: e.args.CHEF_ENVIRONMENT ?? spec.environment, tags, ipaddress: address });
          e.logs.push(`VM ${e.vmName} is up at ${address} and registered in Chef`);
          Object.assign(e, { state: 'SUCCEEDED', address });
        } catch (err) {
          fail(e, String(err));
        }
      },
      b.delayMs ?? options.defaultDelayMs ?? 100,
    );
    timers.add(timer);
  };

  const execute = async (req: IncomingMessage, res: ServerResponse) => {
    let body: { name?: unknown; args?: unknown };
    try {
      body = JSON.parse(await readBody(req));
    } catch {
      return answer(res, 400, 'application/json', { error: 'body is not JSON' });
    }
    const args = (typeof body.args === 'object' && body.args !== null ? body.args : {}) as Record<string, string>;
    if (typeof body.name !== 'string' || !jobs.has(body.name)) return answer(res, 404, 'application/json', { error: 'no such job' });
    if (!args.VM_NAME) return answer(res, 400, 'application/json', { error: 'VM_NAME is required' });
    bump(posts, args.VM_NAME);
    if ((posts.get(args.VM_NAME) ?? 0) <= (behaviours.get(args.VM_NAME)?.refuseSubmissions ?? 0)) {
      return answer(res, 503, 'text/plain', 'job executor is busy, try again');
    }
    const key = args.REQUEST_ID && options.deduplicate !== false ? `${body.name}\n${args.REQUEST_ID}` : undefined;
    const known = key ? byRequest.get(key) : undefined;
    if (known) return answer(res, 201, 'application/json', { name: known.name });
    const e: Execution = {
      name: `proctor-${randomBytes(6).toString('hex')}`,
      job: body.name,
      vmName: args.VM_NAME,
      args,
      state: 'WAITING',
      statusPolls: 0,
      logs: [],
    };
    executions.set(e.name, e);
    if (key) byRequest.set(key, e);
    bump(created, e.vmName);
    run(e);
    return answer(res, 201, 'application/json', { name: e.name });
  };

  const status = (name: string, res: ServerResponse) => {
    const e = executions.get(name);
    if (!e) return answer(res, 404, 'text/plain', 'NOT_FOUND');
    e.statusPolls++;
    const b = behaviours.get(e.vmName) ?? {};
    if (e.statusPolls <= (b.ambiguous ?? 0)) {
      const word = b.ambiguousAnswer ?? AMBIGUOUS[e.statusPolls % 2]!;
      return word === 'NOT_FOUND' ? answer(res, 404, 'text/plain', word) : answer(res, 200, 'text/plain', word);
    }
    return answer(res, 200, 'text/plain', e.state);
  };

  const server = createServer((req, res) => {
    if (req.headers['email-id'] !== credentials.emailId || req.headers['access-token'] !== credentials.accessToken) {
      return answer(res, 401, 'application/json', { error: 'unauthorized' });
    }
    const path = new URL(req.url ?? '/', 'http://runner').pathname;
    const statusPath = /^\/jobs\/execute\/([^/]+)\/status$/.exec(path);
    if (req.method === 'POST' && path === '/jobs/execute') {
      execute(req, res).catch(() => answer(res, 500, 'text/plain', 'internal error'));
    } else if (req.method === 'GET' && statusPath) {
      status(decodeURIComponent(statusPath[1]!), res);
    } else {
      answer(res, 404, 'application/json', { error: 'not found' });
    }
  });
  const upgraded = new Set<Duplex>();
  server.on('upgrade', (req, socket, head) => {
    upgraded.add(socket);
    socket.on('close', () => upgraded.delete(socket));
    const authorized = req.headers['email-id'] === credentials.emailId && req.headers['access-token'] === credentials.accessToken;
    if (!authorized || new URL(req.url ?? '/', 'http://runner').pathname !== '/jobs/logs') {
      socket.end(`HTTP/1.1 ${authorized ? '404 Not Found' : '401 Unauthorized'}\r\nConnection: close\r\n\r\n`);
      return;
    }
    streamLogs(req, socket, head, (name) => executions.get(name)?.logs);
  });
  const port = await freePort('127.0.0.1');
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', resolve);
  });

  return {
    url: `http://127.0.0.1:${port}`,
    credentials,
    behave: (vmName, behaviour) => behaviours.set(vmName, behaviour),
    jobsCreated: (vmName) => created.get(vmName) ?? 0,
    submissions: (vmName) => posts.get(vmName) ?? 0,
    execution: (vmName) => [...executions.values()].find((e) => e.vmName === vmName),
    executions: (vmName) => [...executions.values()].filter((e) => e.vmName === vmName),
    async stop() {
      for (const timer of timers) clearTimeout(timer);
      server.closeAllConnections();
      for (const socket of upgraded) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
