import { z } from 'zod';
import { chefQuery, chefTag, expects, haproxyName, httpPath, sha256, slug, version } from './names.ts';

const hostCount = z.number(expects('a number 1..500')).int().min(1).max(500);
const percent = z.string(expects('a percentage like "50%"')).regex(/^(100|[1-9][0-9]?)%$/, 'must be a percentage like "50%"');
const RAMP = 'a ramp like [1, 2, "50%"] (1-20 batch sizes, each 1..500 hosts or a percentage)';

/** The body of `POST /v1/deployments`, validated before anything starts. */
export const deployRequestSchema = z
  .object({
    application: slug,
    environment: slug,
    team: slug,
    version,
    artifact: z.strictObject(
      {
        url: z.url({ protocol: /^https?$/, ...expects('an http(s) URL of the release archive') }),
        sha256,
      },
      expects('{ url, sha256 }: where to download the release archive and its SHA-256'),
    ),
    /** Narrows the application's Chef scope (from the server's applications file); never widens it. */
    chef: z
      .strictObject(
        {
          /** Extra tags every host must also have. @default none: the application's scope tags */
          tags: z.array(chefTag, expects('a list of Chef tags')).max(16, 'at most 16 tags').optional(),
          /** Extra search terms, ANDed: `field:value`, `field:"phrase"`, `*`/`?` in values, AND / OR / NOT, parentheses. */
          query: chefQuery.optional(),
        },
        expects("{ tags?, query? }: how to narrow the application's hosts"),
      )
      .prefault({}),
    haproxy: z
      .strictObject(
        {
          /** One of the application's backends. @default the application's first backend */
          backend: haproxyName.optional(),
          /** Extra tags every LB box must also have. @default none: the application's LB scope */
          chefTags: z.array(chefTag, expects('a list of Chef tags')).max(16, 'at most 16 tags').optional(),
          /**
           * The weight a host gets back first, before the degradation time, as a
           * percent of the weight its server had before the deploy (its configured
           * weight if that was 0) on each LB box: 10 on weight 100 is 10, on 256 is
           * 25. A percent that rounds down to 0 (10 on HAProxy's default weight 1)
           * becomes 1, never 0, and the step record says so. @default 10
           */
          weight: z
            .number(expects('a percent 1..100'))
            .int()
            .min(1)
            .max(100)
            .default(10)
            .describe(
              "Percent of each server's weight before the deploy (its configured weight if that was 0) that a host gets back first; " +
                'the absolute weight is rounded down but never 0 (raised to 1, noted in the step record).',
            ),
          /** Seconds at reduced weight before 100%. @default 0 */
          degradationSeconds: z.number(expects('seconds 0..3600')).int().min(0).max(3600).default(0),
        },
        expects('{ backend?, chefTags?, weight?, degradationSeconds? }'),
      )
      .prefault({}),
    /** Hosts deployed at the same time, or a ramp of batch sizes such as `[1, 2, "50%"]`. */
    concurrency: z.union(
      [
        hostCount,
        z
          .array(z.union([hostCount, percent]), expects(RAMP))
          .min(1)
          .max(20),
      ],
      expects(`a number 1..500 or ${RAMP}`),
    ),
    /** The first `hosts` go alone, then the deploy waits for `approve` or `bakeSeconds`. */
    canary: z
      .object({
        hosts: z.number(expects('a number of hosts 1..100')).int().min(1).max(100),
        requireApproval: z.boolean().default(false),
        bakeSeconds: z.number(expects('seconds 0..86400')).int().min(0).max(86_400).default(0),
      })
      .strict()
      .optional(),
    /** When the failure budget is spent, roll back the hosts already on the new version. @default false */
    autoRollback: z.boolean().optional(),
    /** Failed hosts tolerated before no new host starts. @default 0 */
    maxFailedHosts: z.number(expects('a number of hosts, 0 or more')).int().min(0).default(0),
    healthCheck: z.strictObject(
      {
        port: z.number(expects('a port 1..65535')).int().min(1).max(65535),
        path: httpPath.default('/health'),
        /** How long a restarted host may take to become healthy. @default 60 */
        timeoutSeconds: z.number(expects('seconds 1..1800')).int().min(1).max(1800).default(60),
      },
      expects('{ port, path?, timeoutSeconds? }: where a restarted host answers when it is healthy'),
    ),
    /**
     * Deploy the release to hosts found in MAINT or DRAIN on any LB box too
     * (no drain, no enable: their HAProxy state is left as found); otherwise
     * such hosts are SKIPPED, untouched. @default false
     */
    includeHostsInMaintenance: z.boolean().default(false),
    /** Wait behind a running deploy of the same application/environment (true) or be refused (false). @default true */
    queue: z.boolean().default(true),
  })
  .strict()
  .meta({
    example: {
      application: 'shop',
      environment: 'production',
      team: 'payments',
      version: '1.4.2',
      artifact: { url: 'https://artifacts.example.com/shop/shop-1.4.2.tar.gz', sha256: 'c0ffee'.padEnd(64, '0') },
      haproxy: { weight: 10, degradationSeconds: 30 },
      concurrency: [1, 2, '50%'],
      healthCheck: { port: 8080, path: '/health' },
    },
  });

export type DeployRequest = z.infer<typeof deployRequestSchema>;
export type DeployRequestInput = z.input<typeof deployRequestSchema>;

/** Formats zod issues as `field.path: message` lines for 400 answers. */
export function describeIssues(error: z.ZodError): { field: string; message: string }[] {
  return error.issues.map((i) => ({ field: i.path.join('.') || '(body)', message: i.message }));
}
