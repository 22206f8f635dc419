/**
 * The Content-Security-Policy the pages are served with, in one place: CloudFront sends it on AWS
 * (infra/constructs/site.ts) and the local runtime sends it under `npm start` and the browser tests, so a
 * page that breaks it (an inline script, a call to an origin it does not name) fails locally first.
 */
export function contentSecurityPolicy(origins: {
  /** Where the pages may call the API, besides their own origin. */
  api?: string;
  /** The staff sign-in (Cognito's hosted UI, or an OIDC issuer's endpoints), for the redirect and the token exchange. */
  signIn?: string | readonly string[];
  /** Where a complaint's attachments are uploaded to (S3's presigned PUT), besides the page's own origin. */
  uploads?: string;
}): string {
  const signIn = typeof origins.signIn === 'string' ? [origins.signIn] : (origins.signIn ?? []);
  const extra = (...values: (string | undefined)[]) => [...new Set(values.filter(Boolean))].map((v) => ` ${v}`).join('');
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    `connect-src 'self'${extra(origins.api, origins.uploads, ...signIn)}`,
    `form-action 'self'${extra(...signIn)}`,
    "frame-ancestors 'none'",
    "base-uri 'self'",
    "object-src 'none'",
  ].join('; ');
}
