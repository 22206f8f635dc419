import { describe, expect, it } from 'vitest';
import { NotFoundError, ValidationError } from '../../../../functions/domain/errors';
import { readToken, tokenBallotRef } from '../../../../functions/domain/evaluation/ballot-token';
import type { Form, FormVersion } from '../../../../functions/domain/evaluation/form';
import {
  invitationLinks,
  issueInvitations,
  listInvitationBatches,
  serviceRecordLink,
  type InvitationBatch,
  type InvitationBatchInput,
  type InvitationDeps,
  type ServiceRecordInput,
} from '../../../../functions/domain/evaluation/invitations';
import type { Period } from '../../../../functions/domain/evaluation/period';
import { DURING_PERIOD, aForm, aFormVersion, aGroup, anAllUnitsContent } from '../../../fixtures/catalog';
import { aPeriodWith, aRing, rejectionOf } from './submission-fakes';

const ADMIN = 'admin-sub-0001';

/** A district with aPeriod(), the one-unit form district-2026, the all-units form annual-2026, and a form of another period. */
function fakeInvitations(options: { now?: Date; forms?: Form[]; versions?: FormVersion[]; periods?: Period[] } = {}) {
  const periods = options.periods ?? [aPeriodWith()];
  const forms = options.forms ?? [
    aForm(),
    aForm({ formId: 'annual-2026' }),
    aForm({ formId: 'other-period-form', periodId: '2025-annual' }),
    aForm({ formId: 'draft-form', status: 'draft', latestVersion: 0 }),
    aForm({ formId: 'closed-form', status: 'closed' }),
  ];
  const versions = options.versions ?? [
    aFormVersion(),
    aFormVersion({ formId: 'annual-2026', content: anAllUnitsContent() }),
    aFormVersion({ formId: 'other-period-form', periodId: '2025-annual' }),
    aFormVersion({ formId: 'closed-form' }),
  ];
  const batches = new Map<string, InvitationBatch>();
  let batchNo = 0;
  const deps: InvitationDeps = {
    getPeriod: async (id) => periods.find((p) => p.periodId === id),
    getForm: async (id) => forms.find((f) => f.formId === id),
    getFormVersion: async (formId, version) => versions.find((v) => v.formId === formId && v.version === version),
    listGroups: async () => ['citizen', 'enterprise', 'deputy', 'appointed-supervisor'].map((id) => aGroup(id, { requiresInvitation: id === 'deputy' || id === 'appointed-supervisor' })),
    ballotKeys: async () => aRing(),
    createInvitationBatch: async (b) => void batches.set(`${b.periodId}/${b.batchId}`, structuredClone(b)),
    getInvitationBatch: async (periodId, batchId) => batches.get(`${periodId}/${batchId}`),
    listInvitationBatches: async (periodId) => [...batches.values()].filter((b) => b.periodId === periodId),
    newBatchId: () => `batch${String(++batchNo).padStart(5, '0')}`,
    now: () => options.now ?? DURING_PERIOD,
  };
  return { deps, batches };
}

const aBatchInput = (overrides: Partial<InvitationBatchInput> = {}): InvitationBatchInput => ({
  formId: 'district-2026',
  unitId: 'tax-bureau',
  count: 3,
  label: '服务大厅 6 月',
  ...overrides,
});

const aRecord = (overrides: Partial<ServiceRecordInput> = {}): ServiceRecordInput => ({
  formId: 'district-2026',
  unitId: 'tax-bureau',
  recordNumber: 'SW-2026-000123',
  ...overrides,
});

const pathsOf = (error: unknown) => (error as ValidationError).fields.map((f) => f.path);

describe('issueInvitations', () => {
  it('stores what the batch is for, who issued it and when, expiring with the period by default', async () => {
    const { deps, batches } = fakeInvitations();

    const batch = await issueInvitations(deps, ADMIN, '2026-annual', aBatchInput({ groupId: 'deputy' }));

    expect(batch).toEqual({
      periodId: '2026-annual',
      batchId: 'batch00001',
      formId: 'district-2026',
      unitId: 'tax-bureau',
      groupId: 'deputy',
      count: 3,
      expiresAt: '2027-01-01T00:00:00+08:00',
      label: '服务大厅 6 月',
      issuedBy: ADMIN,
      issuedAt: DURING_PERIOD.toISOString(),
    });
    expect([...batches.values()]).toEqual([batch]);
  });

  it('stores no token and nothing about who gets the links', async () => {
    const { deps, batches } = fakeInvitations();

    await issueInvitations(deps, ADMIN, '2026-annual', aBatchInput());

    const stored = JSON.stringify([...batches.values()]);
    expect(stored).not.toMatch(/\bi\.k1\./);
    expect(Object.keys([...batches.values()][0]!).sort()).toEqual(
      ['batchId', 'count', 'expiresAt', 'formId', 'issuedAt', 'issuedBy', 'label', 'periodId', 'unitId'].sort(),
    );
  });

  it('issues invitations to an all-units form without a unit', async () => {
    const { deps } = fakeInvitations();

    const batch = await issueInvitations(deps, ADMIN, '2026-annual', aBatchInput({ formId: 'annual-2026', unitId: undefined }));

    expect(batch).not.toHaveProperty('unitId');
  });

  it('refuses a unit on an all-units form, and a one-unit form without one or with a unit it does not rate', async () => {
    const { deps, batches } = fakeInvitations();
    const inputs = [
      aBatchInput({ formId: 'annual-2026', unitId: 'tax-bureau' }),
      aBatchInput({ unitId: undefined }),
      aBatchInput({ unitId: 'land-office' }),
    ];

    const errors = await Promise.all(inputs.map((input) => rejectionOf(issueInvitations(deps, ADMIN, '2026-annual', input))));

    for (const error of errors) expect(error).toBeInstanceOf(ValidationError);
    expect(errors.map(pathsOf)).toEqual([['unitId'], ['unitId'], ['unitId']]);
    expect(batches.size).toBe(0);
  });

  it('names every failing field at once: form of another period, unknown group, expiry in the past', async () => {
    const { deps } = fakeInvitations();
    const input = aBatchInput({ formId: 'other-period-form', groupId: 'tourist', expiresAt: '2026-06-01T00:00:00+08:00' });

    const error = await rejectionOf(issueInvitations(deps, ADMIN, '2026-annual', input));

    expect(error).toBeInstanceOf(ValidationError);
    expect(pathsOf(error)).toEqual(['formId', 'groupId', 'expiresAt']);
  });

  it('refuses a form that is not published or is closed', async () => {
    const { deps } = fakeInvitations();

    const errors = await Promise.all(['draft-form', 'closed-form'].map((formId) => rejectionOf(issueInvitations(deps, ADMIN, '2026-annual', aBatchInput({ formId })))));

    expect(errors.map(pathsOf)).toEqual([['formId'], ['formId']]);
  });

  it('refuses invitations once the period has ended', async () => {
    const { deps } = fakeInvitations({ now: new Date('2027-01-02T00:00:00+08:00') });

    const error = await rejectionOf(issueInvitations(deps, ADMIN, '2026-annual', aBatchInput({ expiresAt: '2027-02-01T00:00:00+08:00' })));

    expect(pathsOf(error)).toEqual(['formId']);
  });

  it('does not know an unknown period or form', async () => {
    const { deps } = fakeInvitations();

    const errors = [
      await rejectionOf(issueInvitations(deps, ADMIN, 'no-such-period', aBatchInput())),
      await rejectionOf(issueInvitations(deps, ADMIN, '2026-annual', aBatchInput({ formId: 'no-such-form' }))),
    ];

    expect(errors[0]).toBeInstanceOf(NotFoundError);
    expect(errors[0]).toMatchObject({ entity: 'period', id: 'no-such-period' });
    expect(errors[1]).toMatchObject({ entity: 'form', id: 'no-such-form' });
  });
});

describe('listInvitationBatches', () => {
  it("lists a period's batches, newest first", async () => {
    const { deps } = fakeInvitations();
    let clock = DURING_PERIOD.getTime();
    deps.now = () => new Date((clock += 60_000));
    const first = await issueInvitations(deps, ADMIN, '2026-annual', aBatchInput());
    const second = await issueInvitations(deps, ADMIN, '2026-annual', aBatchInput({ label: 'second' }));

    const listed = await listInvitationBatches(deps, '2026-annual');

    expect(listed.map((b) => b.batchId)).toEqual([second.batchId, first.batchId]);
  });

  it('does not know an unknown period', async () => {
    const { deps } = fakeInvitations();

    const error = await rejectionOf(listInvitationBatches(deps, 'no-such-period'));

    expect(error).toMatchObject({ entity: 'period' });
  });
});

describe('invitationLinks', () => {
  it('signs one link per invitation, each for the batch’s period, unit, group and expiry, with its own serial', async () => {
    const { deps } = fakeInvitations();
    const batch = await issueInvitations(deps, ADMIN, '2026-annual', aBatchInput({ groupId: 'deputy' }));

    const { links } = await invitationLinks(deps, '2026-annual', batch.batchId);

    expect(links.map((l) => l.n)).toEqual([1, 2, 3]);
    const claims = links.map((l) => readToken(aRing(), l.token));
    expect(claims).toEqual(
      [1, 2, 3].map((n) => ({
        kind: 'invitation',
        periodId: '2026-annual',
        unitId: 'tax-bureau',
        groupId: 'deputy',
        expiresAt: new Date('2027-01-01T00:00:00+08:00'),
        serial: `${batch.batchId}-${n}`,
      })),
    );
    expect(new Set(claims.map((c) => tokenBallotRef(c!))).size).toBe(3);
  });

  it('puts the token in the fragment of the citizens’ page, never in the query', async () => {
    const { deps } = fakeInvitations();
    const batch = await issueInvitations(deps, ADMIN, '2026-annual', aBatchInput({ count: 1 }));

    const [link] = (await invitationLinks(deps, '2026-annual', batch.batchId)).links;

    expect(link!.path).toBe(`rate.html?form=district-2026&unit=tax-bureau#t=${link!.token}`);
  });

  it('leaves the unit out of the links of an all-units form', async () => {
    const { deps } = fakeInvitations();
    const batch = await issueInvitations(deps, ADMIN, '2026-annual', aBatchInput({ formId: 'annual-2026', unitId: undefined, count: 1 }));

    const [link] = (await invitationLinks(deps, '2026-annual', batch.batchId)).links;

    expect(link!.path).toBe(`rate.html?form=annual-2026#t=${link!.token}`);
    expect(readToken(aRing(), link!.token)).not.toHaveProperty('unitId');
  });

  it('gives the same serials every time the links are asked for, so a link printed twice rates once', async () => {
    const { deps } = fakeInvitations();
    const batch = await issueInvitations(deps, ADMIN, '2026-annual', aBatchInput());

    const [once, again] = [await invitationLinks(deps, '2026-annual', batch.batchId), await invitationLinks(deps, '2026-annual', batch.batchId)];

    expect(again.links.map((l) => l.token)).toEqual(once.links.map((l) => l.token));
  });

  it('does not know a batch of another period or an unknown one', async () => {
    const { deps } = fakeInvitations();
    const batch = await issueInvitations(deps, ADMIN, '2026-annual', aBatchInput());

    const errors = [await rejectionOf(invitationLinks(deps, '2025-annual', batch.batchId)), await rejectionOf(invitationLinks(deps, '2026-annual', 'nope'))];

    for (const error of errors) expect(error).toMatchObject({ entity: 'invitationBatch' });
  });
});

describe('serviceRecordLink', () => {
  it('returns the same link for the same record, and another for another record', async () => {
    const { deps, batches } = fakeInvitations();

    const links = [await serviceRecordLink(deps, aRecord()), await serviceRecordLink(deps, aRecord()), await serviceRecordLink(deps, aRecord({ recordNumber: 'SW-2026-000124' }))];

    expect(links[1]).toEqual(links[0]);
    expect(links[2]!.token).not.toBe(links[0]!.token);
    expect(batches.size).toBe(0);
  });

  it('binds the link to its unit and period, expiring with the period, without showing the record number', async () => {
    const { deps } = fakeInvitations();

    const link = await serviceRecordLink(deps, aRecord());

    expect(readToken(aRing(), link.token)).toMatchObject({ kind: 'serviceRecord', periodId: '2026-annual', unitId: 'tax-bureau' });
    expect(link.expiresAt).toBe('2026-12-31T16:00:00.000Z');
    expect(link.path).toBe(`rate.html?form=district-2026&unit=tax-bureau#t=${link.token}`);
    expect(JSON.stringify(link)).not.toContain('000123');
  });

  it('takes an earlier expiry when the posting system gives one', async () => {
    const { deps } = fakeInvitations();

    const link = await serviceRecordLink(deps, aRecord({ expiresAt: '2026-07-15T00:00:00+08:00' }));

    expect(link.expiresAt).toBe('2026-07-14T16:00:00.000Z');
    expect(readToken(aRing(), link.token)?.expiresAt.toISOString()).toBe('2026-07-14T16:00:00.000Z');
  });

  it('refuses a unit the form does not rate, an all-units form and an expiry in the past', async () => {
    const { deps } = fakeInvitations();
    const inputs = [aRecord({ unitId: 'land-office' }), aRecord({ formId: 'annual-2026' }), aRecord({ expiresAt: '2026-01-02T00:00:00+08:00' })];

    const errors = await Promise.all(inputs.map((input) => rejectionOf(serviceRecordLink(deps, input))));

    expect(errors.map(pathsOf)).toEqual([['unitId'], ['unitId'], ['expiresAt']]);
  });

  it('does not know an unknown form', async () => {
    const { deps } = fakeInvitations();

    const error = await rejectionOf(serviceRecordLink(deps, aRecord({ formId: 'no-such-form' })));

    expect(error).toBeInstanceOf(NotFoundError);
    expect(error).toMatchObject({ entity: 'form', id: 'no-such-form' });
  });
});
