import { printUrls, type RunningService, startService } from '../src/app/service.ts';
import { runDemoDeploy, startDemoFleet } from './fleet.ts';

/**
 * `bash scripts/demo.sh`: a local fleet from test/fleet, the service on its
 * embedded default configured for it, and one real deploy, printed as it
 * goes. The stack keeps running until Ctrl-C, which stops all of it.
 */
async function main(): Promise<void> {
  const fleet = await startDemoFleet();
  let service: RunningService | undefined;
  const stop = async () => {
    await service?.stop();
    await fleet.stop();
    process.exit(0);
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  service = await startService({ ...fleet.env, ...process.env });
  printUrls(service.config, service.apiUrl, service.uiUrl);
  await runDemoDeploy(service.apiUrl).catch((err) => service?.logger.error({ err }, 'demo deploy failed'));
  process.stdout.write('\nThe stack keeps running: open the URLs above. Ctrl-C stops everything.\n');
  await service.done;
  await stop();
}

main().catch((err) => {
  process.stderr.write(`vesemir demo: ${(err as Error).message}\n`);
  process.exit(1);
});
