/**
 * Where the public disclosure files live and how they are cached: one definition read by the publisher
 * (public-document.ts, store/disclosure/public-files.ts), the local server and the public page, which must not
 * bundle the schemas to know a path.
 */

/** Where the public root is served on the site: `/public/disclosure/index.json`. */
export const PUBLIC_URL_PREFIX = '/public/';
/** The folder of the disclosure files under the public root. */
export const PUBLIC_DISCLOSURE_DIR = 'disclosure';
/** The index of the publications on the page, relative to the public root. */
export const PUBLIC_INDEX_FILE = `${PUBLIC_DISCLOSURE_DIR}/index.json`;
/** The file of one publication, relative to the public root. */
export const publicationFile = (publicationId: string) => `${PUBLIC_DISCLOSURE_DIR}/${publicationId}.json`;

/**
 * The Cache-Control of a public file, for CloudFront and browsers: the index changes with every publication and
 * withdrawal, so it is cached a minute; every other file (a publication, a commitment's files) is named by its
 * publication id, never rewritten, and cached for a year.
 */
export function publicCacheControl(path: string): string {
  return path === PUBLIC_INDEX_FILE ? 'public, max-age=60' : 'public, max-age=31536000, immutable';
}
