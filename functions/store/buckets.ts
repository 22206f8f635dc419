/**
 * The S3 buckets functions write to, defined once like the tables (tables.ts) and secrets (secrets.ts):
 * CDK creates each (private, encrypted, SSL only, objects expiring) and grants it to the functions whose
 * route names it, setting the env var named here to the bucket's name; the local runtime sets the same env
 * var to `file:<folder under .local/>`, and the store (store/exports/export-store.ts) writes there instead.
 */
export interface BucketDefinition {
  /** CDK construct id. */
  readonly id: string;
  /** The env var that carries the bucket's name (on AWS) or `file:<absolute folder>` (locally). */
  readonly envVar: string;
  /** The folder under `.local/` the local runtime keeps the objects in. */
  readonly localDir: string;
  /** Objects are deleted this many days after they were written (S3 lifecycle; locally on the next write). */
  readonly expiryDays: number;
  /** Browsers PUT objects straight into it through presigned URLs (CORS allows PUT with a Content-Type and tagging). */
  readonly browserUploads?: boolean;
  /**
   * Objects tagged `pending=true` (uploaded, not yet claimed) are deleted this many days after they were
   * written; claiming one removes the tag, and `expiryDays` applies.
   */
  readonly pendingExpiryDays?: number;
  /**
   * Not a bucket of its own but a prefix of the site's pages bucket (infra/constructs/site.ts), which CloudFront
   * serves at `/<prefix>`: files functions publish for everyone to read (the disclosure page's JSON). The pages'
   * deployment leaves the prefix alone (no prune), and a grant covers the prefix only. No lifecycle applies.
   * A function that may delete them (`publish`) also gets the site distribution's id in `distributionEnvVar`
   * and may invalidate its cache: a deleted file (a withdrawn disclosure) must not stay reachable at its URL
   * through CloudFront's copy, which is cached for a year.
   */
  readonly site?: { readonly prefix: string; readonly distributionEnvVar: string };
}

export const BUCKETS = {
  /** Raw response exports (domain/evaluation/response-export.ts), handed out as short-lived links. */
  exports: { id: 'Exports', envVar: 'EXPORTS_BUCKET', localDir: 'exports', expiryDays: 1 },
  /**
   * Citizens' attachments to cases (domain/cases/attachments.ts), uploaded by the browser through presigned
   * PUTs (tagged `pending=true`) and read by staff through presigned GETs. An upload no case claimed is gone
   * after a day; the intake removes the tag of the files it files. Cases have no end of life yet, so a
   * claimed file is kept as long as a case's contact details at most (CONTACT_MAX_RETENTION_DAYS, 3 years).
   */
  attachments: { id: 'Attachments', envVar: 'ATTACHMENTS_BUCKET', localDir: 'attachments', expiryDays: 3 * 365, pendingExpiryDays: 1, browserUploads: true },
  /**
   * What the public disclosure page reads (domain/disclosure/public-document.ts): the site bucket's `public/`
   * prefix on AWS, served at `/public/…` by CloudFront; `.local/public/` under `npm start`, served at the same
   * URLs. Published files stay until withdrawn (never expire).
   */
  publications: { id: 'Publications', envVar: 'PUBLICATIONS_BUCKET', localDir: 'public', expiryDays: Number.POSITIVE_INFINITY, site: { prefix: 'public/', distributionEnvVar: 'PUBLICATIONS_DISTRIBUTION_ID' } },
} as const satisfies Record<string, BucketDefinition>;

export type BucketKey = keyof typeof BUCKETS;

/**
 * How a function uses a bucket; CDK grants exactly this. `export` writes new objects (multipart uploads
 * included) and reads them back only through the presigned links it signs: PutObject, AbortMultipartUpload
 * and GetObject, never List or Delete. `upload` signs upload URLs only: PutObject. `read` checks and
 * signs download links of objects: GetObject (which HeadObject needs too). `attach` checks uploads and
 * claims them: GetObject and PutObjectTagging (removing the `pending` tag). None of those may List or Delete.
 * `publish` writes and deletes the public files of a site prefix (PutObject, DeleteObject): a withdrawn
 * disclosure's file is deleted, and its copy in the site distribution's cache invalidated (CreateInvalidation).
 */
export type BucketAccess = 'export' | 'upload' | 'read' | 'attach' | 'publish';
