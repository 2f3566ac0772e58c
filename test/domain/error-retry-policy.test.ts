import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { ApplicationFailureCategory } from '@temporalio/common';
import { describe, expect, it } from 'vitest';
import { toFailure } from '../../src/activities/failures.ts';
import { ChefError } from '../../src/adapters/chef/errors.ts';
import { ERROR_TYPES, type ErrorTypeName, VesemirError } from '../../src/domain/errors.ts';

type Retry = 'retried' | 'not retried' | 'not yet';

// Every error type, with the decision whether an activity that fails with it
// is tried again. Not-found, validation, configuration and authorization
// errors are never retried: the same input fails the same way. "Not yet" is
// retried and BENIGN. A type added to src/domain/errors.ts without a line
// here fails the first test.
const POLICY: Record<ErrorTypeName, Retry> = {
  ArtifactChecksumMismatch: 'not retried',
  ArtifactUnavailable: 'retried',
  RemoteCommandFailed: 'not retried',
  HealthCheckFailed: 'not retried',
  NoHostsFound: 'not retried',
  UnknownApplication: 'not retried',
  NoPreviousRelease: 'not retried',
  AddressNotAllowed: 'not retried',
  DeploymentNotFound: 'not retried',
  ConfigError: 'not retried',
  OutsideApplicationScope: 'not retried',
  InvalidTarget: 'not retried',
  HostKeyMismatch: 'not retried',
  HostKeyUnknown: 'not retried',
  SshConnect: 'retried',
  SshExecTimeout: 'retried',
  SshUpload: 'retried',
  LoadBalancerError: 'retried',
  InvalidHaproxyName: 'not retried',
  UnexpectedHaproxyAnswer: 'retried',
  ConversationEnded: 'retried',
  ChefError: 'retried',
  ChefDataError: 'not retried',
  ChefQuerySyntax: 'not retried',
  UnsupportedPlatform: 'not retried',
  ProvisionerUnavailable: 'retried',
  ProvisionerRejected: 'not retried',
  ProvisioningPending: 'not yet',
  ProvisioningFailed: 'not retried',
  ProvisioningDeadline: 'not retried',
  VmNotRegistered: 'not yet',
  InvalidVmTransition: 'not retried',
  VmNotFound: 'not retried',
  InternalError: 'retried',
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

describe('every error type has a retry decision', () => {
  it('the table and this list name the same types, and every literal type in src/ is one of them', () => {
    expect(Object.keys(POLICY).sort()).toEqual([...ERROR_TYPES].sort());
    const literal = [...literalTypesInSource()];
    expect(literal).toContain('NoPreviousRelease');
    expect(literal.filter((t) => !(t in POLICY))).toEqual([]);
  });

  it('every error class in src/ (but the CLI’s own) is a VesemirError', () => {
    const plain = sourceFiles(SRC)
      .filter((file) => !relative(SRC, file).startsWith('cli/'))
      .flatMap((file) => [...readFileSync(file, 'utf8').matchAll(/class (\w+) extends Error\b/g)].map((m) => `${relative(SRC, file)}: ${m[1]}`));
    expect(plain).toEqual(['api/errors.ts: HttpError', 'domain/errors.ts: VesemirError']);
  });

  it.each(Object.entries(POLICY))('%s is %s', (type, decision) => {
    const err = new VesemirError(type as ErrorTypeName, `a ${type}`);
    const failure = toFailure(err);
    expect(failure.type).toBe(type);
    expect(failure.nonRetryable).toBe(decision === 'not retried');
    expect(failure.category).toBe(decision === 'not yet' ? ApplicationFailureCategory.BENIGN : undefined);
  });

  it('a Chef 4xx says itself that it is not worth another try; a 5xx is retried', () => {
    const chef = (status: number) => new ChefError({ status, method: 'GET', path: '/search/node', body: '' });
    expect(toFailure(chef(400)).nonRetryable).toBe(true);
    expect(toFailure(chef(503)).nonRetryable).toBe(false);
    expect(toFailure(chef(0)).nonRetryable).toBe(false);
  });

  it('an error outside the vocabulary is an InternalError, retried', () => {
    const failure = toFailure(Object.assign(new Error('socket hang up'), { type: 'system' }));
    expect(failure).toMatchObject({ type: 'InternalError', nonRetryable: false, message: 'socket hang up' });
  });
});
