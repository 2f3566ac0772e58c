// Generated from the served OpenAPI document by scripts/generate-client.ts: do not edit, run `npm run generate:client`.

export interface components {
    schemas: {
        /**
         * @example {
         *       "error": "BadRequest",
         *       "message": "invalid request: body.concurrency: required, a number 1..500 or a ramp like [1, 2, \"50%\"]",
         *       "issues": [
         *         {
         *           "field": "body.concurrency",
         *           "message": "required, a number 1..500 or a ramp like [1, 2, \"50%\"]"
         *         }
         *       ]
         *     }
         */
        Error: {
            error: string;
            message: string;
            field?: string;
            issues?: {
                field: string;
                message: string;
            }[];
            runningDeploymentId?: string;
            docs?: string;
        };
        VmError: {
            error: string;
            message: string;
            field?: string;
            issues?: {
                field: string;
                message: string;
            }[];
            runningDeploymentId?: string;
            docs?: string;
            supported?: {
                stack: string;
                osVersion: string;
                machineTypes: string[];
            }[];
            missing?: string[];
        };
    };
    responses: {
        /** @description The request does not match this operation's schema: `issues` names each field and what it expects. */
        BadRequest: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["Error"];
            };
        };
        /** @description No bearer token, or one this server does not know (`WWW-Authenticate` says which). */
        Unauthorized: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["Error"];
            };
        };
        /** @description The token's team may not act for the team, application or resource named. */
        Forbidden: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["Error"];
            };
        };
        /** @description Nothing has this id or name. */
        NotFound: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["Error"];
            };
        };
        /** @description The resource is not in a state this request applies to (a deployment in progress or finished, a control rejected): `message` says why. */
        Conflict: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["Error"];
            };
        };
        /** @description A fault of the server's own; the answer says nothing more, the server's log does. */
        InternalError: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["Error"];
            };
        };
        /** @description A service this request needs (Temporal, Chef) could not be reached: retry later. */
        Unavailable: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["Error"];
            };
        };
        /** @description Well formed by this schema, but refused by this server's configuration or by a rule a schema cannot state: an unknown application, a Chef query that is not a search, a platform or machine type not offered, VM names too long for a hostname, an Idempotency-Key reused with another request. */
        Unprocessable: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["Error"];
            };
        };
        /** @description Well formed by this schema, but refused by this server's configuration or by a rule a schema cannot state: an unknown application, a Chef query that is not a search, a platform or machine type not offered, VM names too long for a hostname, an Idempotency-Key reused with another request. */
        VmUnprocessable: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["VmError"];
            };
        };
        /** @description A service this request needs (Temporal, Chef) could not be reached: retry later. */
        VmUnavailable: {
            headers: {
                [name: string]: unknown;
            };
            content: {
                "application/json": components["schemas"]["VmError"];
            };
        };
    };
    parameters: never;
    requestBodies: never;
    headers: never;
    pathItems: never;
}
