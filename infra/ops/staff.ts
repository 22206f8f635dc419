/**
 * Staff accounts in the deployed Cognito user pool — the logic behind `npm run staff` (staff-cli.ts parses
 * the arguments and makes the real clients). Every function takes the SDK clients it needs and reports
 * each action as one line through `print`, so tests drive it with mocked clients. Nothing here prints a
 * password or a token: Cognito e-mails the temporary password itself.
 */
import { CloudFormationServiceException, DescribeStacksCommand, type CloudFormationClient } from '@aws-sdk/client-cloudformation';
import {
  AdminAddUserToGroupCommand,
  AdminCreateUserCommand,
  AdminDisableUserCommand,
  AdminUserGlobalSignOutCommand,
  CognitoIdentityProviderServiceException,
  CreateGroupCommand,
  paginateAdminListGroupsForUser,
  paginateListUsers,
  type CognitoIdentityProviderClient,
  type UserType,
} from '@aws-sdk/client-cognito-identity-provider';
import * as z from 'zod/mini';
import { ZId } from '../../functions/domain/ids';
import { unitGroupName, unitsOfGroups } from '../../functions/routes/route';
import { ROLES, type Role } from '../../functions/routes/route';
import { stackName } from '../stacks/stack-name';
import { UsageError, type Print } from './cli';

/** A failure explained in the operator's terms (exit 1), e.g. a stack that is not deployed. */
export class StaffError extends Error {
  override name = 'StaffError';
}

/** A staff member to add: a unit handler carries the units they act for; the other roles carry none. */
export interface NewStaff {
  email: string;
  role: Role;
  unitIds: string[];
}

/** One staff member as `list` shows them. */
export interface StaffMember {
  email: string;
  /** Cognito's user status: FORCE_CHANGE_PASSWORD until the first sign-in, then CONFIRMED. */
  status: string;
  enabled: boolean;
  roles: Role[];
  unitIds: string[];
}

/** The stack output that holds the user pool id (infra/stacks/pingyi-stack.ts). */
export const USER_POOL_ID_OUTPUT = 'UserPoolId';

const ZEmail = z.email();
// Cognito's own pattern for a user pool id: `<region>_<letters and digits>`.
const USER_POOL_ID = /^[\w-]+_[0-9a-zA-Z]+$/;
const ID_RULE = z.globalRegistry.get(ZId)?.description ?? 'see ZId';

/**
 * Checks a staff member before anything is sent to AWS: a valid e-mail address, a role of routes.ts,
 * and units exactly when the role is unitHandler (each a valid unit id). Repeated units count once.
 */
export function newStaff(email: string, role: string, unitIds: readonly string[]): NewStaff {
  checkEmail(email);
  if (!isRole(role)) throw new UsageError(`"${role}" is not a role; use one of: ${ROLES.join(', ')}.`);
  if (role === 'unitHandler' && unitIds.length === 0) {
    throw new UsageError('a unitHandler needs at least one --unit <unitId>.');
  }
  if (role !== 'unitHandler' && unitIds.length > 0) {
    throw new UsageError(`--unit is only for unitHandler (the ${role} role is not tied to units).`);
  }
  const bad = unitIds.find((id) => !ZId.safeParse(id).success);
  if (bad !== undefined) throw new UsageError(`"${bad}" is not a unit id (${ID_RULE})`);
  return { email, role, unitIds: [...new Set(unitIds)] };
}

/** Checks that a staff member's e-mail address (their user name) is one. */
export function checkEmail(email: string): string {
  if (!ZEmail.safeParse(email).success) throw new UsageError(`"${email}" is not an e-mail address.`);
  return email;
}

/** Checks the shape of a user pool id given on the command line (`cn-north-1_AbC123`). */
export function checkUserPoolId(userPoolId: string): string {
  if (!USER_POOL_ID.test(userPoolId)) {
    throw new UsageError(`"${userPoolId}" is not a user pool id (it looks like cn-north-1_AbC123).`);
  }
  return userPoolId;
}

/**
 * The staff user pool of a deployed stage, read from the stack's `UserPoolId` output, so operators need
 * not copy ids from the console. Fails with a StaffError naming the stack (and the region searched) when
 * the stack or its output is missing.
 */
export async function findUserPoolId(cloudFormation: CloudFormationClient, stage: string): Promise<string> {
  const name = stackName(stage);
  const notFound = async () =>
    new StaffError(
      `stack ${name} was not found in region ${await regionOf(cloudFormation)}: deploy it ` +
        `(npx cdk deploy -c stage=${stage}), choose another --stage or region, or pass --user-pool-id.`,
    );
  let stack;
  try {
    stack = (await cloudFormation.send(new DescribeStacksCommand({ StackName: name }))).Stacks?.[0];
  } catch (error) {
    // CloudFormation answers a missing stack with a ValidationError "Stack with id … does not exist".
    if (error instanceof CloudFormationServiceException && /does not exist/.test(error.message)) throw await notFound();
    throw error;
  }
  if (!stack) throw await notFound();
  const userPoolId = stack.Outputs?.find((output) => output.OutputKey === USER_POOL_ID_OUTPUT)?.OutputValue;
  if (!userPoolId) {
    throw new StaffError(
      `stack ${name} in region ${await regionOf(cloudFormation)} has no output ${USER_POOL_ID_OUTPUT}; ` +
        'redeploy it or pass --user-pool-id.',
    );
  }
  return userPoolId;
}

/**
 * Adds a staff member: creates the user (their e-mail is the user name; Cognito e-mails a temporary
 * password) unless they exist already, adds them to their role's group and, for a unit handler, to one
 * `unit:<unitId>` group per unit, creating a group that does not exist yet. Running it twice is harmless.
 */
export async function addStaff(
  cognito: CognitoIdentityProviderClient,
  userPoolId: string,
  staff: NewStaff,
  print: Print,
): Promise<void> {
  const { email, role, unitIds } = staff;
  try {
    await cognito.send(
      new AdminCreateUserCommand({
        UserPoolId: userPoolId,
        Username: email,
        UserAttributes: [
          { Name: 'email', Value: email },
          { Name: 'email_verified', Value: 'true' },
        ],
        // Cognito's default medium is SMS; staff get their invitation by e-mail.
        DesiredDeliveryMediums: ['EMAIL'],
      }),
    );
    print(`created user ${email} (Cognito e-mails them a temporary password)`);
  } catch (error) {
    if (!isCognitoError(error, 'UsernameExistsException')) throw error;
    print(`user ${email} exists already; keeping their password`);
  }

  await addToGroup(cognito, userPoolId, email, role, print);
  for (const unitId of unitIds) {
    const group = unitGroupName(unitId);
    try {
      await cognito.send(
        new CreateGroupCommand({
          UserPoolId: userPoolId,
          GroupName: group,
          Description: `Unit handlers (承办人) acting for unit ${unitId}; made by npm run staff.`,
        }),
      );
      print(`created group ${group}`);
    } catch (error) {
      if (!isCognitoError(error, 'GroupExistsException')) throw error;
    }
    await addToGroup(cognito, userPoolId, email, group, print);
  }
}

/**
 * Every user of the pool with their status, roles and units, read page by page, sorted by e-mail.
 */
export async function readStaff(cognito: CognitoIdentityProviderClient, userPoolId: string): Promise<StaffMember[]> {
  const users: UserType[] = [];
  for await (const page of paginateListUsers({ client: cognito }, { UserPoolId: userPoolId })) {
    users.push(...(page.Users ?? []));
  }
  const members: StaffMember[] = [];
  for (const user of users) {
    const username = user.Username ?? '';
    const groups: string[] = [];
    const pages = paginateAdminListGroupsForUser({ client: cognito }, { UserPoolId: userPoolId, Username: username });
    for await (const page of pages) groups.push(...(page.Groups ?? []).map((group) => group.GroupName ?? ''));
    members.push({
      email: user.Attributes?.find((attribute) => attribute.Name === 'email')?.Value ?? username,
      status: user.UserStatus ?? 'UNKNOWN',
      enabled: user.Enabled ?? false,
      roles: ROLES.filter((role) => groups.includes(role)),
      unitIds: unitsOfGroups(groups).sort(),
    });
  }
  return members.sort((a, b) => a.email.localeCompare(b.email));
}

/** Prints every staff member as a table: e-mail, status, enabled, roles, units. */
export async function listStaff(cognito: CognitoIdentityProviderClient, userPoolId: string, print: Print): Promise<void> {
  const members = await readStaff(cognito, userPoolId);
  if (members.length === 0) {
    print(`no staff in user pool ${userPoolId} yet; add one with: npm run staff -- add <email> <role>`);
    return;
  }
  const rows = [
    ['EMAIL', 'STATUS', 'ENABLED', 'ROLES', 'UNITS'],
    ...members.map((m) => [m.email, m.status, m.enabled ? 'yes' : 'no', m.roles.join(',') || '-', m.unitIds.join(',') || '-']),
  ];
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
  for (const row of rows) print(row.map((cell, column) => cell.padEnd(widths[column]!)).join('  ').trimEnd());
}

/**
 * Takes a staff member's access away: disables the user (they can no longer sign in) and signs them out
 * everywhere, so their refresh tokens stop working too. Access tokens already issued live out their hour.
 */
export async function disableStaff(
  cognito: CognitoIdentityProviderClient,
  userPoolId: string,
  email: string,
  print: Print,
): Promise<void> {
  // Signed out first, while the user is still active: the refresh tokens stop working whatever the
  // service does with a disabled user's tokens; then nobody can sign in again.
  try {
    await cognito.send(new AdminUserGlobalSignOutCommand({ UserPoolId: userPoolId, Username: email }));
  } catch (error) {
    if (isCognitoError(error, 'UserNotFoundException')) throw new StaffError(`no user ${email} in user pool ${userPoolId}.`);
    throw error;
  }
  print(`signed ${email} out everywhere (their refresh tokens no longer work)`);
  await cognito.send(new AdminDisableUserCommand({ UserPoolId: userPoolId, Username: email }));
  print(`disabled ${email}`);
}

async function addToGroup(
  cognito: CognitoIdentityProviderClient,
  userPoolId: string,
  email: string,
  group: string,
  print: Print,
): Promise<void> {
  try {
    await cognito.send(new AdminAddUserToGroupCommand({ UserPoolId: userPoolId, Username: email, GroupName: group }));
  } catch (error) {
    if (isCognitoError(error, 'ResourceNotFoundException') && isRole(group)) {
      throw new StaffError(`group ${group} is missing from user pool ${userPoolId}; is this Pingyi's pool?`);
    }
    throw error;
  }
  print(`added ${email} to ${group}`);
}

const isRole = (value: string): value is Role => (ROLES as readonly string[]).includes(value);

const isCognitoError = (error: unknown, name: string) =>
  error instanceof CognitoIdentityProviderServiceException && error.name === name;

async function regionOf(client: CloudFormationClient): Promise<string> {
  try {
    return await client.config.region();
  } catch {
    return '(none set)';
  }
}
