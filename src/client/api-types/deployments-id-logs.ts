// Generated from the served OpenAPI document by scripts/generate-client.ts: do not edit, run `npm run generate:client`.

import type { components } from './components.ts';

export interface paths {
    "/v1/deployments/{id}/logs": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Every step attempt of every host with its command, exit code and full output */
        get: operations["getDeploymentLogs"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
}

export interface operations {
    getDeploymentLogs: {
        parameters: {
            query?: {
                host?: string;
                step?: "inspect" | "stage" | "drain" | "activate" | "restart" | "health" | "enable" | "bake" | "full" | "rollback-drain" | "rollback-activate" | "rollback-restart" | "rollback-health" | "rollback-enable";
            };
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        steps: {
                            host: string;
                            step: string;
                            round: number;
                            attempt: number;
                            /** @description the worker process (pid@host) that ran this execution of the step; every execution is its own entry */
                            worker: string | null;
                            status: string;
                            command: string | null;
                            exitCode: number | null;
                            stdout: string;
                            stderr: string;
                            error: string | null;
                            /** @description a FAILED attempt's error type; null for any other */
                            errorType: string | null;
                            /** @description the runbook section of `errorType` */
                            docs: string | null;
                            startedAt: string;
                            finishedAt: string | null;
                        }[];
                    };
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            500: components["responses"]["InternalError"];
        };
    };
}
