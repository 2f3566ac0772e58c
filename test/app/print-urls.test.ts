import { afterEach, describe, expect, it, vi } from 'vitest';
import { printUrls } from '../../src/app/service.ts';
import { loadConfig } from '../../src/config.ts';

afterEach(() => {
  vi.restoreAllMocks();
});

function capture(): { stdout: string[]; stderr: string[] } {
  const out = { stdout: [] as string[], stderr: [] as string[] };
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => out.stdout.push(String(chunk)) > 0);
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => out.stderr.push(String(chunk)) > 0);
  return out;
}

describe('the banner of npm start and the demo', () => {
  it('goes to stderr, so stdout holds only the JSON log lines', () => {
    const out = capture();
    printUrls(loadConfig({}), 'http://127.0.0.1:8080', 'http://127.0.0.1:8233');
    expect(out.stdout).toEqual([]);
    const text = out.stderr.join('');
    expect(text).toContain('  API          http://127.0.0.1:8080\n');
    expect(text).toContain('  Temporal UI  http://127.0.0.1:8233\n');
    expect(text).toContain('  Logs         JSON lines on stdout\n');
  });

  it('says where the logs go when they go elsewhere', () => {
    const out = capture();
    printUrls(loadConfig({}), 'http://127.0.0.1:8080', undefined, 'JSON lines in .data/demo/vesemir.log');
    expect(out.stderr.join('')).toContain('  Logs         JSON lines in .data/demo/vesemir.log\n');
  });
});
