/** The deployed version: set by CDK and the local runtime from package.json; `dev` when run otherwise. */
export const VERSION = process.env.PINGYI_VERSION ?? 'dev';
