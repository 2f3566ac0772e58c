// Generated from the served OpenAPI document by scripts/generate-client.ts: do not edit, run `npm run generate:client`.

import type { components } from './components.ts';

export interface operations {
    listDeployments: {
        parameters: {
            query?: {
                application?: string;
                environment?: string;
                status?: "QUEUED" | "PROVISIONING" | "RUNNING" | "PAUSED" | "WAITING_APPROVAL" | "SUCCEEDED" | "FAILED" | "CANCELLED";
                limit?: number;
            };
            header?: never;
            path?: never;
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
                        deployments: {
                            id: string;
                            application: string;
                            environment: string;
                            team: string;
                            version: string;
                            /** @enum {string} */
                            status: "QUEUED" | "PROVISIONING" | "RUNNING" | "PAUSED" | "WAITING_APPROVAL" | "SUCCEEDED" | "FAILED" | "CANCELLED";
                            requestedBy: string;
                            chefQuery: string | null;
                            loadBalancers: string[];
                            createdAt: string;
                            startedAt: string | null;
                            finishedAt: string | null;
                            durationMs: number | null;
                            error: string | null;
                            /** @description QUEUED only: its place in the application/environment queue, 1 = next (0: its turn has come, it is starting) */
                            queuePosition?: number;
                            /** @description QUEUED only: the deployment holding the turn, which it waits behind */
                            waitingFor?: string | null;
                            /** @description The VMs this deploy created first (the application's declared fleet, no host found; status PROVISIONING while they come up); null: none */
                            provisioning?: {
                                requestId: string;
                                stack: string;
                                osVersion: string;
                                total: number;
                                ready: number;
                                /** @description VMs FAILED or CANCELLED */
                                failed: number;
                                vms: {
                                    name: string;
                                    status: string;
                                    error: string | null;
                                }[];
                                /** @description the VM request: GET it for each VM, its job and transitions */
                                link: string;
                            } | null;
                            /** @description a rollback: the finished deployment it rolls back */
                            rollbackOf: string | null;
                            /** @description the latest rollback of this deployment */
                            rolledBackBy: string | null;
                            /** @description a rollback: the caller's reason */
                            rollbackReason: string | null;
                            links: {
                                self: string;
                                temporalUi: string;
                            };
                            hostCounts: {
                                [key: string]: number;
                            };
                        }[];
                    };
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            500: components["responses"]["InternalError"];
        };
    };
}
