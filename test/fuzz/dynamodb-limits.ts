/**
 * What DynamoDB refuses that in-memory fake tables would store: an item over 400 KB, a partition key over
 * 2,048 bytes or a sort key over 1,024, an empty key, a number outside DynamoDB's range (a magnitude
 * under 1E-130 — JavaScript's 5e-324 — or from 1E+126 up, or not finite), a transaction of more than 100
 * items, a batch of more than 25. On AWS each is a ValidationException, so a handler that sends one answers
 * 500; the fuzzer asks this of every command a handler sent.
 */

const ITEM_MAX_BYTES = 400 * 1024;
const PARTITION_KEY_MAX_BYTES = 2048;
const SORT_KEY_MAX_BYTES = 1024;
const TRANSACTION_MAX_ITEMS = 100;
const BATCH_WRITE_MAX_ITEMS = 25;
/** DynamoDB's numbers: 0, or a magnitude from 1E-130 to under 1E+126. */
const NUMBER_MIN_MAGNITUDE = 1e-130;
const NUMBER_MAX_MAGNITUDE = 1e126;

/** The numbers DynamoDB cannot store in a value, with where they stand. */
export function unstorableNumbers(value: unknown, at = ''): string[] {
  if (typeof value === 'number') {
    const magnitude = Math.abs(value);
    const storable = Number.isFinite(value) && (magnitude === 0 || (magnitude >= NUMBER_MIN_MAGNITUDE && magnitude < NUMBER_MAX_MAGNITUDE));
    return storable ? [] : [`${at || '(value)'} = ${value}`];
  }
  if (Array.isArray(value) || value instanceof Set) return [...value].flatMap((v, i) => unstorableNumbers(v, `${at}[${i}]`));
  if (value !== null && typeof value === 'object' && !(value instanceof Uint8Array)) {
    return Object.entries(value).flatMap(([k, v]) => unstorableNumbers(v, at ? `${at}.${k}` : k));
  }
  return [];
}

/** An item's size as DynamoDB counts it: names and values, lists and maps 3 bytes plus 1 per element. */
export function itemBytes(value: unknown): number {
  if (typeof value === 'string') return Buffer.byteLength(value, 'utf8');
  if (typeof value === 'number') return Math.ceil(String(Math.abs(value)).replace(/[.e+-]/g, '').length / 2) + 1;
  if (typeof value === 'boolean' || value === null || value === undefined) return 1;
  if (value instanceof Uint8Array) return value.byteLength;
  if (Array.isArray(value) || value instanceof Set) return 3 + [...value].reduce<number>((n, v) => n + 1 + itemBytes(v), 0);
  if (typeof value === 'object') {
    return 3 + Object.entries(value).reduce((n, [k, v]) => n + 1 + Buffer.byteLength(k, 'utf8') + itemBytes(v), 0);
  }
  return 0;
}

function itemProblems(item: Record<string, unknown> | undefined, where: string): string[] {
  if (!item) return [];
  const problems: string[] = [];
  const size = Object.entries(item).reduce((n, [k, v]) => n + Buffer.byteLength(k, 'utf8') + itemBytes(v), 0);
  if (size > ITEM_MAX_BYTES) problems.push(`${where}: an item of ${size} bytes (DynamoDB takes at most ${ITEM_MAX_BYTES})`);
  for (const [key, max] of [['pk', PARTITION_KEY_MAX_BYTES], ['sk', SORT_KEY_MAX_BYTES]] as const) {
    const value = item[key];
    if (value === undefined) continue;
    const bytes = typeof value === 'string' ? Buffer.byteLength(value, 'utf8') : itemBytes(value);
    if (value === '' || bytes > max) problems.push(`${where}: key ${key} of ${bytes} bytes (DynamoDB takes 1 to ${max})`);
  }
  for (const number of unstorableNumbers(item)) problems.push(`${where}: a number DynamoDB cannot store, ${number}`);
  return problems;
}

/** What DynamoDB would refuse among these commands (document-client inputs, by command name). */
export function dynamoLimitProblems(commands: readonly { name: string; input: Record<string, unknown> }[]): string[] {
  const problems: string[] = [];
  for (const { name, input } of commands) {
    if (name === 'PutCommand') problems.push(...itemProblems(input.Item as Record<string, unknown>, name));
    if (name === 'TransactWriteCommand') {
      const items = (input.TransactItems ?? []) as { Put?: { Item?: Record<string, unknown> } }[];
      if (items.length > TRANSACTION_MAX_ITEMS) problems.push(`${name}: ${items.length} items (DynamoDB takes at most ${TRANSACTION_MAX_ITEMS})`);
      for (const item of items) problems.push(...itemProblems(item.Put?.Item, name));
    }
    if (name === 'BatchWriteCommand') {
      const requests = Object.values((input.RequestItems ?? {}) as Record<string, { PutRequest?: { Item?: Record<string, unknown> } }[]>).flat();
      if (requests.length > BATCH_WRITE_MAX_ITEMS) problems.push(`${name}: ${requests.length} requests (DynamoDB takes at most ${BATCH_WRITE_MAX_ITEMS})`);
      for (const request of requests) problems.push(...itemProblems(request.PutRequest?.Item, name));
    }
  }
  return problems;
}
