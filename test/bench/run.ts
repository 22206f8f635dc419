import { synthBundles } from './bundles';
import { measureCapacity } from './capacity';
import { compareColdImports } from './import-time';

/**
 * `npm run bench`: Pingyi's first figures, each beside a baseline measured in the same run, so the
 * ratio means something on a shared, noisy machine. Prints a table; nothing here asserts a time.
 */
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 15);
// The SDK's notice that its 2027 releases need Node 22 would interleave with the table.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

interface Row {
  figure: string;
  value: string;
  baseline: string;
  ratio: string;
}

const rows: Row[] = [];
const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;

console.error('measuring write capacity against DynamoDB Local ...');
const capacity = await measureCapacity();
rows.push(
  {
    figure: 'WCU per submission (no comment)',
    value: String(capacity.writePlain),
    baseline: '1 (floor: one item ≤ 1 KB)',
    ratio: (capacity.writePlain / 1).toFixed(2),
  },
  {
    figure: 'WCU per submission (500-character comment)',
    value: String(capacity.writeLongComment),
    baseline: '1 (floor)',
    ratio: (capacity.writeLongComment / 1).toFixed(2),
  },
  {
    figure: 'RCU per submission (form + period)',
    value: String(capacity.readPerSubmission),
    baseline: '1 (two items, eventually consistent)',
    ratio: (capacity.readPerSubmission / 1).toFixed(2),
  },
);

console.error('synthesizing the stack to bundle every function as cdk deploy does ...');
const { functions, floor } = await synthBundles();
for (const fn of functions) {
  rows.push({
    figure: `bundle ${fn.name}`,
    value: kb(fn.bytes),
    baseline: `${kb(floor.bytes)} (client-dynamodb only)`,
    ratio: (fn.bytes / floor.bytes).toFixed(2),
  });
}

console.error(`timing cold imports (${ROUNDS} interleaved rounds) ...`);
const submit = functions.find((f) => f.name.endsWith('/SubmitResponse'));
if (!submit) throw new Error('no SubmitResponse bundle');
const imports = compareColdImports(submit.file, floor.file, ROUNDS);
rows.push({
  figure: 'cold import, submit handler (median)',
  value: `${imports.subjectMs.toFixed(1)} ms`,
  baseline: `${imports.floorMs.toFixed(1)} ms (client-dynamodb only)`,
  ratio: imports.ratio.toFixed(2),
});

const widths = (['figure', 'value', 'baseline', 'ratio'] as const).map((k) =>
  Math.max(k.length, ...rows.map((r) => r[k].length)),
);
const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
console.log(line(['figure', 'value', 'baseline', 'ratio']));
console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
for (const r of rows) console.log(line([r.figure, r.value, r.baseline, r.ratio]));
console.log(`\nDynamoDB Local started in ${capacity.dynamoStartupMs} ms; node ${process.version}, ${ROUNDS} import rounds.`);
