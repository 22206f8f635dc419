import { createHmac, randomBytes } from 'node:crypto';
import { isIPv6 } from 'node:net';
import { cstParts } from '../time-zone';

/**
 * The client key of an open ballot: an HMAC of the request's source address and browser under a salt of
 * the day. The address is never stored; the salt is made by the day's first submission and deleted after
 * its day, so keys of different days cannot be linked, and nobody can later test an address against a
 * stored key.
 */

/** The China Standard Time day of an instant, `2026-11-28`: client keys and their salts go by it. */
export function cstDay(at: Date): string {
  const p = cstParts(at.toISOString());
  return `${p.year}-${p.month}-${p.day}`;
}

/** A new random salt (256 bits, base64). */
export const newSalt = (): string => randomBytes(32).toString('base64');

/**
 * What identifies a client: an IPv4 address, or the /64 prefix of an IPv6 one (a phone rotates the rest of
 * its address every few hours), with the browser's user agent.
 */
export function clientAddress(address: string): string {
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(address);
  if (mapped) return mapped[1]!;
  if (!isIPv6(address)) return address;
  const [head = '', tail = ''] = address.toLowerCase().split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const groups = address.includes('::') ? [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right] : left;
  return groups.slice(0, 4).map((g) => g.replace(/^0+(?=.)/, '')).join(':') + '::/64';
}

/** The client key: 128 bits in base64url. */
export function clientKey(salt: string, address: string, userAgent: string): string {
  return createHmac('sha256', Buffer.from(salt, 'base64')).update(`${clientAddress(address)}\n${userAgent}`).digest().subarray(0, 16).toString('base64url');
}

/** What the day-salts job needs. */
export interface DaySaltDeps {
  /** The days that have a salt. */
  saltDays(): Promise<string[]>;
  deleteSalt(day: string): Promise<void>;
  now(): Date;
}

/**
 * Deletes the salt of every day before today (China Standard Time): from then on the client keys of those
 * days can no longer be made from an address. Returns the days forgotten.
 */
export async function forgetPastSalts(deps: DaySaltDeps): Promise<string[]> {
  const today = cstDay(deps.now());
  const past = (await deps.saltDays()).filter((day) => day < today).sort();
  for (const day of past) await deps.deleteSalt(day);
  return past;
}
