import { appendFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { hashToken, loadTokens } from '../../src/api/auth.ts';
import { DEFAULT_PROVISIONING_SECTION } from '../../src/domain/provisioning-catalog.ts';
import { type Fleet, startFleet } from '../fleet/fleet.ts';
import { type ProctorRunner, startProctorRunner } from '../fleet/proctor-runner.ts';
import { startVesemir, type Vesemir } from '../support/vesemir.ts';

export interface ContractServer {
  /** http://127.0.0.1:PORT, the API listening for real (Schemathesis is another process). */
  url: string;
  /** The payments team's bearer token: auth is on. */
  token: string;
  fleet: Fleet;
  close(): Promise<void>;
}

/**
 * The whole service as it runs: auth on, Chef and HAProxy of a one-VM fleet,
 * a worker, and a Proctor-compatible runner whose jobs succeed without booting
 * a VM (requests the fuzzer gets accepted must not spawn sshd after sshd).
 */
export async function startContractServer(): Promise<ContractServer> {
  const fleet = await startFleet({ vms: 1 });
  let runner: ProctorRunner | undefined;
  let v: Vesemir | undefined;
  try {
    runner = await startProctorRunner({ chef: fleet.chef.admin, createVm: async () => ({ address: '127.0.0.1' }), defaultDelayMs: 50 });
    appendFileSync(
      fleet.env.VESEMIR_APPS_FILE!,
      stringify({ provisioning: { ...DEFAULT_PROVISIONING_SECTION, poll: { initialSeconds: 0.2, maxSeconds: 1 } } }),
    );
    const proctorToken = join(fleet.dir, 'proctor-token');
    writeFileSync(proctorToken, runner.credentials.accessToken, { mode: 0o600 });
    const token = 'contract-payments-token';
    const tokensFile = join(fleet.dir, 'tokens.yaml');
    writeFileSync(tokensFile, stringify({ tokens: [{ name: 'payments-ci', team: fleet.app.team, sha256: hashToken(token) }] }));
    v = await startVesemir(
      fleet,
      { PROCTOR_URL: runner.url, PROCTOR_EMAIL_ID: runner.credentials.emailId, PROCTOR_ACCESS_TOKEN_PATH: proctorToken },
      { tokens: loadTokens(tokensFile) },
    );
    await v.startWorker();
    const url = await v.api.listen({ host: '127.0.0.1', port: 0 });
    const started = { v, runner };
    return {
      url,
      token,
      fleet,
      async close() {
        await started.v.close();
        await started.runner.stop();
        await fleet.stop();
      },
    };
  } catch (err) {
    await v?.close();
    await runner?.stop();
    await fleet.stop();
    throw err;
  }
}
