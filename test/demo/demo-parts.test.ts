import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { displayPath, nextSteps } from '../../demo/commands.ts';
import { startDemoProctor } from '../../demo/proctor.ts';
import { claimDataDir, claimTempRoot, parseDemoArgs } from '../../demo/workspace.ts';
import { ProctorClient } from '../../src/adapters/proctor/client.ts';

const app = { name: 'shop', team: 'payments', environment: 'production' };
/** A pid that was a process and is no more. */
const deadPid = () => spawnSync('true').pid!;

let dir: string;
const savedTmpdir = process.env.TMPDIR;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'vesemir-demo-parts-'));
});
afterEach(() => {
  process.env.TMPDIR = savedTmpdir;
  if (savedTmpdir === undefined) delete process.env.TMPDIR;
  rmSync(dir, { recursive: true, force: true });
});

const from = { id: 'd-0001', version: 'v2' };
const v3 = (path: string) => ({ path, version: 'v3', artifact: { url: 'http://127.0.0.1:9/shop-v3.tar.gz', sha256: 'c'.repeat(64) } });

describe('the commands the demo suggests', () => {
  it('are exact: the file as typed from the repo, no --api on the default port', () => {
    expect(nextSteps({ apiUrl: 'http://127.0.0.1:8080', cwd: '/repo', next: v3('/repo/.data/demo/shop-v3.yaml'), from, app })).toEqual([
      '',
      'Next, in another terminal in /repo (this one keeps the stack running):',
      "  Deploy shop v3 with v2's settings (--from takes its request; give what changes):",
      `    npx vesemir deploy --from d-0001 --version v3 --artifact-url http://127.0.0.1:9/shop-v3.tar.gz --artifact-sha256 ${'c'.repeat(64)} --follow`,
      '  Or deploy shop v3 from a request file (flags override its fields):',
      '    npx vesemir deploy --file .data/demo/shop-v3.yaml --follow',
      '  Create a VM (a local Proctor-compatible runner boots it and registers it in Chef; the next deploy reaches it):',
      '    npx vesemir vm create --application shop --environment production --team payments --stack node --os-version debian-12 --count 1',
      '    npx vesemir vm list --application shop',
      '  Every deploy so far:',
      '    npx vesemir list --application shop --environment production',
      '',
      "Ctrl-C here stops everything and removes the fleet's keys and temp dirs.",
    ]);
  });

  it('name another API, and a file outside the repo by its absolute path', () => {
    const lines = nextSteps({ apiUrl: 'http://127.0.0.1:28080', cwd: '/repo', next: v3('/tmp/d/shop-v3.yaml'), from, app });
    expect(lines).toContain('    npx vesemir --api http://127.0.0.1:28080 deploy --file /tmp/d/shop-v3.yaml --follow');
    expect(lines.filter((l) => l.startsWith('    npx vesemir ')).every((l) => l.includes('--api http://127.0.0.1:28080'))).toBe(true);
    expect(displayPath('/repo2/x', '/repo')).toBe('/repo2/x');
  });
});

describe('the demo arguments', () => {
  it('take --keep and --data-dir, and refuse anything else with the usage', () => {
    expect(parseDemoArgs([])).toEqual({ keep: false, dataDir: '.data/demo' });
    expect(parseDemoArgs(['--keep', '--data-dir', '/x'])).toEqual({ keep: true, dataDir: '/x' });
    expect(() => parseDemoArgs(['--data-dir'])).toThrow(/--data-dir needs a folder\nusage:/);
    expect(() => parseDemoArgs(['--fresh'])).toThrow(/unknown argument --fresh\nusage:/);
  });
});

describe('the demo data folder', () => {
  const seed = (data: string) => {
    mkdirSync(join(data, 'pglite'), { recursive: true });
    writeFileSync(join(data, 'temporal.db'), 'deploys of the last run');
  };

  it('is wiped at start unless --keep, and claimed by this process until released', () => {
    const data = join(dir, 'data');
    seed(data);
    const claim = claimDataDir({ keep: false, dataDir: data });
    expect(readdirSync(data)).toEqual(['demo.pid']);
    expect(readFileSync(join(data, 'demo.pid'), 'utf8')).toBe(String(process.pid));
    claim.release();
    seed(data);
    claimDataDir({ keep: true, dataDir: data }).release();
    expect(readdirSync(data).sort()).toEqual(['pglite', 'temporal.db']);
  });

  it('is refused while another live demo holds it, and taken over from a dead one', () => {
    const data = join(dir, 'data');
    seed(data);
    writeFileSync(join(data, 'demo.pid'), String(process.ppid));
    expect(() => claimDataDir({ keep: false, dataDir: data })).toThrow(`another demo (pid ${process.ppid}) runs on ${data}`);
    expect(existsSync(join(data, 'temporal.db'))).toBe(true);
    writeFileSync(join(data, 'demo.pid'), String(deadPid()));
    claimDataDir({ keep: false, dataDir: data }).release();
    expect(readdirSync(data)).toEqual([]);
  });
});

describe('the demo temp root', () => {
  it('sweeps the roots of demos that died without cleaning up, keeps live ones, and becomes TMPDIR', () => {
    process.env.TMPDIR = dir;
    const dead = join(dir, `vesemir-demo-${deadPid()}-abc`);
    const live = join(dir, `vesemir-demo-${process.ppid}-abc`);
    for (const root of [dead, live]) mkdirSync(join(root, 'vesemir-fleet-x'), { recursive: true });
    const root = claimTempRoot();
    expect(root.startsWith(join(dir, `vesemir-demo-${process.pid}-`))).toBe(true);
    expect(process.env.TMPDIR).toBe(root);
    expect(existsSync(dead)).toBe(false);
    expect(existsSync(live)).toBe(true);
  });
});

describe('the demo Proctor runner', () => {
  const job = (vm: string) => ({ job: 'create-vm', args: { VM_NAME: vm, TAGS: 'app-shop' }, requestId: `r-${vm}` });

  it('runs create-vm once per VM name and reports WAITING, then SUCCEEDED, to the service’s client', async () => {
    let finish: () => void = () => {};
    const created: string[] = [];
    const runner = await startDemoProctor(
      async (args) => {
        created.push(args.VM_NAME ?? '');
        await new Promise<void>((resolve) => {
          finish = resolve;
        });
      },
      join(dir, 'token'),
    );
    try {
      const env = runner.env as { PROCTOR_URL: string; PROCTOR_EMAIL_ID: string; PROCTOR_ACCESS_TOKEN_PATH: string };
      const client = new ProctorClient({
        baseUrl: env.PROCTOR_URL,
        emailId: env.PROCTOR_EMAIL_ID,
        accessToken: readFileSync(env.PROCTOR_ACCESS_TOKEN_PATH, 'utf8'),
      });
      const { executionName } = await client.submit(job('shop-vm9'));
      expect(await client.submit(job('shop-vm9'))).toEqual({ executionName });
      expect(created).toEqual(['shop-vm9']);
      expect((await client.status(executionName)).state).toBe('WAITING');
      finish();
      await expect.poll(async () => (await client.status(executionName)).state).toBe('SUCCEEDED');
      expect((await client.status('no-such-run')).state).toBe('NOT_FOUND');
      const wrong = new ProctorClient({ baseUrl: env.PROCTOR_URL, emailId: env.PROCTOR_EMAIL_ID, accessToken: 'wrong' });
      await expect(wrong.submit(job('shop-vm10'))).rejects.toThrow(/401/);
    } finally {
      finish();
      await runner.stop();
    }
  });

  it('runs decommission-vm apart from create-vm, once per VM name', async () => {
    const retired: string[] = [];
    const runner = await startDemoProctor(
      async () => undefined,
      join(dir, 'token'),
      async (args) => {
        retired.push(args.VM_NAME ?? '');
      },
    );
    try {
      const env = runner.env as { PROCTOR_URL: string; PROCTOR_EMAIL_ID: string };
      const client = new ProctorClient({ baseUrl: env.PROCTOR_URL, emailId: env.PROCTOR_EMAIL_ID, accessToken: readFileSync(join(dir, 'token'), 'utf8') });
      const created = await client.submit(job('shop-vm12'));
      const retire = { ...job('shop-vm12'), job: 'decommission-vm' };
      const { executionName } = await client.submit(retire);
      expect(executionName).not.toBe(created.executionName);
      expect(await client.submit(retire)).toEqual({ executionName });
      await expect.poll(async () => (await client.status(executionName)).state).toBe('SUCCEEDED');
      expect(retired).toEqual(['shop-vm12']);
    } finally {
      await runner.stop();
    }
  });

  it('reports FAILED when the VM could not be created', async () => {
    const runner = await startDemoProctor(() => Promise.reject(new Error('no room')), join(dir, 'token'));
    try {
      const env = runner.env as { PROCTOR_URL: string; PROCTOR_EMAIL_ID: string };
      const client = new ProctorClient({ baseUrl: env.PROCTOR_URL, emailId: env.PROCTOR_EMAIL_ID, accessToken: readFileSync(join(dir, 'token'), 'utf8') });
      const { executionName } = await client.submit(job('shop-vm11'));
      await expect.poll(async () => (await client.status(executionName)).state).toBe('FAILED');
    } finally {
      await runner.stop();
    }
  });
});
