import { generateKeyPairSync } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HttpChefClient, type HttpChefClientOptions } from '../../src/adapters/chef/client.ts';
import { ChefDataError, ChefError } from '../../src/adapters/chef/errors.ts';
import { ChefAdminClient } from '../fleet/chef-admin.ts';
import { type Goiardi, startGoiardi } from '../fleet/goiardi.ts';
import { allocateSubnet, freePort } from '../fleet/net.ts';

const ip = allocateSubnet();
const FOO_PRODUCTION = 'tags:app-foo AND chef_environment:production';

let chef: Goiardi;

function clientAs(options: Partial<HttpChefClientOptions>): ChefAdminClient {
  return new ChefAdminClient({ serverUrl: chef.url, clientName: chef.adminName, privateKeyPem: chef.adminKeyPem, ...options });
}

async function refusal(promise: Promise<unknown>): Promise<ChefError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ChefError);
  return error as ChefError;
}

beforeAll(async () => {
  chef = await startGoiardi();
  // registered out of name order: the adapter must sort
  await chef.admin.upsertNode({ name: 'foo-prod-2', environment: 'production', tags: ['app-foo'], ipaddress: ip(12) });
  await chef.admin.upsertNode({ name: 'foo-prod-1', environment: 'production', tags: ['app-foo', 'web'], ipaddress: ip(11) });
  await chef.admin.upsertNode({ name: 'foo-staging-1', environment: 'staging', tags: ['app-foo'], ipaddress: ip(21) });
  await chef.admin.upsertNode({ name: 'bar-prod-1', environment: 'production', tags: ['app-bar'], ipaddress: ip(31) });
});

afterAll(async () => {
  await chef?.stop();
});

describe('HttpChefClient against goiardi', () => {
  it('finds exactly the matching nodes, sorted by name, with their addresses', async () => {
    expect(await chef.admin.searchNodes(FOO_PRODUCTION)).toEqual([
      { name: 'foo-prod-1', address: ip(11) },
      { name: 'foo-prod-2', address: ip(12) },
    ]);
    expect(await chef.admin.searchNodes('tags:app-bar')).toEqual([{ name: 'bar-prod-1', address: ip(31) }]);
  });

  it('answers [] when nothing matches', async () => {
    expect(await chef.admin.searchNodes('tags:app-nothing AND chef_environment:production')).toEqual([]);
  });

  it('updates an existing node on a second upsert and deletes nodes idempotently', async () => {
    const node = { name: 'moving-1', environment: 'qa', tags: ['app-moving'], ipaddress: ip(41) };
    await chef.admin.upsertNode(node);
    await chef.admin.upsertNode({ ...node, ipaddress: ip(42) });
    expect(await chef.admin.searchNodes('tags:app-moving')).toEqual([{ name: 'moving-1', address: ip(42) }]);
    await chef.admin.deleteNode('moving-1');
    await chef.admin.deleteNode('moving-1');
    expect(await chef.admin.searchNodes('tags:app-moving')).toEqual([]);
  });

  it('refuses a node without an address, naming it', async () => {
    await chef.admin.upsertNode({ name: 'no-address-1', environment: 'production', tags: ['app-noaddr'], ipaddress: '' });
    await expect(chef.admin.searchNodes('tags:app-noaddr')).rejects.toThrow(ChefDataError);
    await expect(chef.admin.searchNodes('tags:app-noaddr')).rejects.toThrow(/'no-address-1' has no ipaddress/);
  });

  it('is accepted by goiardi with X-Ops-Sign 1.0 too', async () => {
    const v10 = clientAs({ signVersion: '1.0' });
    expect(await v10.searchNodes(FOO_PRODUCTION)).toEqual(await chef.admin.searchNodes(FOO_PRODUCTION));
  });

  it('lets a non-admin client search but not write', async () => {
    const { privateKeyPem } = await chef.admin.createClient('deployer', false);
    const deployer = clientAs({ clientName: 'deployer', privateKeyPem });
    expect((await deployer.searchNodes(FOO_PRODUCTION)).map((h) => h.name)).toEqual(['foo-prod-1', 'foo-prod-2']);

    const error = await refusal(deployer.deleteNode('foo-prod-1'));
    expect(error).toMatchObject({ status: 403, method: 'DELETE', path: '/nodes/foo-prod-1', type: 'ChefError' });
    expect(error.retryable).toBe(false);
    expect(error.message).not.toContain('PRIVATE KEY');
    // goiardi lets clients create new nodes (Chef 11 rules) but not change others'
    expect(await refusal(deployer.upsertNode({ name: 'foo-prod-2', environment: 'production', tags: [], ipaddress: ip(99) }))).toMatchObject({
      status: 403,
      method: 'PUT',
    });
    expect(await chef.admin.searchNodes('name:foo-prod-1')).toHaveLength(1);
  });

  it('deletes a retired node and its client with a signed DELETE each; a repeat finds both gone', async () => {
    await chef.admin.upsertNode({ name: 'foo-retired-1', environment: 'production', tags: ['app-foo'], ipaddress: ip(41) });
    await chef.admin.createClient('foo-retired-1', false);
    const product = new HttpChefClient({ serverUrl: chef.url, clientName: chef.adminName, privateKeyPem: chef.adminKeyPem });
    expect(await product.deleteNode('foo-retired-1')).toEqual({ node: 'deleted', client: 'deleted' });
    expect(await chef.admin.searchNodes('name:foo-retired-1')).toEqual([]);
    expect(await product.deleteNode('foo-retired-1')).toEqual({ node: 'absent', client: 'absent' });
    expect(await chef.admin.searchNodes(FOO_PRODUCTION)).toHaveLength(2);
  });

  it('gets a 401 with a key that is not the client’s', async () => {
    const { privateKey } = generateKeyPairSync('rsa', {
      modulusLength: 2048,
      privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
      publicKeyEncoding: { type: 'spki', format: 'pem' },
    });
    const impostor = clientAs({ privateKeyPem: privateKey });
    const error = await refusal(impostor.searchNodes(FOO_PRODUCTION));
    expect(error).toMatchObject({ status: 401, method: 'POST' });
    expect(error.path).toBe(`/search/node?q=${encodeURIComponent(FOO_PRODUCTION)}&rows=1000&start=0`);
    expect(error.message).not.toContain(privateKey.slice(40, 80));

    const unknown = clientAs({ clientName: 'nobody' });
    expect(await refusal(unknown.searchNodes(FOO_PRODUCTION))).toMatchObject({ status: 401 });
  });

  it('puts the API prefix in front of every path (goiardi has no /organizations)', async () => {
    // goiardi answers unknown paths with an empty 200; a write shows the path in its error
    const org = clientAs({ apiPrefix: '/organizations/acme' });
    await expect(org.searchNodes(FOO_PRODUCTION)).rejects.toThrow(/^Chef POST \/organizations\/acme\/search\/node\?q=.*: empty answer/);
    const orgWithUrlPath = clientAs({ serverUrl: `${chef.url}/organizations/acme/` });
    await expect(orgWithUrlPath.createClient('never-made', false)).rejects.toThrow('Chef POST /organizations/acme/clients: empty answer');
  });

  it('reports an unreachable server as a retryable ChefError without status', async () => {
    const nowhere = clientAs({ serverUrl: `http://127.0.0.1:${await freePort()}`, timeoutMs: 1_000 });
    const error = await refusal(nowhere.searchNodes(FOO_PRODUCTION));
    expect(error.status).toBe(0);
    expect(error.retryable).toBe(true);
  });
});

describe('HttpChefClient options', () => {
  it('rejects a broken key at construction without echoing it', () => {
    expect(() => new HttpChefClient({ serverUrl: 'http://127.0.0.1:1', clientName: 'x', privateKeyPem: 'not-a-key-secret' })).toThrow(
      /client 'x' is not a valid PEM private key$/,
    );
  });
});
