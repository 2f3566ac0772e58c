// Generated from the served OpenAPI document by scripts/generate-client.ts: do not edit, run `npm run generate:client`.

import type { components } from './components.ts';

export interface paths {
    "/v1/vm-requests/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** One VM request with its VMs */
        get: operations["getVmRequest"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/vm-requests/{id}/cancel": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Cancel a VM request (202): polling stops, unfinished VMs become CANCELLED; jobs already submitted are left to the runner */
        post: operations["cancelVmRequest"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
}

export interface operations {
    getVmRequest: {
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
                        stack: string;
                        osVersion: string;
                        machineType: string;
                        count: number;
                        requestedBy: string;
                        createdAt: string;
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
    cancelVmRequest: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: {
            content: {
                "application/json": Record<string, never>;
            };
        };
        responses: {
            /** @description Default Response */
            202: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        id: string;
                        message: string;
                        vms: {
                            name: string;
                            /** @enum {string} */
                            status: "REQUESTED" | "PROVISIONING" | "READY" | "FAILED" | "CANCELLED" | "DECOMMISSIONING" | "DECOMMISSIONED";
                            jobName: string | null;
                        }[];
                    };
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            409: components["responses"]["Conflict"];
            500: components["responses"]["InternalError"];
            503: components["responses"]["Unavailable"];
        };
    };
}
