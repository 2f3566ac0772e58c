import { printUrls, startService } from './service.ts';

/** `npm start` and the container's command: the service of VESEMIR_ROLE until SIGINT/SIGTERM or the worker's end. */
async function main(): Promise<void> {
  const service = await startService(process.env);
  const stop = async () => {
    await service.stop();
    process.exit(0);
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  if (service.config.VESEMIR_ROLE !== 'worker') printUrls(service.config, service.apiUrl, service.uiUrl);
  await service.done;
  await stop();
}

main().catch((err) => {
  process.stderr.write(`vesemir: ${(err as Error).message}\n`);
  process.exit(1);
});
