import { Fn } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { ApiFirewallStack, CLOUDFRONT_REGION, WEB_ACL_ARN_OUTPUT } from './api-firewall-stack';
import { PingyiStack } from './pingyi-stack';
import { stackName } from './stack-name';
import { deploymentSettings, type DeploymentSettings } from './stage';

export interface PingyiDeploymentProps {
  /** `dev`, `prod`, or any short name for a disposable copy. */
  readonly stage: string;
  /** The built pages (web/build.ts output). */
  readonly pagesDir: string;
  /** What the CLI found: `CDK_DEFAULT_ACCOUNT` and `CDK_DEFAULT_REGION`, when it found them. */
  readonly defaults?: { readonly account?: string; readonly region?: string };
}

export interface PingyiDeployment {
  readonly settings: DeploymentSettings;
  readonly stack: PingyiStack;
  /** The us-east-1 stack with the API's web ACL, where the profile has an API edge. */
  readonly firewall?: ApiFirewallStack;
}

/**
 * One stage of Pingyi as `cdk deploy` deploys it, read from the app's context (stage.ts
 * `deploymentSettings`): the stage's stack `Pingyi-<stage>` and, on the aws profile, the stack
 * `Pingyi-<stage>-firewall` in us-east-1 with the web ACL of the API's CloudFront distribution.
 *
 * The web ACL's ARN crosses regions through CloudFormation's `Fn::GetStackOutput` (the weak cross-stack
 * reference of aws-cdk-lib 2.276, which cdk.json already makes the default), written out here because the
 * stage's stack may be environment-agnostic, and CDK's automatic cross-region references need a region known
 * at synth on both sides. No SSM parameters or custom resources are involved, and the firewall stack can be
 * replaced without a deadly embrace; the stage's stack depends on it, so `cdk deploy --all` deploys it first.
 */
export function addPingyiDeployment(scope: Construct, props: PingyiDeploymentProps): PingyiDeployment {
  const settings = deploymentSettings((key) => scope.node.tryGetContext(key), { region: props.defaults?.region });
  const account = props.defaults?.account;
  const id = stackName(props.stage);
  const firewall = settings.edge
    ? new ApiFirewallStack(scope, `${id}-firewall`, {
        rateLimitPer5Minutes: settings.edge.rateLimitPer5Minutes,
        env: { ...(account ? { account } : {}), region: CLOUDFRONT_REGION },
        description: `Pingyi (评议) ${props.stage}: the web ACL of the API's CloudFront distribution (CloudFront takes web ACLs from ${CLOUDFRONT_REGION}).`,
      })
    : undefined;
  const stack = new PingyiStack(scope, id, {
    stage: props.stage,
    pagesDir: props.pagesDir,
    deployment: settings,
    ...(firewall ? { webAclArn: Fn.getStackOutput(firewall.stackName, WEB_ACL_ARN_OUTPUT, CLOUDFRONT_REGION) } : {}),
    description: `Pingyi (评议) ${props.stage}: public appraisal of public-service units.`,
    env: stackEnv(settings, scope.node.tryGetContext('region') !== undefined, account),
  });
  if (firewall) stack.addStackDependency(firewall, 'the API distribution reads the web ACL ARN from its output');
  return { settings, stack, firewall };
}

/**
 * The stage stack's environment: agnostic (synth needs no credentials) unless the region is asked for with
 * `-c region`, the CLI knows both account and region (a deploy), or the profile is china, whose partition
 * decides what is built. The CLI's region alone is not enough: it falls back to us-east-1 when nothing
 * names one.
 */
function stackEnv(settings: DeploymentSettings, regionGiven: boolean, account: string | undefined) {
  if (!settings.region || !(regionGiven || account || settings.profile === 'china')) return undefined;
  return { ...(account ? { account } : {}), region: settings.region };
}
