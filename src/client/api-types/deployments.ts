// Generated from the served OpenAPI document by scripts/generate-client.ts: do not edit, run `npm run generate:client`.

import type { operations } from './index.ts';

export interface paths {
    "/v1/deployments": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Deployments, newest first; `status=QUEUED` lists the queues, each with its place */
        get: operations["listDeployments"];
        put?: never;
        /** Start a deployment (202); the same Idempotency-Key returns the same deployment */
        post: operations["createDeployment"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
}
