import { CloudFormationClient, CloudFormationServiceException, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import {
  AdminAddUserToGroupCommand,
  AdminCreateUserCommand,
  AdminDisableUserCommand,
  AdminListGroupsForUserCommand,
  AdminUserGlobalSignOutCommand,
  CognitoIdentityProviderClient,
  CreateGroupCommand,
  GroupExistsException,
  ListUsersCommand,
  NotAuthorizedException,
  UserNotFoundException,
  UsernameExistsException,
} from '@aws-sdk/client-cognito-identity-provider';
import { mockClient } from 'aws-sdk-client-mock';
import 'aws-sdk-client-mock-vitest/extend';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { parseStaffArgs, runStaffCli } from '../../../infra/ops/staff-cli';

const POOL = 'cn-north-1_StaffPool';
const EMAIL = 'li.wei@example.cn';

const cognito = new CognitoIdentityProviderClient({ region: 'cn-north-1' });
const cloudFormation = new CloudFormationClient({ region: 'cn-north-1' });
const cognitoMock = mockClient(cognito);
const cfnMock = mockClient(cloudFormation);

/** Runs `npm run staff -- <argv>` against the mocked clients and collects what it prints. */
async function staff(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runStaffCli(argv, () => ({ cognito, cloudFormation }), {
    out: (line) => out.push(line),
    err: (line) => err.push(line),
  });
  return { code, out, err };
}

const cognitoError = <E>(Type: new (opts: { message: string; $metadata: object }) => E, message: string) =>
  new Type({ message, $metadata: {} });

const stackWithOutputs = (outputs: Record<string, string>) => ({
  Stacks: [
    {
      StackName: 'Pingyi-dev',
      StackStatus: 'UPDATE_COMPLETE' as const,
      CreationTime: new Date('2026-01-05T02:00:00Z'),
      Outputs: Object.entries(outputs).map(([OutputKey, OutputValue]) => ({ OutputKey, OutputValue })),
    },
  ],
});

const user = (sub: string, email: string, status: string, enabled = true) => ({
  Username: sub,
  Attributes: [
    { Name: 'sub', Value: sub },
    { Name: 'email', Value: email },
  ],
  UserStatus: status as 'CONFIRMED',
  Enabled: enabled,
});

const groups = (...names: string[]) => ({ Groups: names.map((GroupName) => ({ GroupName })) });

beforeEach(() => {
  cognitoMock.reset();
  cfnMock.reset();
  cognitoMock.onAnyCommand().resolves({});
  cfnMock.on(DescribeStacksCommand).resolves(stackWithOutputs({ UserPoolId: POOL, SiteUrl: 'https://d1.cloudfront.net' }));
});

describe('staff add', () => {
  it('creates the user with a verified e-mail, has Cognito e-mail the invitation, and adds the role group', async () => {
    const { code, out, err } = await staff('add', EMAIL, 'supervisor');

    expect(err).toEqual([]);
    expect(code).toBe(0);
    expect(cognitoMock).toHaveReceivedCommandExactlyOnceWith(AdminCreateUserCommand, {
      UserPoolId: POOL,
      Username: EMAIL,
      UserAttributes: [
        { Name: 'email', Value: EMAIL },
        { Name: 'email_verified', Value: 'true' },
      ],
      DesiredDeliveryMediums: ['EMAIL'],
    });
    expect(cognitoMock).toHaveReceivedCommandExactlyOnceWith(AdminAddUserToGroupCommand, {
      UserPoolId: POOL,
      Username: EMAIL,
      GroupName: 'supervisor',
    });
    expect(cognitoMock).not.toHaveReceivedCommand(CreateGroupCommand);
    expect(out).toEqual([
      `created user ${EMAIL} (Cognito e-mails them a temporary password)`,
      `added ${EMAIL} to supervisor`,
    ]);
  });

  it('goes on to the role group when the user exists already', async () => {
    cognitoMock
      .on(AdminCreateUserCommand)
      .rejects(cognitoError(UsernameExistsException, 'An account with the given email already exists.'));

    const { code, out } = await staff('add', EMAIL, 'admin');

    expect(code).toBe(0);
    expect(cognitoMock).toHaveReceivedCommandExactlyOnceWith(AdminAddUserToGroupCommand, { Username: EMAIL, GroupName: 'admin' });
    expect(out).toEqual([`user ${EMAIL} exists already; keeping their password`, `added ${EMAIL} to admin`]);
  });

  it('puts a unit handler in one unit group per unit, creating only the group that is missing', async () => {
    cognitoMock
      .on(CreateGroupCommand, { GroupName: 'unit:water-bureau' })
      .rejects(cognitoError(GroupExistsException, 'A group with the name unit:water-bureau already exists.'));

    const { code, out } = await staff('add', EMAIL, 'unitHandler', '--unit', 'tax-bureau', '--unit', 'water-bureau');

    expect(code).toBe(0);
    expect(cognitoMock).toHaveReceivedCommandTimes(CreateGroupCommand, 2);
    expect(cognitoMock).toHaveReceivedNthCommandWith(CreateGroupCommand, 1, {
      UserPoolId: POOL,
      GroupName: 'unit:tax-bureau',
      Description: expect.stringContaining('tax-bureau'),
    });
    const addedTo = cognitoMock.commandCalls(AdminAddUserToGroupCommand).map((call) => call.args[0].input.GroupName);
    expect(addedTo).toEqual(['unitHandler', 'unit:tax-bureau', 'unit:water-bureau']);
    expect(out).toEqual([
      `created user ${EMAIL} (Cognito e-mails them a temporary password)`,
      `added ${EMAIL} to unitHandler`,
      'created group unit:tax-bureau',
      `added ${EMAIL} to unit:tax-bureau`,
      `added ${EMAIL} to unit:water-bureau`,
    ]);
  });

  it('refuses a role that routes.ts does not define, with exit code 2 and nothing sent to AWS', async () => {
    const { code, err } = await staff('add', EMAIL, 'director');

    expect(code).toBe(2);
    expect(err[0]).toContain('"director" is not a role; use one of: supervisor, admin, unitHandler.');
    expect(err[0]).toContain('usage:');
    expect(cognitoMock.calls()).toHaveLength(0);
    expect(cfnMock.calls()).toHaveLength(0);
  });

  it('refuses --unit for a role other than unitHandler', async () => {
    const { code, err } = await staff('add', EMAIL, 'supervisor', '--unit', 'tax-bureau');

    expect(code).toBe(2);
    expect(err[0]).toContain('--unit is only for unitHandler');
    expect(cognitoMock.calls()).toHaveLength(0);
  });

  it('refuses a unit handler without any --unit', async () => {
    const { code, err } = await staff('add', EMAIL, 'unitHandler');

    expect(code).toBe(2);
    expect(err[0]).toContain('a unitHandler needs at least one --unit <unitId>.');
    expect(cognitoMock.calls()).toHaveLength(0);
  });

  it('refuses a unit id that is not a valid id', async () => {
    const { code, err } = await staff('add', EMAIL, 'unitHandler', '--unit', 'Tax_Bureau');

    expect(code).toBe(2);
    expect(err[0]).toContain('"Tax_Bureau" is not a unit id');
    expect(cognitoMock.calls()).toHaveLength(0);
  });
});

describe('staff list', () => {
  it('shows every user across pages with status, enabled, roles and units', async () => {
    cognitoMock
      .on(ListUsersCommand)
      .resolvesOnce({ Users: [user('sub-li', EMAIL, 'CONFIRMED')], PaginationToken: 'users-2' })
      .resolvesOnce({ Users: [user('sub-chen', 'chen.jing@example.cn', 'FORCE_CHANGE_PASSWORD', false)] });
    cognitoMock.on(AdminListGroupsForUserCommand, { Username: 'sub-li' }).resolves(groups('supervisor'));
    cognitoMock
      .on(AdminListGroupsForUserCommand, { Username: 'sub-chen' })
      .resolvesOnce({ ...groups('unitHandler', 'unit:water-bureau'), NextToken: 'groups-2' })
      .resolvesOnce(groups('unit:tax-bureau'));

    const { code, out } = await staff('list');

    expect(code).toBe(0);
    expect(cognitoMock).toHaveReceivedCommandTimes(ListUsersCommand, 2);
    expect(cognitoMock).toHaveReceivedNthCommandWith(ListUsersCommand, 2, { UserPoolId: POOL, PaginationToken: 'users-2' });
    expect(cognitoMock).toHaveReceivedCommandTimes(AdminListGroupsForUserCommand, 3);
    expect(out).toEqual([
      'EMAIL                 STATUS                 ENABLED  ROLES        UNITS',
      'chen.jing@example.cn  FORCE_CHANGE_PASSWORD  no       unitHandler  tax-bureau,water-bureau',
      'li.wei@example.cn     CONFIRMED              yes      supervisor   -',
    ]);
  });

  it('says so when the pool has no users yet', async () => {
    cognitoMock.on(ListUsersCommand).resolves({ Users: [] });

    const { code, out } = await staff('list');

    expect(code).toBe(0);
    expect(out).toEqual([`no staff in user pool ${POOL} yet; add one with: npm run staff -- add <email> <role>`]);
  });
});

describe('staff disable', () => {
  it('signs the user out everywhere, then disables them', async () => {
    const { code, out } = await staff('disable', EMAIL);

    expect(code).toBe(0);
    expect(cognitoMock.calls().map((call) => call.args[0].constructor)).toEqual([
      AdminUserGlobalSignOutCommand,
      AdminDisableUserCommand,
    ]);
    expect(cognitoMock).toHaveReceivedCommandWith(AdminDisableUserCommand, { UserPoolId: POOL, Username: EMAIL });
    expect(cognitoMock).toHaveReceivedCommandWith(AdminUserGlobalSignOutCommand, { UserPoolId: POOL, Username: EMAIL });
    expect(out).toEqual([`signed ${EMAIL} out everywhere (their refresh tokens no longer work)`, `disabled ${EMAIL}`]);
  });

  it('fails with exit code 1 naming the address when there is no such user', async () => {
    cognitoMock.on(AdminUserGlobalSignOutCommand).rejects(cognitoError(UserNotFoundException, 'User does not exist.'));

    const { code, out, err } = await staff('disable', 'nobody@example.cn');

    expect(code).toBe(1);
    expect(err).toEqual([`npm run staff: no user nobody@example.cn in user pool ${POOL}.`]);
    expect(out).toEqual([]);
    expect(cognitoMock).not.toHaveReceivedCommand(AdminDisableUserCommand);
  });
});

describe('which user pool', () => {
  it("reads the pool id from the UserPoolId output of the stage's stack", async () => {
    cfnMock
      .on(DescribeStacksCommand, { StackName: 'Pingyi-prod' })
      .resolves(stackWithOutputs({ UserPoolId: 'cn-north-1_ProdPool' }));

    const { code } = await staff('list', '--stage', 'prod');

    expect(code).toBe(0);
    expect(cfnMock).toHaveReceivedCommandExactlyOnceWith(DescribeStacksCommand, { StackName: 'Pingyi-prod' });
    expect(cognitoMock).toHaveReceivedCommandWith(ListUsersCommand, { UserPoolId: 'cn-north-1_ProdPool' });
  });

  it('uses --user-pool-id without asking CloudFormation', async () => {
    const { code } = await staff('disable', EMAIL, '--user-pool-id', 'cn-north-1_Given');

    expect(code).toBe(0);
    expect(cfnMock.calls()).toHaveLength(0);
    expect(cognitoMock).toHaveReceivedCommandWith(AdminDisableUserCommand, { UserPoolId: 'cn-north-1_Given' });
  });

  it('names the stack, the region and the way out when the stack is not deployed', async () => {
    cfnMock.on(DescribeStacksCommand).rejects(
      new CloudFormationServiceException({
        name: 'ValidationError',
        $fault: 'client',
        $metadata: {},
        message: 'Stack with id Pingyi-dev does not exist',
      }),
    );

    const { code, err } = await staff('list');

    expect(code).toBe(1);
    expect(err).toHaveLength(1);
    expect(err[0]).toContain('stack Pingyi-dev was not found in region cn-north-1');
    expect(err[0]).toContain('npx cdk deploy -c stage=dev');
    expect(err[0]).toContain('--user-pool-id');
    expect(cognitoMock.calls()).toHaveLength(0);
  });

  it('says which output is missing when the stack has no UserPoolId', async () => {
    cfnMock.on(DescribeStacksCommand).resolves(stackWithOutputs({ SiteUrl: 'https://d1.cloudfront.net' }));

    const { code, err } = await staff('list');

    expect(code).toBe(1);
    expect(err).toEqual([
      'npm run staff: stack Pingyi-dev in region cn-north-1 has no output UserPoolId; redeploy it or pass --user-pool-id.',
    ]);
    expect(cognitoMock.calls()).toHaveLength(0);
  });
});

describe('staff failures', () => {
  it('turns missing AWS credentials into a one-line hint with exit code 1', async () => {
    const noCredentials = Object.assign(new Error('Could not load credentials from any providers'), {
      name: 'CredentialsProviderError',
    });
    cfnMock.on(DescribeStacksCommand).rejects(noCredentials);

    const { code, err } = await staff('list');

    expect(code).toBe(1);
    expect(err).toHaveLength(1);
    expect(err[0]).toMatch(
      /^npm run staff: no usable AWS credentials \(Could not load credentials from any providers\)\. Set AWS_PROFILE/,
    );
  });

  it('turns a missing region into a one-line hint with exit code 1', async () => {
    cognitoMock.on(AdminDisableUserCommand).rejects(new Error('Region is missing'));

    const { code, err } = await staff('disable', EMAIL, '--user-pool-id', POOL);

    expect(code).toBe(1);
    expect(err).toEqual([
      'npm run staff: no AWS region: set AWS_REGION (e.g. AWS_REGION=cn-north-1) or give your AWS profile a region.',
    ]);
  });

  it('shows any other AWS error as its name and first line, with exit code 1', async () => {
    cognitoMock.on(AdminCreateUserCommand).rejects(cognitoError(NotAuthorizedException, 'Not allowed\nsecond line'));

    const { code, out, err } = await staff('add', EMAIL, 'admin');

    expect(code).toBe(1);
    expect(err).toEqual(['npm run staff: NotAuthorizedException: Not allowed']);
    expect(out).toEqual([]);
    expect(cognitoMock).not.toHaveReceivedCommand(AdminAddUserToGroupCommand);
  });
});

describe('parseStaffArgs', () => {
  it('reads repeated --unit options, counting a repeated unit once', () => {
    const units = ['--unit', 'tax-bureau', '--unit', 'water-bureau', '--unit', 'tax-bureau'];

    const command = parseStaffArgs(['add', EMAIL, 'unitHandler', ...units]);

    expect(command).toEqual({
      action: 'add',
      pool: { stage: 'dev' },
      staff: { email: EMAIL, role: 'unitHandler', unitIds: ['tax-bureau', 'water-bureau'] },
    });
  });

  it.each([
    [[], 'which command: add, list or disable?'],
    [['remove', EMAIL], '"remove" is not a command; use add, list or disable.'],
    [['list', '--bogus'], "Unknown option '--bogus'"],
    [['list', '--stage'], "Option '--stage <value>' argument missing"],
    [['add', EMAIL], 'add needs <email> <role>.'],
    [['disable', EMAIL, 'chen@example.cn'], 'disable takes <email>; unexpected "chen@example.cn".'],
    [['list', 'everyone'], 'list takes no arguments; unexpected "everyone".'],
    [['disable', 'li.wei'], '"li.wei" is not an e-mail address.'],
    [['list', '--user-pool-id', 'StaffPool'], '"StaffPool" is not a user pool id'],
    [['list', '--unit', 'tax-bureau'], '--unit belongs to add.'],
  ])('refuses %j with a usage error', (argv, message) => {
    const refusal = expect.objectContaining({ name: 'UsageError', message: expect.stringContaining(message) });

    expect(() => parseStaffArgs(argv)).toThrow(refusal);
  });

  it('answers a usage error with exit code 2 and the usage text, before making any client', async () => {
    const makeClients = vi.fn(() => ({ cognito, cloudFormation }));
    const err: string[] = [];

    const code = await runStaffCli(['remove', EMAIL], makeClients, { out: () => {}, err: (line) => err.push(line) });

    expect(code).toBe(2);
    expect(err[0]).toMatch(/^npm run staff: "remove" is not a command[^]*usage:\n {2}npm run staff -- add <email> <role>/);
    expect(makeClients).not.toHaveBeenCalled();
  });

  it('prints the usage text on --help with exit code 0', async () => {
    const { code, out } = await staff('--help');

    expect(code).toBe(0);
    expect(out[0]).toContain('npm run staff -- disable <email>');
    expect(cognitoMock.calls()).toHaveLength(0);
  });
});
