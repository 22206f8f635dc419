import * as z from 'zod';

/**
 * What the pages learn from `GET /config.json` at run time, so one build serves every deployment:
 * locally the runtime serves `{ apiBase: '', auth: { kind: 'local' } }`; on AWS the stack writes the
 * API's URL and the Cognito hosted UI's settings.
 */
export const ZWebConfig = z.object({
  /** Prefix of every API path; '' means the pages' own origin. */
  apiBase: z.string(),
  auth: z.discriminatedUnion('kind', [
    z.object({ kind: z.literal('local') }),
    z.object({
      kind: z.literal('cognito'),
      /** The hosted UI's origin, e.g. https://pingyi.auth.ap-east-1.amazoncognito.com */
      domain: z.url(),
      clientId: z.string().min(1),
      /** Must be registered as a callback URL of the app client; normally …/supervisor.html */
      redirectUri: z.url(),
    }),
  ]),
});
export type WebConfig = z.infer<typeof ZWebConfig>;
