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
}

export const BUCKETS = {
  /** Raw response exports (domain/evaluation/response-export.ts), handed out as short-lived links. */
  exports: { id: 'Exports', envVar: 'EXPORTS_BUCKET', localDir: 'exports', expiryDays: 1 },
} as const satisfies Record<string, BucketDefinition>;

export type BucketKey = keyof typeof BUCKETS;

/**
 * How a function uses a bucket; CDK grants exactly this. `export` writes new objects (multipart uploads
 * included) and reads them back only through the presigned links it signs: PutObject, AbortMultipartUpload
 * and GetObject, never List or Delete.
 */
export type BucketAccess = 'export';
