import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { ApplicationFailureCategory } from '@temporalio/common';
import { describe, expect, it } from 'vitest';
import { toFailure } from '../../src/activities/failures.ts';
import { ChefError } from '../../src/adapters/chef/errors.ts';
import { httpAnswer } from '../../src/api/errors.ts';
import { ERROR_TYPES, type ErrorTypeName, VesemirError } from '../../src/domain/errors.ts';

type Retry = 'retried' | 'not retried' | 'not yet';

// Every error type, with the decision whether an activity that fails with it
// is tried again and the status the API answers it with. Not-found,
// validation, configuration and authorization errors are never retried: the
// same input fails the same way. "Not yet" is retried and BENIGN. 500 is a
// fault of ours. A type added to src/domain/errors.ts without a line here
// fails the first test.
const POLICY: Record<ErrorTypeName, [Retry, number]> = {
  ArtifactChecksumMismatch: ['not retried', 500],
  ArtifactUnavailable: ['retried', 500],
  RemoteCommandFailed: ['not retried', 500],
  HealthCheckFailed: ['not retried', 500],
  NoHostsFound: ['not retried', 500],
  UnknownApplication: ['not retried', 422],
  NoPreviousRelease: ['not retried', 500],
  AddressNotAllowed: ['not retried', 500],
  DeploymentNotFound: ['not retried', 404],
  ConfigError: ['not retried', 500],
  OutsideApplicationScope: ['not retried', 403],
  InvalidTarget: ['not retried', 422],
  BadRequest: ['not retried', 400],
  HostKeyMismatch: ['not retried', 500],
  HostKeyUnknown: ['not retried', 500],
  SshConnect: ['retried', 500],
  SshExecTimeout: ['retried', 500],
  SshUpload: ['retried', 500],
  LoadBalancerError: ['retried', 500],
  InvalidHaproxyName: ['not retried', 500],
  UnexpectedHaproxyAnswer: ['retried', 500],
  ConversationEnded: ['retried', 500],
  HaproxyServerConflict: ['not retried', 500],
  ChefError: ['retried', 500],
  ChefDataError: ['not retried', 500],
  ChefQuerySyntax: ['not retried', 500],
  ChefQueryRejected: ['not retried', 422],
  ChefUnavailable: ['not retried', 503],
  UnsupportedPlatform: ['not retried', 422],
  UnsupportedMachineType: ['not retried', 422],
  VmNameTooLong: ['not retried', 422],
  ProvisioningNotConfigured: ['not retried', 503],
  ProvisionerUnavailable: ['retried', 500],
  ProvisionerRejected: ['not retried', 500],
  ProvisioningPending: ['not yet', 500],
  ProvisioningFailed: ['not retried', 500],
  ProvisioningDeadline: ['not retried', 500],
  VmNotRegistered: ['not yet', 500],
  InvalidVmTransition: ['not retried', 500],
  VmNotFound: ['not retried', 404],
  DecommissionFailed: ['not retried', 500],
  VmStillProvisioning: ['not retried', 409],
  NotFound: ['not retried', 404],
  Forbidden: ['not retried', 403],
  WrongTeam: ['not retried', 403],
  IdempotencyKeyReused: ['not retried', 422],
  DeploymentInProgress: ['retried', 409],
  DeploymentFinished: ['not retried', 409],
  ControlRejected: ['not retried', 409],
  NothingToRetry: ['not retried', 409],
  RollbackNotPossible: ['not retried', 409],
  AlreadyRolledBack: ['not retried', 409],
  LaterDeployRan: ['not retried', 409],
  NothingToRecycle: ['not retried', 409],
  NoCurrentRelease: ['not retried', 409],
  RecycleBatchFailed: ['not retried', 500],
  TemporalUnavailable: ['retried', 503],
  InternalError: ['retried', 500],
};

const SRC = new URL('../../src/', import.meta.url).pathname;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sourceFiles(path) : path.endsWith('.ts') ? [path] : [];
  });
}

/** Types written as literals outside the table: `readonly type = 'X'`, `ApplicationFailure.nonRetryable(…, 'X')`. */
function literalTypesInSource(): Set<string> {
  const found = new Set<string>();
  for (const file of sourceFiles(SRC)) {
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(/readonly type = '(\w+)'/g)) found.add(m[1]!);
    for (const m of text.matchAll(/nonRetryable\([^)]*'(\w+)'\)/g)) found.add(m[1]!);
  }
  return found;
}

describe('every error type has a retry decision and an HTTP status', () => {
  it('the table and this list name the same types, and every literal type in src/ is one of them', () => {
    expect(Object.keys(POLICY).sort()).toEqual([...ERROR_TYPES].sort());
    const literal = [...literalTypesInSource()];
    expect(literal).toContain('NoPreviousRelease');
    expect(literal.filter((t) => !(t in POLICY))).toEqual([]);
  });

  // The CLI and the typed client run on the user's side: their errors describe an answer, not a failure of ours.
  it('every error class in src/ (but the CLI’s and the client’s own) is a VesemirError', () => {
    const plain = sourceFiles(SRC)
      .filter((file) => !/^(cli|client)\//.test(relative(SRC, file)))
      .flatMap((file) => [...readFileSync(file, 'utf8').matchAll(/class (\w+) extends Error\b/g)].map((m) => `${relative(SRC, file)}: ${m[1]}`));
    expect(plain).toEqual(['domain/errors.ts: VesemirError']);
  });

  it.each(Object.entries(POLICY))('%s is %j', (type, [decision, status]) => {
    const err = new VesemirError(type as ErrorTypeName, `a ${type}`, { field: 'f' });
    const failure = toFailure(err);
    expect(failure.type).toBe(type);
    expect(failure.nonRetryable).toBe(decision === 'not retried');
    expect(failure.category).toBe(decision === 'not yet' ? ApplicationFailureCategory.BENIGN : undefined);
    const answer = httpAnswer(err);
    expect(answer.status).toBe(status);
    expect(answer.body.error).toBe(status === 500 ? 'Internal' : type);
    if (status !== 500) expect(answer.body).toMatchObject({ message: `a ${type}`, field: 'f' });
  });

  it('a Chef 4xx says itself that it is not worth another try; a 5xx is retried', () => {
    const chef = (status: number) => new ChefError({ status, method: 'GET', path: '/search/node', body: '' });
    expect(toFailure(chef(400)).nonRetryable).toBe(true);
    expect(toFailure(chef(503)).nonRetryable).toBe(false);
    expect(toFailure(chef(0)).nonRetryable).toBe(false);
  });

  it('an error outside the vocabulary is an InternalError: retried, and a 500 that says nothing', () => {
    const failure = toFailure(Object.assign(new Error('socket hang up'), { type: 'system' }));
    expect(failure).toMatchObject({ type: 'InternalError', nonRetryable: false, message: 'socket hang up' });
    expect(httpAnswer(new Error('secret detail'))).toEqual({
      status: 500,
      body: { error: 'Internal', message: 'internal error; see the server log', docs: 'docs/runbook.md#internalerror' },
    });
  });
});
