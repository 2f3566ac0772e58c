import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger, stepLogger, withLogFields } from '../../src/logger.ts';

function captured() {
  const raw: string[] = [];
  const logger = createLogger(
    'info',
    { role: 'test' },
    new Writable({
      write: (chunk, _e, cb) => {
        raw.push(String(chunk));
        cb();
      },
    }),
  );
  return { logger, raw, lines: () => raw.map((l) => JSON.parse(l) as Record<string, unknown>) };
}

describe('log context', () => {
  it('adds the fields of the surrounding context to every line, across awaits, and nothing outside it', async () => {
    const { logger, lines } = captured();
    await withLogFields({ deploymentId: 'd-1', host: 'shop-1', step: 'drain' }, async () => {
      await new Promise((r) => setTimeout(r, 1));
      logger.info({ lb: 'lb-1' }, 'drained');
      await withLogFields({ step: 'activate' }, async () => logger.child({ component: 'ssh' }).info('ran'));
    });
    logger.info('after');
    expect(lines()).toEqual([
      expect.objectContaining({ msg: 'drained', lb: 'lb-1', deploymentId: 'd-1', host: 'shop-1', step: 'drain', service: 'vesemir', role: 'test' }),
      expect.objectContaining({ msg: 'ran', component: 'ssh', deploymentId: 'd-1', host: 'shop-1', step: 'activate' }),
      expect.not.objectContaining({ deploymentId: expect.anything() }),
    ]);
  });

  it('never writes a key twice when a child or the line already carries it', () => {
    const { logger, raw } = captured();
    withLogFields({ deploymentId: 'd-1', host: 'shop-1', step: 'stage' }, () => {
      stepLogger(logger, { deploymentId: 'd-1', host: 'shop-1', step: 'stage' }).info('child');
      logger.info({ host: 'other' }, 'explicit');
    });
    for (const line of raw) {
      for (const key of ['deploymentId', 'host', 'step']) expect(line.split(`"${key}":`).length, line).toBeLessThanOrEqual(2);
    }
    expect(JSON.parse(raw[1]!)).toMatchObject({ host: 'other', deploymentId: 'd-1' });
  });
});
