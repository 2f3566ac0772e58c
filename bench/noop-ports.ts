import { createHash } from 'node:crypto';
import type { ArtifactSource, ChefClient, HealthProbe, Host, LoadBalancer, RemoteHosts, RemoteSession } from '../src/domain/ports.ts';

/**
 * Ports that do no I/O, so a deploy of 1,000 hosts measures only the
 * orchestrator (Temporal, workflows, activities' bookkeeping, the store).
 * They answer just enough for every step to succeed as on a real host.
 */
export const SCALE_ARTIFACT = Buffer.from('a release that never leaves the process\n');
export const SCALE_SHA256 = createHash('sha256').update(SCALE_ARTIFACT).digest('hex');

export function scaleHosts(count: number, prefix = 'scale'): Host[] {
  return Array.from({ length: count }, (_, i) => ({
    name: `${prefix}-vm${String(i + 1).padStart(5, '0')}`,
    address: `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`,
  }));
}

export function noopChef(hosts: Host[]): ChefClient {
  const lbs: Host[] = [{ name: 'scale-lb1', address: '10.255.0.1' }];
  return { searchNodes: async (query) => (query.startsWith('tags:lb') ? lbs : hosts), deleteNode: async () => ({ node: 'absent', client: 'absent' }) };
}

export const noopRemote: RemoteHosts = {
  async connect(): Promise<RemoteSession> {
    let uploaded: Buffer | undefined;
    return {
      async exec(argv) {
        const ok = { exitCode: 0, stdout: '', stderr: '', durationMs: 0 };
        // Answers the stage scripts (named by their $0) as a real host would.
        // The release is never already there: every host takes the full stage path.
        if (argv[3] === 'vesemir-stage-inspect') return { ...ok, stdout: 'current=releases/v1\nrelease=absent\n' };
        if (argv[3] === 'vesemir-stage-unpack') {
          const sum = uploaded ? createHash('sha256').update(uploaded).digest('hex') : '';
          if (sum === argv[5]) return ok;
          return { ...ok, exitCode: 65, stderr: `uploaded artifact has sha256 ${sum}, expected ${argv[5]}\n` };
        }
        return ok;
      },
      async upload(data) {
        uploaded = data;
      },
      async spawn() {
        throw new Error('the scale bench has no LB boxes to talk to');
      },
      async close() {},
    };
  },
};

export const noopLoadBalancer: LoadBalancer = {
  inspect: async (lbs) => lbs.map((lb) => ({ lb: lb.name, admin: 'ready', weight: 100, initialWeight: 100 })),
  drain: async (lbs) => lbs.map((lb) => ({ lb: lb.name, sessionsLeft: 0, waitedMs: 0 })),
  enable: async (lbs) => lbs.map((lb) => ({ lb: lb.name, weight: 100, fullWeight: 100, raisedToMinimum: false })),
  restore: async () => undefined,
  serverStates: async () => [],
  addServer: async (lbs) => lbs.map((lb) => ({ lb: lb.name, added: true })),
  removeServer: async (lbs) => lbs.map((lb) => ({ lb: lb.name, removed: true, sessionsCut: 0, waitedMs: 0 })),
};

export const noopHealth: HealthProbe = { get: async () => ({ status: 200, body: '{"status":"ok"}' }) };

export const noopArtifacts: ArtifactSource = {
  async get(_url, sha256) {
    if (sha256 !== SCALE_SHA256) throw new Error(`scale artifact: unexpected sha256 ${sha256}`);
    return SCALE_ARTIFACT;
  },
};
