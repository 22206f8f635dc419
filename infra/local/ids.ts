import { createHash } from 'node:crypto';

/** The namespace of every name-based id the local runtime derives (a fixed, random UUID). */
export const LOCAL_NAMESPACE = '5d0f0b8e-4c1a-4d6e-9a57-3f2a9c1e7b40';

/**
 * A name-based UUID (RFC 9562 version 5: SHA-1 of namespace and name). The same name always gives the same
 * id, which is what makes the demo seed re-runnable: its ratings carry fixed submission ids, so a second
 * seed meets the first one's items instead of adding ballots.
 */
export function uuidV5(name: string, namespace: string = LOCAL_NAMESPACE): string {
  const namespaceBytes = Buffer.from(namespace.replaceAll('-', ''), 'hex');
  if (namespaceBytes.length !== 16) throw new Error(`not a UUID: ${namespace}`);
  const hash = createHash('sha1').update(namespaceBytes).update(name, 'utf8').digest();
  hash[6] = (hash[6]! & 0x0f) | 0x50;
  hash[8] = (hash[8]! & 0x3f) | 0x80;
  const hex = hash.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
