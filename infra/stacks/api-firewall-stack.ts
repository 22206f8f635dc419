import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { ApiFirewall } from '../constructs/edge';

/** The region CloudFront takes web ACLs (and certificates) from. */
export const CLOUDFRONT_REGION = 'us-east-1';
/** The output that carries the web ACL's ARN to the stage's stack (read there with Fn::GetStackOutput). */
export const WEB_ACL_ARN_OUTPUT = 'WebAclArn';

export interface ApiFirewallStackProps extends StackProps {
  readonly rateLimitPer5Minutes: number;
}

/**
 * The AWS WAF web ACL of a stage's API distribution, in its own stack because a CloudFront web ACL must
 * live in us-east-1 whatever region the stage is in. Deployed before the stage's stack, which reads the ARN
 * from this stack's output.
 */
export class ApiFirewallStack extends Stack {
  readonly firewall: ApiFirewall;

  constructor(scope: Construct, id: string, props: ApiFirewallStackProps) {
    if (props.env?.region !== CLOUDFRONT_REGION) throw new Error(`${id} must be deployed to ${CLOUDFRONT_REGION}, where CloudFront takes web ACLs from`);
    super(scope, id, props);
    this.firewall = new ApiFirewall(this, 'ApiFirewall', { rateLimitPer5Minutes: props.rateLimitPer5Minutes });
    new CfnOutput(this, WEB_ACL_ARN_OUTPUT, { value: this.firewall.webAcl.attrArn, description: "The API distribution's web ACL." });
  }
}
