import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { API_TYPES_DIR, GENERATE_COMMAND, generateApiTypes, MAX_LINES } from '../../scripts/generate-client.ts';

// src/client/api-types/ is generated from the document the server serves at
// /docs/json: a route or schema changed without regenerating fails here.

let fresh: Map<string, string>;
beforeAll(async () => {
  fresh = await generateApiTypes();
});

describe('the generated API types', () => {
  it('match the OpenAPI document the server serves, file by file, with no file left over', () => {
    const stale = `src/client/api-types/ is stale: run \`${GENERATE_COMMAND}\` and commit it`;
    expect(readdirSync(API_TYPES_DIR).sort(), stale).toEqual([...fresh.keys()].sort());
    for (const [file, text] of fresh) expect(readFileSync(join(API_TYPES_DIR, file), 'utf8'), `${stale} (${file})`).toBe(text);
  });

  it(`come in files of at most ${MAX_LINES} lines, put together by index.ts`, () => {
    expect([...fresh.keys()]).toEqual(expect.arrayContaining(['index.ts', 'components.ts']));
    for (const [file, text] of fresh) expect(text.split('\n').length - 1, file).toBeLessThanOrEqual(MAX_LINES);
  });
});
