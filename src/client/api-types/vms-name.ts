// Generated from the served OpenAPI document by scripts/generate-client.ts: do not edit, run `npm run generate:client`.

import type { components } from './components.ts';

export interface paths {
    "/v1/vms/{name}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** One VM with its status and transitions */
        get: operations["getVm"];
        put?: never;
        post?: never;
        /** Decommission a VM (202): drained and removed from its HAProxy backends, the runner’s decommission job, its Chef node deleted, then DECOMMISSIONED; 200 when it is already; a repeat is harmless */
        delete: operations["decommissionVm"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
}

export interface operations {
    getVm: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                name: string;
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
    decommissionVm: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                name: string;
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
                    };
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            409: components["responses"]["Conflict"];
            422: components["responses"]["Unprocessable"];
            500: components["responses"]["InternalError"];
            503: components["responses"]["Unavailable"];
        };
    };
}
