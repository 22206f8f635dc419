import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { buildWeb } from '../web/build';
import { addPingyiDeployment } from './stacks/deployment';

/**
 * The CDK app: builds the pages, then defines one stage (`-c stage=prod`; default `dev`) for its deployment
 * profile (`-c profile=aws|china`, or inferred from the region; README "Deploy to AWS") and checks every
 * stack with cdk-nag's AWS Solutions rules, whose unacknowledged errors fail the synth.
 */
const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
// Not web/dist: buildWeb empties its folder, and `npm start` may be serving web/dist right now.
const pagesDir = path.join(repoRoot, '.tmp', 'cdk-pages');
await buildWeb(pagesDir);

const app = new App();
const stage = stringContext(app, 'stage') ?? 'dev';

addPingyiDeployment(app, {
  stage,
  pagesDir,
  // What the CLI found (credentials give the account; AWS_REGION or the profile the region): synth needs neither.
  defaults: { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION },
});

Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }));

function stringContext(scope: App, key: string): string | undefined {
  const value: unknown = scope.node.tryGetContext(key);
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value !== 'string') throw new Error(`context ${key} must be a string`);
  return value;
}
