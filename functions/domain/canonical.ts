/**
 * JSON with object keys sorted: two values that hold the same data compare equal whatever order their
 * keys came in (from a client, from DynamoDB).
 */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  );
}

/** The length of a text as people count characters (code points: a rare CJK character is one, not two). */
export const textLength = (text: string): number => Array.from(text).length;
