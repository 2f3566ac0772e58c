// Generated from the served OpenAPI document by scripts/generate-client.ts: do not edit, run `npm run generate:client`.

import type { components } from './components.ts';

export interface paths {
    "/v1/deployments/{id}/rollback": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Roll back a SUCCEEDED deployment (202): a new deployment takes its DONE hosts back to the release each had before (kept on the host, nothing downloaded), through drain, activate, restart, health and enable; 409 with the reason when it cannot */
        post: operations["rollbackDeployment"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
}

export interface operations {
    rollbackDeployment: {
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
                "application/json": {
                    /**
                     * @description roll back even though a later deploy of the application/environment has run since
                     * @default false
                     */
                    force?: boolean;
                    /** @description why: shown with the rollback */
                    reason?: string;
                };
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
                        /** @enum {string} */
                        status: "QUEUED" | "PROVISIONING" | "RUNNING" | "PAUSED" | "WAITING_APPROVAL" | "SUCCEEDED" | "FAILED" | "CANCELLED";
                        links: {
                            self: string;
                            temporalUi: string;
                        };
                        rollbackOf: string;
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
