// Generated from the served OpenAPI document by scripts/generate-client.ts: do not edit, run `npm run generate:client`.

import type { components } from './components.ts';

export interface operations {
    createDeployment: {
        parameters: {
            query?: {
                dryRun?: "true" | "false";
            };
            header?: {
                "idempotency-key"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    application: string;
                    environment: string;
                    team: string;
                    version: string;
                    artifact: {
                        /** Format: uri */
                        url: string;
                        sha256: string;
                    };
                    /** @default {} */
                    chef?: {
                        tags?: string[];
                        query?: string;
                    };
                    /** @default {} */
                    haproxy?: {
                        backend?: string;
                        chefTags?: string[];
                        /**
                         * @description Percent of each server's weight before the deploy (its configured weight if that was 0) that a host gets back first; the absolute weight is rounded down but never 0 (raised to 1, noted in the step record).
                         * @default 10
                         */
                        weight?: number;
                        /** @default 0 */
                        degradationSeconds?: number;
                    };
                    concurrency: number | (number | string)[];
                    canary?: {
                        hosts: number;
                        /** @default false */
                        requireApproval?: boolean;
                        /** @default 0 */
                        bakeSeconds?: number;
                    };
                    autoRollback?: boolean;
                    /** @default 0 */
                    maxFailedHosts?: number;
                    healthCheck: {
                        port: number;
                        /** @default /health */
                        path?: string;
                        /** @default 60 */
                        timeoutSeconds?: number;
                    };
                    /** @default false */
                    includeHostsInMaintenance?: boolean;
                    /** @default true */
                    queue?: boolean;
                };
            };
        };
        responses: {
            /** @description Default Response */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        id: string;
                        /** @enum {string} */
                        status: "QUEUED" | "PROVISIONING" | "RUNNING" | "PAUSED" | "WAITING_APPROVAL" | "SUCCEEDED" | "FAILED" | "CANCELLED";
                        links: {
                            self: string;
                            temporalUi: string;
                        };
                    } | {
                        /** @enum {boolean} */
                        dryRun: true;
                        application: string;
                        environment: string;
                        version: string;
                        chefQuery: string;
                        loadBalancerQuery: string;
                        hosts: {
                            name: string;
                            address: string;
                        }[];
                        loadBalancers: {
                            name: string;
                            address: string;
                        }[];
                        phases: {
                            hosts: string[];
                            window: number;
                            gate?: {
                                requireApproval: boolean;
                                bakeSeconds: number;
                            };
                        }[];
                        maxFailedHosts: number;
                        autoRollback: boolean;
                        weightPercent: number;
                        /** @description Per host and LB box: the state and weight now, the weight of the first enable and of 100%. */
                        weights?: {
                            host: string;
                            inMaintenance: boolean;
                            skipped?: string;
                            boxes: {
                                lb: string;
                                /** @enum {string} */
                                state: "ready" | "drain" | "maint";
                                weight: number;
                                configuredWeight: number;
                                enableWeight: number;
                                fullWeight: number;
                                raisedToMinimum: boolean;
                            }[];
                        }[];
                        weightsError?: string;
                        /** @description No host found and the application declares its fleet: the VMs the deploy would create first (`message`: "would create 3 VMs (python, ubuntu-22.04)…"). */
                        wouldCreate?: {
                            count: number;
                            stack: string;
                            osVersion: string;
                            machineType?: string;
                            message: string;
                        };
                    };
                };
            };
            /** @description Default Response */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        id: string;
                        /** @enum {string} */
                        status: "QUEUED" | "PROVISIONING" | "RUNNING" | "PAUSED" | "WAITING_APPROVAL" | "SUCCEEDED" | "FAILED" | "CANCELLED";
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
            409: components["responses"]["Conflict"];
            422: components["responses"]["Unprocessable"];
            500: components["responses"]["InternalError"];
            503: components["responses"]["Unavailable"];
        };
    };
}
