/**
 * The name of a stage's stack, `Pingyi-<stage>`: what `npx cdk deploy -c stage=<stage>` deploys
 * (deployment.ts) and where the operator commands (infra/ops/) find its outputs. Kept apart from the
 * constructs so that a command line loads no CDK.
 */
export const stackName = (stage: string) => `Pingyi-${stage}`;
