// Generated from the served OpenAPI document by scripts/generate-client.ts: do not edit, run `npm run generate:client`.

import type { components } from './components.ts';

export interface paths {
    "/v1/deployments/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** One deployment with its hosts and their steps */
        get: operations["getDeployment"];
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
    getDeployment: {
        parameters: {
            query?: never;
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
                        /**
                         * @description The request as accepted, defaults filled in: what `vesemir deploy --from <id>` starts again with a new version (null: a request this server no longer reads)
                         * @example {
                         *       "application": "shop",
                         *       "environment": "production",
                         *       "team": "payments",
                         *       "version": "1.4.2",
                         *       "artifact": {
                         *         "url": "https://artifacts.example.com/shop/shop-1.4.2.tar.gz",
                         *         "sha256": "c0ffee0000000000000000000000000000000000000000000000000000000000"
                         *       },
                         *       "haproxy": {
                         *         "weight": 10,
                         *         "degradationSeconds": 30
                         *       },
                         *       "concurrency": [
                         *         1,
                         *         2,
                         *         "50%"
                         *       ],
                         *       "healthCheck": {
                         *         "port": 8080,
                         *         "path": "/health"
                         *       }
                         *     }
                         */
                        request: {
                            application: string;
                            environment: string;
                            team: string;
                            version: string;
                            artifact: {
                                /** Format: uri */
                                url: string;
                                sha256: string;
                            };
                            chef: {
                                tags?: string[];
                                query?: string;
                            };
                            haproxy: {
                                backend?: string;
                                chefTags?: string[];
                                /**
                                 * @description Percent of each server's weight before the deploy (its configured weight if that was 0) that a host gets back first; the absolute weight is rounded down but never 0 (raised to 1, noted in the step record).
                                 * @default 10
                                 */
                                weight: number;
                                /** @default 0 */
                                degradationSeconds: number;
                            };
                            concurrency: number | (number | string)[];
                            canary?: {
                                hosts: number;
                                /** @default false */
                                requireApproval: boolean;
                                /** @default 0 */
                                bakeSeconds: number;
                            };
                            autoRollback?: boolean;
                            /** @default 0 */
                            maxFailedHosts: number;
                            healthCheck: {
                                port: number;
                                /** @default /health */
                                path: string;
                                /** @default 60 */
                                timeoutSeconds: number;
                            };
                            /** @default false */
                            includeHostsInMaintenance: boolean;
                            /** @default true */
                            queue: boolean;
                        } | null;
                        /** @description a rollback: the finished deployment it rolls back */
                        rollbackOf: string | null;
                        /** @description the latest rollback of this deployment */
                        rolledBackBy: string | null;
                        /** @description a rollback: the caller's reason */
                        rollbackReason: string | null;
                        hosts: {
                            name: string;
                            address: string;
                            /** @enum {string} */
                            status: "PENDING" | "RUNNING" | "DONE" | "FAILED" | "ROLLED_BACK" | "QUARANTINED" | "SKIPPED";
                            error: string | null;
                            /** @description the error type of the step that made the host fail (its first failed deploy step, else a rollback step) */
                            errorType: string | null;
                            /** @description the runbook section of `errorType` */
                            docs: string | null;
                            /** @description the release the host had before this deployment: what a rollback returns it to (null: unknown, e.g. its first deploy) */
                            previousVersion: string | null;
                            steps: {
                                name: string;
                                status: string;
                                attempts: number;
                                startedAt: string;
                                finishedAt: string | null;
                                error: string | null;
                                /** @description a FAILED step's error type; null for any other step */
                                errorType: string | null;
                                /** @description the runbook section of `errorType`: what it means, how to diagnose and fix it */
                                docs: string | null;
                                outputTail: string;
                            }[];
                        }[];
                        links: {
                            self: string;
                            temporalUi: string;
                        };
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
