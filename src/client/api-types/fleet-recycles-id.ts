// Generated from the served OpenAPI document by scripts/generate-client.ts: do not edit, run `npm run generate:client`.

import type { components } from './components.ts';

export interface paths {
    "/v1/fleet-recycles/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** A fleet recycle: status, batches, each VM, READY VMs per OS before and after */
        get: operations["getFleetRecycle"];
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
    getFleetRecycle: {
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
                        requestedBy: string;
                        /** @enum {string} */
                        status: "QUEUED" | "RUNNING" | "PAUSED" | "SUCCEEDED" | "FAILED" | "CANCELLED";
                        fromOsVersion: string | null;
                        toOsVersion: string;
                        batchSize: number;
                        maxFailedBatches: number;
                        /** @description the release deployed to the new VMs: the last SUCCEEDED deploy’s */
                        release: string | null;
                        batches: {
                            index: number;
                            status: string;
                            error: string | null;
                            old: {
                                name: string;
                                status: string;
                                error: string | null;
                            }[];
                            new: {
                                name: string;
                                status: string;
                                error: string | null;
                            }[];
                        }[];
                        counts: {
                            /** @description READY VMs of the application/environment per OS version */
                            before: {
                                [key: string]: number;
                            } | null;
                            /** @description READY VMs of the application/environment per OS version */
                            after: {
                                [key: string]: number;
                            } | null;
                        };
                        error: string | null;
                        createdAt: string;
                        updatedAt: string;
                        finishedAt: string | null;
                        links: {
                            self: string;
                            temporalUi: string;
                            /** @description the new VMs’ host steps (GET, logs) */
                            deployment: string;
                        };
                    };
                };
            };
            400: components["responses"]["BadRequest"];
            401: components["responses"]["Unauthorized"];
            403: components["responses"]["Forbidden"];
            404: components["responses"]["NotFound"];
            500: components["responses"]["InternalError"];
            503: components["responses"]["Unavailable"];
        };
    };
}
