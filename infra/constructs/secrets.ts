import { type RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { SECRETS, type SecretDefinition, type SecretKey } from '../../functions/store/secrets';

/** A created secret together with the definition it came from, ready for `ApiFunction.bindSecret`. */
export interface BoundSecret {
  readonly key: SecretKey;
  readonly definition: SecretDefinition;
  readonly secret: secretsmanager.Secret;
}

/** How each secret of store/secrets.ts gets its first value, and why Secrets Manager does not rotate it. */
interface SecretSpec {
  readonly description: string;
  readonly generate: secretsmanager.SecretStringGenerator;
  /** The reason given to cdk-nag for having no Secrets Manager rotation (AwsSolutions-SMG4). */
  readonly noRotationReason: string;
}

/**
 * Typed by SecretKey, so a secret added to store/secrets.ts fails the build here until it says how it is made.
 *
 * The ballot keys are a ring (domain/evaluation/ballot-token.ts `keyRingOf`) in flat JSON, so Secrets
 * Manager itself can generate the first key: `{"current":"k1","k1":"<48 letters and digits>"}`. Nobody sees
 * or copies a key at deploy time.
 */
const SPECS: Record<SecretKey, SecretSpec> = {
  ballotKeys: {
    description: 'Ballot-token keys (invitation and service-record links): a ring rotated by `npm run ballot-keys`',
    generate: {
      secretStringTemplate: JSON.stringify({ current: 'k1' }),
      generateStringKey: 'k1',
      passwordLength: 48,
      excludePunctuation: true,
      includeSpace: false,
    },
    noRotationReason:
      'The ballot keys are a ring, rotated by `npm run ballot-keys` (README "Rotate the ballot keys"): a new key signs ' +
      'while the older ones keep verifying the links already handed out until they are retired. Secrets Manager ' +
      'rotation replaces a single value, which would invalidate every printed invitation at once.',
  },
};

export interface SecretsProps {
  /** Kept in prod (losing the ballot keys voids every link handed out); removed with a test stage. */
  readonly removalPolicy: RemovalPolicy;
}

/**
 * Every secret of functions/store/secrets.ts, one Secrets Manager secret each per stage, encrypted with the
 * account's AWS-managed key for Secrets Manager. Functions get one only through `ApiFunction.bindSecret`,
 * which grants GetSecretValue on it and sets its env var to its ARN together.
 */
export class Secrets extends Construct {
  private readonly byKey: Record<SecretKey, BoundSecret>;

  constructor(scope: Construct, id: string, props: SecretsProps) {
    super(scope, id);
    const entries = (Object.entries(SECRETS) as [SecretKey, SecretDefinition][]).map(([key, definition]) => {
      const spec = SPECS[key];
      const secret = new secretsmanager.Secret(this, definition.id, {
        description: spec.description,
        generateSecretString: spec.generate,
        removalPolicy: props.removalPolicy,
      });
      Validations.of(secret).acknowledge({ id: 'AwsSolutions-SMG4', reason: spec.noRotationReason });
      return [key, { key, definition, secret }] as const;
    });
    this.byKey = Object.fromEntries(entries) as Record<SecretKey, BoundSecret>;
  }

  /** The secret for a key of SECRETS. */
  get(key: SecretKey): BoundSecret {
    return this.byKey[key];
  }

  /** Every secret, in SECRETS order. */
  all(): BoundSecret[] {
    return Object.values(this.byKey);
  }
}
