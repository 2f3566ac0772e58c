// Generated from the served OpenAPI document by scripts/generate-client.ts: do not edit, run `npm run generate:client`.

import type { components } from './components.ts';

export interface paths {
    "/v1/vms": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The VM inventory, by name, with counts per stack and OS over the same filter */
        get: operations["listVms"];
        put?: never;
        /** Create VMs (202): one provisioning job per VM; the same Idempotency-Key returns the same request */
        post: operations["createVms"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
}

export interface operations {
    listVms: {
        parameters: {
            query?: {
                application?: string;
                environment?: string;
                status?: "REQUESTED" | "PROVISIONING" | "READY" | "FAILED" | "CANCELLED" | "DECOMMISSIONING" | "DECOMMISSIONED";
                osVersion?: string;
                stack?: string;
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
                        vms: {
                            name: string;
                            requestId: string;
                            application: string;
                            environment: string;
                            team: string;
                            stack: string;
                            osVersion: string;
                            machineType: string;
                            /** @enum {string} */
                            status: "REQUESTED" | "PROVISIONING" | "READY" | "FAILED" | "CANCELLED" | "DECOMMISSIONING" | "DECOMMISSIONED";
                            address: string | null;
                            jobName: string | null;
                            error: string | null;
                            attempts: number;
                            lastError: string | null;
                            createdAt: string;
                            updatedAt: string;
                            transitions: {
                                /** @enum {string|null} */
                                from: "REQUESTED" | "PROVISIONING" | "READY" | "FAILED" | "CANCELLED" | "DECOMMISSIONING" | "DECOMMISSIONED" | null;
                                /** @enum {string} */
                                to: "REQUESTED" | "PROVISIONING" | "READY" | "FAILED" | "CANCELLED" | "DECOMMISSIONING" | "DECOMMISSIONED";
                                at: string;
                                reason: string | null;
                            }[];
                            links: {
                                self: string;
                                request: string;
                            };
                        }[];
                        counts: {
                            total: number;
                            byStack: {
                                [key: string]: number;
                            };
                            byOsVersion: {
                                [key: string]: number;
                            };
                            byPlatform: {
                                stack: string;
                                osVersion: string;
                                count: number;
                            }[];
                        };
                    };
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            500: components["responses"]["InternalError"];
        };
    };
    createVms: {
        parameters: {
            query?: never;
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
                    stack: string;
                    osVersion: string;
                    machineType?: string;
                    count: number;
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
                        vms: {
                            name: string;
                            /** @enum {string} */
                            status: "REQUESTED" | "PROVISIONING" | "READY" | "FAILED" | "CANCELLED" | "DECOMMISSIONING" | "DECOMMISSIONED";
                        }[];
                        links: {
                            self: string;
                            temporalUi: string;
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
                        vms: {
                            name: string;
                            /** @enum {string} */
                            status: "REQUESTED" | "PROVISIONING" | "READY" | "FAILED" | "CANCELLED" | "DECOMMISSIONING" | "DECOMMISSIONED";
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
            422: components["responses"]["VmUnprocessable"];
            500: components["responses"]["InternalError"];
            503: components["responses"]["VmUnavailable"];
        };
    };
}
