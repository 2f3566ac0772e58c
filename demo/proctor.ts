import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** The job that creates one VM, from the args Vesemir sends (VM_NAME, APPLICATION, ENVIRONMENT, TAGS, OS_VERSION, …). */
export type CreateVm = (args: Record<string, string>) => Promise<void>;
/** The job that stops one VM and deregisters it (VM_NAME, APPLICATION, ENVIRONMENT, …); a VM already gone is done. */
export type DecommissionVm = (args: Record<string, string>) => Promise<void>;

/** Job names as the default provisioning catalog has them. */
const JOB_NAMES = ['create-vm', 'decommission-vm'] as const;
type JobName = (typeof JOB_NAMES)[number];

export interface DemoProctor {
  /** PROCTOR_URL, PROCTOR_EMAIL_ID and PROCTOR_ACCESS_TOKEN_PATH for the service. */
  env: Record<string, string>;
  /** Closes the server after the jobs under way have ended. */
  stop(): Promise<void>;
}

interface Job {
  state: 'WAITING' | 'SUCCEEDED' | 'FAILED';
  done: Promise<void>;
}

const EMAIL_ID = 'vesemir-demo@example.com';

/**
 * A Proctor-compatible job runner on 127.0.0.1 for the demo: `POST
 * /jobs/execute {name, args}` answers the execution's name, `GET
 * /jobs/execute/{name}/status` its state in one word; the Email-Id and
 * Access-Token headers are checked. Its jobs: `create-vm` runs `createVm`,
 * `decommission-vm` runs `decommissionVm`. Like the jobs docs/vms.md asks of
 * job authors they are idempotent by VM_NAME: a second submission of a job
 * for a VM answers the first execution.
 */
export async function startDemoProctor(createVm: CreateVm, tokenPath: string, decommissionVm?: DecommissionVm): Promise<DemoProctor> {
  const token = randomBytes(16).toString('hex');
  writeFileSync(tokenPath, token, { mode: 0o600 });
  const jobs = new Map<string, Job>();
  const byVm = new Map<string, string>();
  const work: Record<JobName, (args: Record<string, string>) => Promise<void>> = {
    'create-vm': createVm,
    'decommission-vm': decommissionVm ?? (async () => undefined),
  };

  const submit = (jobName: JobName, args: Record<string, string>): string => {
    const key = `${jobName}/${args.VM_NAME ?? ''}`;
    const known = byVm.get(key);
    if (known) return known;
    const name = `${jobName}-${randomBytes(4).toString('hex')}`;
    const job: Job = { state: 'WAITING', done: Promise.resolve() };
    const end = (state: Job['state']) => {
      job.state = state;
    };
    job.done = work[jobName](args).then(
      () => end('SUCCEEDED'),
      () => end('FAILED'),
    );
    jobs.set(name, job);
    byVm.set(key, name);
    return name;
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<unknown> => {
    const reply = (status: number, body: unknown) =>
      res
        .writeHead(status, { 'content-type': typeof body === 'string' ? 'text/plain' : 'application/json' })
        .end(typeof body === 'string' ? body : JSON.stringify(body));
    if (req.headers['email-id'] !== EMAIL_ID || req.headers['access-token'] !== token) return reply(401, { error: 'unauthorized' });
    const path = new URL(req.url ?? '/', 'http://runner').pathname;
    const status = /^\/jobs\/execute\/([^/]+)\/status$/.exec(path)?.[1];
    if (req.method === 'GET' && status) {
      const job = jobs.get(decodeURIComponent(status));
      return job ? reply(200, job.state) : reply(404, 'NOT_FOUND');
    }
    if (req.method !== 'POST' || path !== '/jobs/execute') return reply(404, { error: 'not found' });
    let body: { name?: unknown; args?: Record<string, string> };
    try {
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    } catch {
      return reply(400, { error: 'body is not JSON' });
    }
    const jobName = JOB_NAMES.find((j) => j === body.name);
    if (!jobName) return reply(404, { error: `no job ${String(body.name)}` });
    if (!/^[a-z0-9][a-z0-9-]{0,62}$/.test(body.args?.VM_NAME ?? '')) return reply(400, { error: 'VM_NAME: a DNS label is required' });
    return reply(201, { name: submit(jobName, body.args ?? {}) });
  };

  const server = createServer((req, res) => void handle(req, res).catch(() => res.writeHead(500).end()));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as AddressInfo;
  return {
    env: { PROCTOR_URL: `http://127.0.0.1:${port}`, PROCTOR_EMAIL_ID: EMAIL_ID, PROCTOR_ACCESS_TOKEN_PATH: tokenPath },
    async stop() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await Promise.all([...jobs.values()].map((job) => job.done));
    },
  };
}
