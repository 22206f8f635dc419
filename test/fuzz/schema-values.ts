import fc from 'fast-check';
import * as z from 'zod/mini';

/**
 * Values shaped like a route's zod schema, read through the JSON Schema zod writes for it (the same one
 * the OpenAPI document publishes): the starting point the fuzzer then breaks. They are "valid-ish" —
 * right types, keys and bounds, ids from the stored fixtures where a pattern allows — so that a broken
 * value gets past the outer checks and exercises the rules and stores behind them.
 */

type JsonSchema = { [key: string]: unknown };

export interface ValueOptions {
  /** Strings that name stored things (the fixture's ids): any string whose pattern admits one may be one. */
  known?: readonly string[];
  /** `max`: every array, string and record at its upper bound (capped), strings in CJK — huge but well-shaped. */
  size?: 'small' | 'max';
}

/** The JSON Schema zod writes for a schema's input. */
export function jsonSchemaOf(schema: z.ZodMiniType): JsonSchema {
  return z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any', target: 'draft-2020-12' }) as JsonSchema;
}

const SMALL_EXTRA_ITEMS = 3;
// Caps for `size: 'max'`, so that a bound like Number.MAX_SAFE_INTEGER does not mean a billion items.
const MAX_ITEMS_CAP = 600;
const MAX_STRING_CAP = 20_000;
const MAX_RECORD_KEYS = 60;
const MAX_TEXT_IN_MAX_SHAPE = 200;
const MAX_DEPTH = 12;

const isoInstant = fc
  .tuple(fc.date({ min: new Date('1970-01-01T00:00:00Z'), max: new Date('2199-12-31T00:00:00Z'), noInvalidDate: true }), fc.boolean())
  .map(([d, cst]) => (cst ? new Date(d.getTime() + 8 * 3600_000).toISOString().replace('Z', '+08:00') : d.toISOString()));

/** An arbitrary of values matching `schema`'s JSON Schema (within the caps above). */
export function valuesOf(schema: z.ZodMiniType, options: ValueOptions = {}): fc.Arbitrary<unknown> {
  const root = jsonSchemaOf(schema);
  const defs = (root.$defs ?? {}) as Record<string, JsonSchema>;
  const max = options.size === 'max';
  const known = options.known ?? [];

  const build = (s: JsonSchema, depth: number): fc.Arbitrary<unknown> => {
    if (depth > MAX_DEPTH) return fc.constant(null);
    if (typeof s.$ref === 'string') {
      const name = s.$ref.replace(/^#\/\$defs\//, '');
      const target = defs[name];
      return target ? build(target, depth + 1) : fc.jsonValue({ maxDepth: 2 });
    }
    if ('const' in s) return fc.constant(s.const);
    if (Array.isArray(s.enum)) return fc.constantFrom(...(s.enum as unknown[]));
    const branches = (s.anyOf ?? s.oneOf) as JsonSchema[] | undefined;
    if (branches) return fc.oneof(...branches.map((b) => build(b, depth + 1)));
    if (Array.isArray(s.allOf) && s.allOf.length > 0) return build(s.allOf[0] as JsonSchema, depth + 1);
    if (Array.isArray(s.type)) return fc.oneof(...(s.type as string[]).map((type) => build({ ...s, type }, depth)));

    switch (s.type) {
      case 'string':
        return stringOf(s);
      case 'integer':
      case 'number':
        return numberOf(s);
      case 'boolean':
        return fc.boolean();
      case 'null':
        return fc.constant(null);
      case 'array': {
        const items = build((s.items ?? {}) as JsonSchema, depth + 1);
        const minLength = Number(s.minItems ?? 0);
        const upper = Math.min(Number(s.maxItems ?? MAX_ITEMS_CAP), MAX_ITEMS_CAP);
        return max
          ? fc.array(items, { minLength: upper, maxLength: upper })
          : fc.array(items, { minLength, maxLength: Math.min(upper, minLength + SMALL_EXTRA_ITEMS) });
      }
      case 'object':
        return objectOf(s, depth);
      default:
        return fc.jsonValue({ maxDepth: 2 });
    }
  };

  function stringOf(s: JsonSchema): fc.Arbitrary<string> {
    if (s.format === 'date-time') return isoInstant;
    if (s.format === 'uuid') return fc.uuid({ version: 4 });
    const minLength = Number(s.minLength ?? 0);
    const maxLength = Math.min(Number(s.maxLength ?? MAX_STRING_CAP), MAX_STRING_CAP);
    if (typeof s.pattern === 'string') {
      const pattern = new RegExp(s.pattern);
      const matching = fc.stringMatching(pattern).filter((v) => v.length >= minLength && v.length <= maxLength);
      const stored = known.filter((k) => pattern.test(k));
      return stored.length > 0 ? fc.oneof({ arbitrary: fc.constantFrom(...stored), weight: 3 }, { arbitrary: matching, weight: 1 }) : matching;
    }
    // At most 200 characters even where a text may take more: 60 questions of 30 options are large enough.
    const longest = Math.max(minLength, Math.min(maxLength, MAX_TEXT_IN_MAX_SHAPE));
    if (max) return fc.constantFrom('税', '𠜎', '评').map((c) => c.repeat(longest));
    return fc.string({ minLength, maxLength: Math.min(maxLength, minLength + 24), unit: 'grapheme' });
  }

  function numberOf(s: JsonSchema): fc.Arbitrary<number> {
    const integer = s.type === 'integer';
    const min = Number(s.minimum ?? (s.exclusiveMinimum !== undefined ? Number(s.exclusiveMinimum) + (integer ? 1 : Number.EPSILON) : -1e6));
    const maxValue = Number(s.maximum ?? (s.exclusiveMaximum !== undefined ? Number(s.exclusiveMaximum) - (integer ? 1 : Number.EPSILON) : 1e6));
    if (max) return fc.constant(maxValue);
    if (!integer) return fc.oneof(fc.constantFrom(min, maxValue), fc.double({ min, max: maxValue, noNaN: true, noDefaultInfinity: true }));
    // Small values first: a revision or a version of the fixtures is 1 or 2.
    const low = Math.ceil(min);
    return fc.oneof(
      { arbitrary: fc.integer({ min: low, max: Math.min(maxValue, low + 3) }), weight: 3 },
      { arbitrary: fc.integer({ min: low, max: Math.min(maxValue, Number.MAX_SAFE_INTEGER) }), weight: 1 },
    );
  }

  function objectOf(s: JsonSchema, depth: number): fc.Arbitrary<Record<string, unknown>> {
    const properties = (s.properties ?? {}) as Record<string, JsonSchema>;
    const required = new Set((s.required ?? []) as string[]);
    const shape = Object.fromEntries(Object.entries(properties).map(([key, p]) => [key, build(p, depth + 1)]));
    const fixed = fc.record(shape, { requiredKeys: max ? Object.keys(shape) : [...required], noNullPrototype: true });
    const extra = s.additionalProperties;
    if (typeof extra !== 'object' || extra === null) return fixed;
    const keys = (s.propertyNames ? build(s.propertyNames as JsonSchema, depth + 1) : fc.string({ maxLength: 12 })) as fc.Arbitrary<string>;
    const values = build(extra as JsonSchema, depth + 1);
    const maxKeys = max ? MAX_RECORD_KEYS : SMALL_EXTRA_ITEMS;
    const rest = fc.dictionary(keys, values, { maxKeys, noNullPrototype: true, ...(max ? { size: 'max' as const } : {}) });
    return fc.tuple(fixed, rest).map(([a, b]) => ({ ...b, ...a }));
  }

  return build(root, 0);
}
