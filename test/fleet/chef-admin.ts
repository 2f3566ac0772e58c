import { z } from 'zod';
import { HttpChefClient, parseChefAnswer } from '../../src/adapters/chef/client.ts';
import { ChefDataError, ChefError } from '../../src/adapters/chef/errors.ts';

/**
 * The Chef calls only the test fleet makes: registering nodes, environments
 * and API clients, as a Chef admin or a provisioning job would. Vesemir
 * itself searches, and deletes the node of a VM it decommissions.
 */
export interface NodeSpec {
  name: string;
  environment: string;
  tags: string[];
  ipaddress: string;
  /** @default [] */
  runList?: string[];
}

const createdClient = z.object({
  private_key: z.string().optional(),
  chef_key: z.object({ private_key: z.string() }).optional(),
});

export class ChefAdminClient extends HttpChefClient {
  /** Creates the node or replaces it (POST, then PUT on 409). */
  async upsertNode(node: NodeSpec): Promise<void> {
    const body = {
      name: node.name,
      chef_type: 'node',
      json_class: 'Chef::Node',
      chef_environment: node.environment,
      run_list: node.runList ?? [],
      normal: { tags: node.tags },
      automatic: { ipaddress: node.ipaddress },
    };
    try {
      await this.send('POST', '/nodes', body);
    } catch (error) {
      if (!(error instanceof ChefError) || error.status !== 409) throw error;
      await this.send('PUT', `/nodes/${encodeURIComponent(node.name)}`, body);
    }
  }

  /**
   * Creates an environment if missing. goiardi and Chef accept nodes in an
   * environment that does not exist; this is for tidy servers and listings.
   */
  async ensureEnvironment(name: string): Promise<void> {
    const body = { name, json_class: 'Chef::Environment', chef_type: 'environment' };
    try {
      await this.send('POST', '/environments', body);
    } catch (error) {
      if (!(error instanceof ChefError) || error.status !== 409) throw error;
    }
  }

  /** Registers an API client and returns its new private key. */
  async createClient(name: string, admin: boolean): Promise<{ privateKeyPem: string }> {
    // create_key asks a Chef 12+ server (API v1) for a key; goiardi returns one anyway.
    const answer = await this.send('POST', '/clients', { name, admin, create_key: true });
    const parsed = parseChefAnswer(createdClient, answer, 'POST', `${this.basePath}/clients`);
    const privateKeyPem = parsed.private_key ?? parsed.chef_key?.private_key;
    if (!privateKeyPem) throw new ChefDataError(`Chef created client '${name}' but returned no private key`);
    return { privateKeyPem };
  }
}
