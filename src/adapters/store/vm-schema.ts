/**
 * The VM inventory's tables, for the migrations list (one statement per
 * entry: both drivers take a single statement at a time). Same database as
 * the deployments.
 */
export const VM_SCHEMA_STATEMENTS: readonly string[] = [
  `CREATE TABLE vm_requests (
    id text PRIMARY KEY,
    workflow_id text NOT NULL,
    application text NOT NULL,
    environment text NOT NULL,
    team text NOT NULL,
    stack text NOT NULL,
    os_version text NOT NULL,
    machine_type text NOT NULL,
    count integer NOT NULL,
    requested_by text NOT NULL,
    created_at timestamptz NOT NULL
  )`,
  // One counter per name prefix; it only ever grows, so no name is handed out twice.
  `CREATE TABLE vm_name_sequences (
    prefix text PRIMARY KEY,
    last_sequence integer NOT NULL
  )`,
  `CREATE TABLE vms (
    name text PRIMARY KEY,
    request_id text NOT NULL REFERENCES vm_requests (id),
    application text NOT NULL,
    environment text NOT NULL,
    team text NOT NULL,
    stack text NOT NULL,
    os_version text NOT NULL,
    machine_type text NOT NULL,
    sequence integer NOT NULL,
    status text NOT NULL,
    address text,
    job_name text,
    error text,
    created_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL
  )`,
  'CREATE INDEX vms_app_env_idx ON vms (application, environment)',
  'CREATE INDEX vms_request_idx ON vms (request_id, sequence)',
  `CREATE TABLE vm_transitions (
    vm_name text NOT NULL REFERENCES vms (name) ON DELETE CASCADE,
    position integer NOT NULL,
    from_status text,
    to_status text NOT NULL,
    at timestamptz NOT NULL,
    reason text,
    PRIMARY KEY (vm_name, position)
  )`,
];

/** Migration 5: what a VM's retries have met so far, shown while they go on. */
export const VM_ATTEMPT_STATEMENTS: readonly string[] = [
  'ALTER TABLE vms ADD COLUMN attempts integer NOT NULL DEFAULT 0',
  'ALTER TABLE vms ADD COLUMN last_error text',
];

/**
 * Migration 8: decommissioning. The statuses are plain text, so the two new
 * ones need no change of the table; the inventory's question "how many live
 * VMs does app X run in env Y" now filters by status, which this index serves.
 */
export const VM_DECOMMISSION_STATEMENTS: readonly string[] = ['CREATE INDEX vms_app_env_status_idx ON vms (application, environment, status)'];
