import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { buildWeb } from '../web/build';
import { PingyiStack } from './stacks/pingyi-stack';

/**
 * The CDK app: builds the pages, then defines the stack of one stage (`-c stage=prod`; default `dev`)
 * and checks it with cdk-nag's AWS Solutions rules, whose unacknowledged errors fail the synth.
 */
const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
// Not web/dist: buildWeb empties its folder, and `npm start` may be serving web/dist right now.
const pagesDir = path.join(repoRoot, '.tmp', 'cdk-pages');
await buildWeb(pagesDir);

const app = new App();
const stage = stringContext(app, 'stage') ?? 'dev';

new PingyiStack(app, `Pingyi-${stage}`, {
  stage,
  pagesDir,
  authDomainPrefix: stringContext(app, 'authDomainPrefix'),
  description: `Pingyi (评议) ${stage}: public appraisal of public-service units.`,
  // Environment-agnostic unless the CLI found an account and region: synth needs no credentials.
  env:
    process.env.CDK_DEFAULT_ACCOUNT && process.env.CDK_DEFAULT_REGION
      ? { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION }
      : undefined,
});

Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }));

function stringContext(scope: App, key: string): string | undefined {
  const value: unknown = scope.node.tryGetContext(key);
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value !== 'string') throw new Error(`context ${key} must be a string`);
  return value;
}
