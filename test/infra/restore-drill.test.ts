import { afterAll, describe, expect, it } from 'vitest';
import { TABLES, type TableKey } from '../../functions/store/tables';
import { tableNameOutput } from '../../infra/ops/restore-drill';
import { cleanUp, logicalId, synth } from './synth';

afterAll(cleanUp);

describe('what the restore drill relies on', () => {
  it.each(['dev', 'prod'])('the %s stack names every table of store/tables.ts in an output the drill reads', (stage) => {
    const { stack, template } = synth(stage);
    const outputs = template.toJSON().Outputs as Record<string, { Value: unknown }>;
    for (const [key, definition] of Object.entries(TABLES) as [TableKey, (typeof TABLES)[TableKey]][]) {
      expect(outputs[tableNameOutput(definition)]?.Value, key).toEqual({ Ref: logicalId(stack.tables.get(key).table) });
    }
  });

  it('has point-in-time recovery on every table, and deletion protection on every prod table (a drill deletes only its copies)', () => {
    for (const [stage, protectedTables] of [['prod', true], ['dev', false]] as const) {
      const { stack, template } = synth(stage);
      for (const key of Object.keys(TABLES) as TableKey[]) {
        const [replica] = template.toJSON().Resources[logicalId(stack.tables.get(key).table)].Properties.Replicas;
        expect(replica.PointInTimeRecoverySpecification, `${stage} ${key}`).toEqual({ PointInTimeRecoveryEnabled: true });
        expect(replica.DeletionProtectionEnabled, `${stage} ${key}`).toBe(protectedTables);
      }
    }
  });
});
