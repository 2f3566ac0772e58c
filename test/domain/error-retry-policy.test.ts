import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { toFailure } from '../../src/activities/failures.ts';
import { toVmFailure } from '../../src/activities/vm-activities.ts';
import { VmErrorType } from '../../src/domain/vm-status.ts';

// Every error type the code can raise, with the decision whether an activity
// that fails with it is tried again. Not-found, validation, configuration and
// authorization errors never are: the same input fails the same way. A new
// type in src/ without a line here fails the first test.
const POLICY: Record<string, 'retried' | 'not retried'> = {
  ArtifactChecksumMismatch: 'not retried',
  ArtifactUnavailable: 'retried',
  RemoteCommandFailed: 'not retried',
  HealthCheckFailed: 'not retried',
  HostKeyMismatch: 'not retried',
  HostKeyUnknown: 'not retried',
  SshConnect: 'retried',
  SshExecTimeout: 'retried',
  SshUpload: 'retried',
  LoadBalancerError: 'retried',
  InvalidHaproxyName: 'not retried',
  ChefError: 'retried',
  ChefDataError: 'not retried',
  NoHostsFound: 'not retried',
  UnknownApplication: 'not retried',
  NoPreviousRelease: 'not retried',
  AddressNotAllowed: 'not retried',
  DeploymentNotFound: 'not retried',
  ConfigError: 'not retried',
  TargetError: 'not retried',
  UnsupportedPlatform: 'not retried',
  ProvisionerUnavailable: 'retried',
  ProvisionerRejected: 'not retried',
  ProvisioningPending: 'retried',
  ProvisioningFailed: 'not retried',
  ProvisioningDeadline: 'not retried',
  VmNotRegistered: 'retried',
  InvalidVmTransition: 'not retried',
  VmNotFound: 'not retried',
};

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sourceFiles(path) : path.endsWith('.ts') ? [path] : [];
  });
}

/** `readonly type = 'X'`, the ErrorType / VmErrorType tables, and `ApplicationFailure.nonRetryable(…, 'X')`. */
function typesInSource(): Set<string> {
  const found = new Set<string>();
  for (const file of sourceFiles(new URL('../../src/', import.meta.url).pathname)) {
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(/readonly type = '(\w+)'/g)) found.add(m[1]!);
    for (const m of text.matchAll(/nonRetryable\([^)]*'(\w+)'\)/g)) found.add(m[1]!);
    for (const table of text.matchAll(/export const (?:Vm)?ErrorType = \{([^}]*)\}/g)) {
      for (const m of table[1]!.matchAll(/(\w+): '\w+'/g)) found.add(m[1]!);
    }
  }
  return found;
}

const vmTypes = new Set<string>(Object.values(VmErrorType));

describe('retry policy of every error type', () => {
  it('every error type raised in src/ has a decision here', () => {
    const undecided = [...typesInSource()].filter((t) => !(t in POLICY));
    expect(undecided).toEqual([]);
    expect(typesInSource().size).toBeGreaterThan(20);
  });

  it.each(Object.entries(POLICY))('%s is %s', (type, decision) => {
    const err = Object.assign(new Error(`a ${type}`), { type });
    const failure = vmTypes.has(type) ? toVmFailure(err) : toFailure(err);
    expect(failure.type).toBe(type);
    expect(failure.nonRetryable).toBe(decision === 'not retried');
  });

  it('a Chef 4xx says itself that it is not worth another try; a 5xx is retried', () => {
    const chef = (status: number) => Object.assign(new Error(`HTTP ${status}`), { type: 'ChefError', retryable: status >= 500 });
    expect(toFailure(chef(400)).nonRetryable).toBe(true);
    expect(toFailure(chef(503)).nonRetryable).toBe(false);
  });
});
