import type { Form, FormVersion } from '../../../functions/domain/evaluation/form';
import type { Period } from '../../../functions/domain/evaluation/period';
import type { Unit } from '../../../functions/domain/units/unit';
import { aForm, aFormVersion, aPeriod, aResponse, aUnit, aUnitWithId, someGroups } from '../../fixtures/catalog';
import {
  appealItem,
  flaggedBatchItem,
  formItem,
  formVersionItem,
  groupItem,
  invitationBatchItem,
  periodItem,
  responseItem,
  unitItem,
} from '../../fixtures/items';
import { aDistrictAppeal, aDistrictFlaggedBatch, aDistrictInvitationBatch, anAppealedResponse } from '../../fixtures/reviews';
import { UNIT_TABLE, type FakeTables } from './fake-tables';

/**
 * The catalog most handler tests start from: units tax-bureau and service-centre, the four standard
 * groups, period 2026-annual, and form district-2026 published as version 1 (its draft unchanged since).
 */
export interface District {
  units: Unit[];
  period: Period;
  form: Form;
  versions: FormVersion[];
}

export function aDistrict(overrides: Partial<District> = {}): District {
  return {
    units: [aUnit(), aUnitWithId('service-centre')],
    period: aPeriod(),
    form: aForm(),
    versions: [aFormVersion()],
    ...overrides,
  };
}

/** Stores a district in the fake catalog table. */
export function storeDistrict(tables: FakeTables, district: District = aDistrict()): District {
  tables.put(
    UNIT_TABLE.catalog,
    ...district.units.map(unitItem),
    ...someGroups().map(groupItem),
    periodItem(district.period),
    formItem(district.form),
    ...district.versions.map(formVersionItem),
  );
  return district;
}

/**
 * Stores what the admission and review routes of the district act on: two stored ballots (aResponse(), and
 * a dissatisfied one tax-bureau has appealed), an invitation batch, a flagged batch of the last tally and
 * the open appeal.
 */
export function storeDistrictReviews(tables: FakeTables): void {
  tables.put(
    UNIT_TABLE.responses,
    responseItem(aResponse()),
    responseItem(anAppealedResponse()),
  );
  tables.put(UNIT_TABLE.catalog, invitationBatchItem(aDistrictInvitationBatch()));
  tables.put(UNIT_TABLE.tallies, flaggedBatchItem(aDistrictFlaggedBatch()));
  tables.put(UNIT_TABLE.reviews, appealItem(aDistrictAppeal()));
}
