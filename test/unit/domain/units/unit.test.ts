import { describe, expect, it } from 'vitest';
import { ConflictError, NotFoundError, ValidationError } from '../../../../functions/domain/errors';
import { UNIT_MESSAGES as M } from '../../../../functions/domain/units/messages';
import { createUnit, parentIssues, setUnitStatus, updateUnit, type Unit, type UnitDeps } from '../../../../functions/domain/units/unit';
import { aUnitWithId, DURING_PERIOD } from '../../../fixtures/catalog';

const parents = (entries: Record<string, string | null>) => new Map(Object.entries(entries));

describe('parentIssues', () => {
  it('accepts no parent, and a parent whose chain ends', () => {
    const catalog = parents({ district: null, 'service-centre': 'district', 'window-3': 'service-centre' });

    const issues = [parentIssues('window-7', null, catalog), parentIssues('window-7', 'service-centre', catalog)];

    expect(issues).toEqual([[], []]);
  });

  it('refuses a unit as its own parent', () => {
    const issues = parentIssues('tax-bureau', 'tax-bureau', parents({ 'tax-bureau': null }));

    expect(issues).toEqual([{ path: 'parentId', message: M.parentIsSelf }]);
  });

  it('refuses a parent that does not exist', () => {
    const issues = parentIssues('tax-bureau', 'nowhere', parents({ 'tax-bureau': null }));

    expect(issues).toEqual([{ path: 'parentId', message: { 'zh-CN': '没有编号为“nowhere”的上级单位。', en: 'There is no parent unit "nowhere".' } }]);
  });

  it('refuses a parent that leads back to the unit, showing the loop (A → B → A)', () => {
    const issues = parentIssues('a', 'b', parents({ a: null, b: 'a' }));

    expect(issues).toEqual([{ path: 'parentId', message: { 'zh-CN': '上级单位关系成环：a → b → a。', en: 'The parents form a loop: a → b → a.' } }]);
  });

  it('finds a longer loop, under the path it is given', () => {
    const issues = parentIssues('a', 'b', parents({ a: null, b: 'c', c: 'a' }), 'rows.4.parentId');

    expect(issues).toEqual([{ path: 'rows.4.parentId', message: { 'zh-CN': '上级单位关系成环：a → b → c → a。', en: 'The parents form a loop: a → b → c → a.' } }]);
  });

  it('stops on a loop elsewhere that does not include the unit', () => {
    const issues = parentIssues('x', 'a', parents({ x: null, a: 'b', b: 'a' }));

    expect(issues).toEqual([]);
  });
});

function fakeDeps(units: Unit[]) {
  const written: Unit[] = [];
  const deps: UnitDeps = {
    getUnit: async (id) => units.find((u) => u.unitId === id),
    listUnits: async () => units,
    createUnit: async (u) => void written.push(u),
    replaceUnit: async (u) => void written.push(u),
    now: () => DURING_PERIOD,
  };
  return { deps, written };
}

const name = { 'zh-CN': '三号窗口', en: 'Window 3' };

describe('createUnit', () => {
  it('creates an active unit at revision 1, without a parent unless given one', async () => {
    const { deps, written } = fakeDeps([aUnitWithId('service-centre')]);

    const alone = await createUnit(deps, 'district', { name, kind: 'department' });
    const child = await createUnit(deps, 'window-3', { name, kind: 'serviceWindow', parentId: 'service-centre' });

    expect(alone).toEqual({ unitId: 'district', name, kind: 'department', parentId: null, status: 'active', rev: 1, updatedAt: DURING_PERIOD.toISOString() });
    expect(child.parentId).toBe('service-centre');
    expect(written).toEqual([alone, child]);
  });

  it('refuses an id that is taken, and a parent that does not exist', async () => {
    const { deps, written } = fakeDeps([aUnitWithId('service-centre')]);

    const taken = createUnit(deps, 'service-centre', { name, kind: 'department' });
    const orphan = createUnit(deps, 'window-3', { name, kind: 'serviceWindow', parentId: 'nowhere' });

    await expect(taken).rejects.toBeInstanceOf(ConflictError);
    await expect(taken).rejects.toMatchObject({ reason: 'alreadyExists' });
    await expect(orphan).rejects.toBeInstanceOf(ValidationError);
    expect(written).toEqual([]);
  });
});

describe('updateUnit', () => {
  it('refuses a parent that would close a loop', async () => {
    const { deps, written } = fakeDeps([aUnitWithId('a'), aUnitWithId('b', { parentId: 'a' })]);

    const update = updateUnit(deps, 'a', { name, kind: 'bureau', parentId: 'b', rev: 1 });

    await expect(update).rejects.toMatchObject({ fields: [{ path: 'parentId', message: { en: 'The parents form a loop: a → b → a.' } }] });
    expect(written).toEqual([]);
  });

  it('changes name, kind and parent, keeping the status, at the next revision', async () => {
    const { deps } = fakeDeps([aUnitWithId('a', { status: 'retired', rev: 3 }), aUnitWithId('b')]);

    const unit = await updateUnit(deps, 'a', { name, kind: 'town', parentId: 'b', rev: 3 });

    expect(unit).toMatchObject({ unitId: 'a', name, kind: 'town', parentId: 'b', status: 'retired', rev: 4 });
  });

  it('refuses an old revision and a unit that does not exist', async () => {
    const { deps } = fakeDeps([aUnitWithId('a', { rev: 2 })]);

    const stale = updateUnit(deps, 'a', { name, kind: 'bureau', rev: 1 });
    const missing = updateUnit(deps, 'nope', { name, kind: 'bureau', rev: 1 });

    await expect(stale).rejects.toMatchObject({ reason: 'staleRevision', params: { rev: 2 } });
    await expect(missing).rejects.toBeInstanceOf(NotFoundError);
  });
});

describe('setUnitStatus', () => {
  it('retires a unit without changing anything else', async () => {
    const before = aUnitWithId('a', { parentId: 'b' });
    const { deps } = fakeDeps([before]);

    const after = await setUnitStatus(deps, 'a', { status: 'retired', rev: 1 });

    expect(after).toEqual({ ...before, status: 'retired', rev: 2, updatedAt: DURING_PERIOD.toISOString() });
  });
});
