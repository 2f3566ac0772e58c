import { describe, expect, it } from 'vitest';
import { linkBuilder } from '../../src/api/app.ts';
import { deploymentView } from '../../src/api/deployment-views.ts';
import { deploymentView as viewSchema } from '../../src/api/schemas.ts';
import { deployRequestSchema } from '../../src/domain/deploy-request.ts';
import type { DeploymentRecord } from '../../src/domain/deployment.ts';

// GET /v1/deployments/{id} carries the request as accepted: what a redeploy
// (`vesemir deploy --from <id>`) starts again from.

const request = deployRequestSchema.parse({
  application: 'shop',
  environment: 'production',
  team: 'payments',
  version: 'v2',
  artifact: { url: 'https://artifacts.example.com/shop-v2.tar.gz', sha256: 'c0ffee'.padEnd(64, '0') },
  haproxy: { degradationSeconds: 30 },
  concurrency: [1, '50%'],
  canary: { hosts: 1, bakeSeconds: 60 },
  healthCheck: { port: 8000 },
});

const record = (stored: unknown): DeploymentRecord => ({
  id: 'd-1',
  workflowId: 'deploy-d-1',
  application: 'shop',
  environment: 'production',
  team: 'payments',
  version: 'v2',
  requestedBy: 'ci',
  request: stored,
  status: 'RUNNING',
  createdAt: new Date(0),
  loadBalancers: [],
  hosts: [],
});

const links = linkBuilder('http://api', 'http://ui', 'default');

describe('the deployment view', () => {
  it('carries the request with its defaults: artifact, health check, HAProxy settings, canary', () => {
    const view = deploymentView(record(JSON.parse(JSON.stringify(request))), [], links);
    expect(view.request).toEqual(request);
    expect(view.request?.healthCheck).toEqual({ port: 8000, path: '/health', timeoutSeconds: 60 });
    expect(view.request?.haproxy).toEqual({ weight: 10, degradationSeconds: 30 });
    expect(viewSchema.safeParse(view).success).toBe(true);
  });

  it('answers null for a stored request this server no longer reads', () => {
    const view = deploymentView(record({ application: 'shop', retired: true }), [], links);
    expect(view.request).toBeNull();
    expect(viewSchema.safeParse(view).success).toBe(true);
  });
});
