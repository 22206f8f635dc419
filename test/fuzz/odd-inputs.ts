import fc from 'fast-check';

/**
 * The raw material of malformed requests: odd strings, keys and values, broken JSON texts, wrong content
 * types and encodings, path segments and query strings that have tripped web services before.
 */

/** JSON text to be spliced into a body as is (a number JSON.stringify cannot write, a duplicate key, deep nesting). */
export class RawJson {
  constructor(readonly text: string) {}
}

/** Keys that mean something to JavaScript objects, at every level of a body. */
export const PROTOTYPE_KEYS = ['__proto__', 'constructor', 'prototype'] as const;

const repeat = (unit: string, min: number, max: number) => fc.integer({ min, max }).map((n) => unit.repeat(n));

const loneSurrogate = fc.integer({ min: 0xd800, max: 0xdfff }).map((c) => String.fromCharCode(c));

/** Strings that break naive code: NUL, lone surrogates, bidi marks, emoji sequences, markup, very long CJK. */
export const oddString: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'grapheme', maxLength: 40 }) },
  {
    weight: 6,
    arbitrary: fc.constantFrom(
      '',
      ' ',
      '\t\n',
      '\u0000',
      'a\u0000b',
      '\ud800',
      '\udfff',
      'x\ud83d',
      '\udc00\ud800',
      '\u202e\u200f\u061c',
      '\u200b\u200d\ufeff',
      '\u0301\u0301\u0301',
      '🙂'.repeat(12),
      '👨‍👩‍👧‍👦🏳️‍🌈',
      'Z͑ͫ̓ͪ̂ͫ̽͏̴̙̤̞͉͚̯̞̠͍A̴̵̜̰͔ͫ͗͢',
      '<script>alert(1)</script>',
      "'; DROP TABLE x; --",
      '${7*7}{{7*7}}',
      '../../../etc/passwd',
      'C:\\Windows\\win.ini',
      '%s%s%n%x',
      '\r\n\r\nX-Injected: 1',
      'null',
      'undefined',
      'NaN',
      'true',
      '__proto__',
      'constructor',
      'prototype',
      'toString',
      'hasOwnProperty',
      '评议 税务局',
      'ＡＢＣ１２３',
    ),
  },
  { weight: 1, arbitrary: loneSurrogate },
  { weight: 1, arbitrary: fc.tuple(loneSurrogate, fc.string({ maxLength: 10 })).map(([s, t]) => `${t}${s}${t}`) },
  { weight: 1, arbitrary: fc.oneof(repeat('税', 201, 5_000), repeat('𠜎', 201, 2_000), repeat('\u200f', 100, 2_000)) },
);

/** Keys for extra fields: JavaScript's own, empty, numeric, dotted, odd unicode. */
export const oddKey: fc.Arbitrary<string> = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.constantFrom(
      ...PROTOTYPE_KEYS,
      'toString',
      'valueOf',
      'hasOwnProperty',
      '__defineGetter__',
      'length',
      '',
      ' ',
      '\u0000',
      '0',
      '-1',
      '1e3',
      'a.b',
      'a/b',
      '$where',
      'zh-CN',
      'en',
      'rev',
      'pk',
      'sk',
    ),
  },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 20 }) },
  { weight: 1, arbitrary: repeat('k', 500, 5_000) },
);

/** Numbers as JSON text: past double range, negative zero, exponents, more digits than a double holds. */
const oddNumber = fc
  .constantFrom('1e400', '-1e400', '-0', '1E+2', '0.1e-400', '12345678901234567890123', '9007199254740993', '1.0', '0.00000000000000000001', '-9007199254740993')
  .map((text) => new RawJson(text));

/** Nesting far deeper than any schema: `[[[…]]]` or `{"a":{"a":…}}`. */
export const deepNesting = fc
  .tuple(fc.constantFrom('array', 'object'), fc.integer({ min: 500, max: 60_000 }))
  .map(([shape, depth]) =>
    new RawJson(shape === 'array' ? `${'['.repeat(depth)}1${']'.repeat(depth)}` : `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`),
  );

/** Very large values: a long string, a long array, deep nesting. */
export const hugeValue: fc.Arbitrary<unknown> = fc.oneof(
  repeat('x', 100_000, 1_500_000),
  repeat('税', 50_000, 500_000),
  fc.integer({ min: 1_000, max: 100_000 }).map((n) => new Array<number>(n).fill(7)),
  fc.integer({ min: 1_000, max: 20_000 }).map((n) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`k${i}`, i]))),
  deepNesting,
);

/** A value of the wrong type, or of the right type with an odd content; never huge. */
export const smallOddValue: fc.Arbitrary<unknown> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.constantFrom<unknown>(
      null,
      true,
      false,
      0,
      -1,
      1.5,
      2 ** 53 + 2,
      Number.MAX_VALUE,
      -Number.MAX_VALUE,
      Number.MIN_VALUE,
      '',
      [],
      {},
      [[]],
      [null],
      { '': '' },
      ['a', 1, null, {}],
    ),
  },
  { weight: 4, arbitrary: oddString },
  { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
  { weight: 1, arbitrary: oddNumber },
);

/** A value of the wrong type, or of the right type with an odd content, now and then a huge one. */
export const oddValue: fc.Arbitrary<unknown> = fc.oneof({ weight: 50, arbitrary: smallOddValue }, { weight: 1, arbitrary: hugeValue });

/** Bodies that are not JSON at all, or almost JSON. */
export const brokenJsonText: fc.Arbitrary<string> = fc.constantFrom(
  '{',
  '}',
  '[',
  '{"a":}',
  "{'a':1}",
  '{"a":1,}',
  '[1,]',
  'NaN',
  'Infinity',
  'undefined',
  '{"a":1}/*c*/',
  '// x\n{}',
  '{"a":"\\x41"}',
  '{"a":"\\u12"}',
  '{"a":"\t"}',
  '{"a":1}{"b":2}',
  '{"a" 1}',
  'nul',
  'tru',
  '0x10',
  '01',
  '.5',
  '+1',
  '--1',
  '\u0000',
  '\ufeff{}',
  '{"a":1}\u0000',
  '\u0000{"a":1}',
  '<?xml version="1.0"?><a/>',
  'a=1&b=2',
  `${'['.repeat(100_000)}`,
  `${'{"a":'.repeat(50_000)}`,
);

/** Corruptions of a JSON text: cut short, or one structural character put in. */
export const corruption = fc.tuple(fc.nat(), fc.constantFrom('cut', '{', '}', '[', ']', '"', ',', ':', '\\', '\u0000', '\n'));
export function corrupt(text: string, [at, how]: [number, string]): string {
  const k = text.length === 0 ? 0 : at % text.length;
  return how === 'cut' ? text.slice(0, k) : `${text.slice(0, k)}${how}${text.slice(k)}`;
}

/** Content types API Gateway passes on as they came. */
export const JSON_CONTENT_TYPES = ['application/json', 'application/json; charset=utf-8', 'Application/JSON', 'application/vnd.api+json', 'application/json;charset=UTF-8'];
export const NON_JSON_CONTENT_TYPES = [
  'text/plain',
  'text/json',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=x',
  'application/jsonx',
  'application/xml',
  'application/octet-stream',
  '',
  ' application/json',
  'json',
  '*/*',
  'image/png',
];
/** Acceptable media types whose body is still no UTF-8 JSON. */
export const ODD_JSON_CONTENT_TYPES = ['application/json; charset=utf-16', 'application/json; charset=gbk', 'application/problem+json', 'application/json, text/plain'];

/** Byte-level breakage of a UTF-8 JSON text. */
export type Encoding = 'utf16le' | 'latin1' | 'bom' | 'invalidUtf8' | 'truncatedUtf8';
export const encoding = fc.tuple(fc.constantFrom<Encoding>('utf16le', 'latin1', 'bom', 'invalidUtf8', 'truncatedUtf8'), fc.nat());
export function encode(text: string, [how, at]: [Encoding, number]): Buffer {
  const utf8 = Buffer.from(text, 'utf8');
  const k = utf8.length === 0 ? 0 : at % utf8.length;
  switch (how) {
    case 'utf16le':
      return Buffer.from(text, 'utf16le');
    case 'latin1':
      return Buffer.from(text, 'latin1');
    case 'bom':
      return Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), utf8]);
    case 'invalidUtf8':
      return Buffer.concat([utf8.subarray(0, k), Buffer.from([0xff, 0xc0, 0xaf, 0xed, 0xa0, 0x80]), utf8.subarray(k)]);
    case 'truncatedUtf8':
      return Buffer.concat([Buffer.from(text.slice(0, Math.max(0, text.length - 1)), 'utf8'), Buffer.from([0xe7, 0xa8])]);
  }
}

/** A path segment as sent on the wire (percent-encoded where it must be): traversal, encoded slashes, odd ids. */
export const oddSegment: fc.Arbitrary<string> = fc.oneof(
  {
    weight: 5,
    arbitrary: fc.constantFrom(
      '..',
      '.',
      '%2e%2e',
      '%2E',
      'a%2Fb',
      '%2F',
      '..%2F..%2Fadmin',
      '%2e%2e%2f%2e%2e%2fetc%2fpasswd',
      '..%5C..%5C',
      '%00',
      'a%00b',
      '%ZZ',
      '%',
      '%E4%B8',
      '%ED%A0%80',
      '%C0%AF',
      '__proto__',
      'constructor',
      'prototype',
      'toString',
      'hasOwnProperty',
      '%20',
      '+',
      'a+b',
      '-',
      '-a',
      'A',
      'TAX-BUREAU',
      'a'.repeat(64),
      'a'.repeat(5_000),
      encodeURIComponent('税务局'),
      encodeURIComponent('\u202etax-bureau'),
      encodeURIComponent('tax-bureau\u200b'),
      encodeURIComponent('🙂'),
      encodeURIComponent('ｔａｘ'),
      '1e3',
      '0',
      '-1',
      '1.5',
      '0x1',
      '%201',
      '1%20',
      '9007199254740993',
      '1'.repeat(400),
      'NaN',
      'Infinity',
      '%5Bobject%20Object%5D',
      '%24%7Bjndi%3Aldap%3A%2F%2Fx%7D',
      ';x=1',
      'a;b',
    ),
  },
  { weight: 2, arbitrary: oddString.map(encodeSegment) },
);

/** encodeURIComponent, except that a lone surrogate goes out as the (invalid) UTF-8 of one. */
export function encodeSegment(value: string): string {
  try {
    return encodeURIComponent(value);
  } catch {
    return `${encodeURIComponent(value.replace(/[\ud800-\udfff]/g, ''))}%ED%A0%80`;
  }
}

/** Query strings as sent: prototype keys, repeated keys, bad escapes, very long values. */
export const oddQuery: fc.Arbitrary<string> = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.constantFrom(
      '__proto__=x',
      '__proto__[polluted]=1',
      'constructor[prototype][polluted]=1',
      'constructor=1&prototype=2&toString=3',
      'a=1&a=2&a=3',
      'a=%ZZ',
      '=',
      '&&',
      '?',
      'a',
      `a=${'x'.repeat(20_000)}`,
      'x=%00',
      '%E4%B8=1',
      '%ED%A0%80=1',
      'a[]=1&a[]=2',
      'limit=-1&limit=1e9',
      `cursor=${'A'.repeat(3_000)}`,
      'next=..%2F..%2F',
      'format=csv&lang=en',
      '%F0%9F%99%82=%F0%9F%99%82',
    ),
  },
  {
    weight: 2,
    arbitrary: fc
      .array(fc.tuple(fc.oneof(oddKey, fc.string({ maxLength: 8 })), oddString), { minLength: 1, maxLength: 4 })
      .map((pairs) => pairs.map(([k, v]) => `${encodeSegment(k)}=${encodeSegment(v)}`).join('&')),
  },
);

/** Accept-Language values, from the ordinary to the absurd. */
export const oddLanguage: fc.Arbitrary<string | undefined> = fc.constantFrom(
  undefined,
  'en',
  'zh-CN',
  'en-US,en;q=0.9',
  'zh-TW',
  '*',
  '',
  'xx-YY',
  'en;q=abc',
  ',,,',
  'EN',
  'zh-cn;q=0.1, en;q=0.2',
  'x'.repeat(5_000),
  '\u0000',
  '税务',
  '__proto__',
);
