import type * as z from 'zod/mini';
import { ZErrorBody, ZGatewayErrorBody } from '../../functions/platform/error-body';
import type { FuzzRequest } from './requests';

/**
 * What every answer to a malformed request must be, whatever the request: no 5xx, an error body of the
 * API's own shape, nothing in it a client should not see (stack traces, file paths, the names of the
 * runtime's or AWS's internals, an engine's message), and no echo of what was sent beyond field paths.
 */

export interface Answer {
  status: number;
  body: string;
}

/** Texts an error body must never contain, each with what it would betray. */
const LEAKS: readonly [string, RegExp][] = [
  ['a stack frame', /\n\s+at |\bat (?:async )?\S+ \(\S*:\d+:\d+\)|\bat (?:file|node):/],
  ['a file path', /\/work\/|\/home\/|\/tmp\/|\/var\/task|\/opt\/|node_modules|file:\/\/|\.(?:ts|js|mjs|cjs):\d+|[A-Z]:\\\\/],
  [
    'an internal name',
    /DynamoDB|ConditionalCheck|TransactionCancel|\w+Exception\b|\b(?:Type|Reference|Range|Syntax|Aggregate|Eval|URI)Error\b|ZodError|\$zod|@aws-sdk|@smithy|\bmiddy\b|powertools|TableName|\bCATALOG_TABLE\b|\bRESPONSES_TABLE\b/i,
  ],
  [
    "an engine's message",
    /Unexpected (?:token|end of JSON|non-whitespace)|JSON at position|" is not valid JSON|Cannot read propert|Cannot convert|undefined is not|is not a function|is not iterable|is not defined|Maximum call stack|\[object Object\]/,
  ],
];

/** Id-shaped strings (what the API's id schemas let through) may be named back: `No form with id tax-bureau`. */
const ID_SHAPED = /^[A-Za-z0-9][A-Za-z0-9-]*$/;
const MIN_ECHO_LENGTH = 4;

/** Every string a request carries: decoded path segments, query keys and values, headers, and the body's strings and keys. */
export function inputStrings(request: FuzzRequest): string[] {
  const out = new Set<string>();
  const add = (s: string) => {
    const t = s.trim();
    if (t.length >= MIN_ECHO_LENGTH && !ID_SHAPED.test(t)) out.add(t);
  };
  for (const segment of Object.values(request.segments)) {
    add(segment);
    try {
      add(decodeURIComponent(segment));
    } catch {
      // the raw segment is enough
    }
  }
  for (const [k, v] of new URLSearchParams(request.rawQuery)) {
    add(k);
    add(v);
  }
  // The content type is left out: the 415 message names the one it wants, which a request may well have sent.
  for (const [k, v] of Object.entries(request.headers)) if (k !== 'content-type') add(v);
  if (request.body !== undefined) {
    const text = request.body.toString('utf8');
    try {
      collect(JSON.parse(text) as unknown, add);
    } catch {
      // Not JSON: its string-like pieces.
      for (const piece of text.split(/["{}[\],:\s]+/)) if (piece.length >= 6) add(piece);
    }
  }
  return [...out];
}

/** Everything a request carries, as one text. */
const requestText = (r: FuzzRequest) =>
  [...Object.values(r.segments), r.rawQuery, ...Object.values(r.headers), r.body?.toString('utf8') ?? ''].join('\n');

function collect(value: unknown, add: (s: string) => void, depth = 0): void {
  if (depth > 200) return;
  if (typeof value === 'string') add(value);
  else if (Array.isArray(value)) value.slice(0, 1_000).forEach((v) => collect(v, add, depth + 1));
  else if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value).slice(0, 1_000)) {
      add(k);
      collect(v, add, depth + 1);
    }
  }
}

/** The texts of an error body a person reads: every string but the field paths (an Open311 `description` starts with its field's). */
function readableTexts(body: unknown): string[] {
  const out: string[] = [];
  const walk = (value: unknown, key: string | undefined, inFields: boolean) => {
    if (typeof value === 'string') {
      if (key === 'description') out.push(value.replace(/^[\w.[\]-]+: /, ''));
      else if (!(inFields && key === 'path')) out.push(value);
    } else if (Array.isArray(value)) value.forEach((v) => walk(v, undefined, inFields));
    else if (value !== null && typeof value === 'object') {
      for (const [k, v] of Object.entries(value)) walk(v, k, inFields || k === 'fields');
    }
  };
  walk(body, undefined, false);
  return out;
}

export interface OracleOptions {
  /** Bodies API Gateway (or the local adapter in its place) writes itself, `{ "message" }`, are acceptable too. */
  gateway?: boolean;
  /** The error body the route declares instead of the API's own (Open311's `[{ code, description }]`), acceptable too. */
  errorBody?: z.ZodMiniType;
}

/** What is wrong with the answer to a malformed request; empty when nothing is. */
export function problemsWith(answer: Answer, request: FuzzRequest, options: OracleOptions = {}): string[] {
  const problems: string[] = [];
  if (answer.status >= 500) problems.push(`answered ${answer.status}`);
  if (answer.status < 400) return problems;

  let body: unknown;
  try {
    body = JSON.parse(answer.body);
  } catch {
    return [...problems, `the ${answer.status} body is not JSON: ${answer.body.slice(0, 200)}`];
  }
  const shaped =
    ZErrorBody.safeParse(body).success ||
    (options.gateway === true && ZGatewayErrorBody.safeParse(body).success) ||
    (options.errorBody !== undefined && options.errorBody.safeParse(body).success);
  if (!shaped) problems.push(`the ${answer.status} body is not an error body: ${answer.body.slice(0, 200)}`);

  const texts = readableTexts(body);
  const joined = texts.join('\n');
  for (const [what, pattern] of LEAKS) {
    const found = pattern.exec(joined);
    if (found) problems.push(`the ${answer.status} body shows ${what} (${JSON.stringify(found[0])}): ${answer.body.slice(0, 300)}`);
  }
  // zod names the type it got ("received undefined"); any other `undefined` is a value that went missing in code.
  if (/(?<!received |接收 )\bundefined\b/.test(joined) && !requestText(request).includes('undefined')) {
    problems.push(`the ${answer.status} body names an undefined value: ${answer.body.slice(0, 300)}`);
  }
  for (const sent of inputStrings(request)) {
    const echo = texts.find((t) => t.includes(sent));
    if (echo !== undefined) {
      problems.push(`the ${answer.status} body echoes what was sent (${JSON.stringify(sent.slice(0, 60))}) in ${JSON.stringify(echo.slice(0, 300))}`);
      break;
    }
  }
  return problems;
}

/** The error body a route declares for its refusals (4xx; Open311's routes do), if any. */
export const declaredErrorBody = (route: { responses: readonly { status: number; schema?: z.ZodMiniType }[] }): z.ZodMiniType | undefined =>
  route.responses.find((r) => r.status >= 400 && r.status < 500 && r.schema !== undefined)?.schema;
