// Generated from the served OpenAPI document by scripts/generate-client.ts: do not edit, run `npm run generate:client`.

export interface paths {
    "/healthz": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Liveness */
        get: operations["getHealth"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/deployments/{id}/pause": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Pause a deployment */
        post: operations["pauseDeployment"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/deployments/{id}/resume": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Resume a deployment */
        post: operations["resumeDeployment"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/deployments/{id}/cancel": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Cancel a deployment */
        post: operations["cancelDeployment"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/deployments/{id}/approve": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Approve a deployment */
        post: operations["approveDeployment"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/deployments/{id}/retry": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Retry a deployment */
        post: operations["retryDeployment"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
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
    "/v1/deployments": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Deployments, newest first; `status=QUEUED` lists the queues, each with its place */
        get: operations["listDeployments"];
        put?: never;
        /** Start a deployment (202); the same Idempotency-Key returns the same deployment */
        post: operations["createDeployment"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
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
    "/v1/fleet-recycles": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Recycle a fleet onto a new OS (202): batch by batch, new VMs serve before the old are decommissioned */
        post: operations["createFleetRecycle"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
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
    "/v1/fleet-recycles/{id}/pause": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Pause a fleet recycle */
        post: operations["pauseFleetRecycle"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/fleet-recycles/{id}/resume": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Resume a fleet recycle */
        post: operations["resumeFleetRecycle"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/fleet-recycles/{id}/cancel": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Cancel a fleet recycle */
        post: operations["cancelFleetRecycle"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
}
export type webhooks = Record<string, never>;
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
export type $defs = Record<string, never>;
export interface operations {
    getHealth: {
        parameters: {
            query?: never;
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
                content?: never;
            };
        };
    };
    pauseDeployment: {
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
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        deploymentId: string;
                        status: string;
                        message: string;
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
                        deploymentId: string;
                        status: string;
                        message: string;
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
    resumeDeployment: {
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
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        deploymentId: string;
                        status: string;
                        message: string;
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
                        deploymentId: string;
                        status: string;
                        message: string;
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
    cancelDeployment: {
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
                    /** @default false */
                    rollback?: boolean;
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
                        deploymentId: string;
                        status: string;
                        message: string;
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
                        deploymentId: string;
                        status: string;
                        message: string;
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
    approveDeployment: {
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
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        deploymentId: string;
                        status: string;
                        message: string;
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
                        deploymentId: string;
                        status: string;
                        message: string;
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
    retryDeployment: {
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
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        deploymentId: string;
                        status: string;
                        message: string;
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
                        deploymentId: string;
                        status: string;
                        message: string;
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
    createFleetRecycle: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    application: string;
                    environment: string;
                    fromOsVersion?: string;
                    toOsVersion: string;
                    stack?: string;
                    batchSize: number;
                    currentRelease?: string;
                    /** @default 0 */
                    maxFailedBatches?: number;
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
                        status: string;
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
    pauseFleetRecycle: {
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
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        recycleId: string;
                        status: string;
                        message: string;
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
                        recycleId: string;
                        status: string;
                        message: string;
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
    resumeFleetRecycle: {
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
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        recycleId: string;
                        status: string;
                        message: string;
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
                        recycleId: string;
                        status: string;
                        message: string;
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
    cancelFleetRecycle: {
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
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        recycleId: string;
                        status: string;
                        message: string;
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
                        recycleId: string;
                        status: string;
                        message: string;
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
