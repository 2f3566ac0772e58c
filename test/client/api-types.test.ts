import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { API_TYPES_PATH, GENERATE_COMMAND, generateApiTypes } from '../../scripts/generate-client.ts';

// src/client/api-types.ts is generated from the document the server serves at
// /docs/json: a route or schema changed without regenerating fails here.

describe('the generated API types', () => {
  it('match the OpenAPI document the server serves', async () => {
    const committed = readFileSync(API_TYPES_PATH, 'utf8');
    const fresh = await generateApiTypes();
    expect(committed, `src/client/api-types.ts is stale: run \`${GENERATE_COMMAND}\` and commit it`).toBe(fresh);
  });
});
