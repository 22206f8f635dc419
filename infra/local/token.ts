/**
 * `npm run token -- <role>`: prints a local staff token (a Cognito-style access token, valid 12 h) that a
 * running `npm start` accepts, since both use the signing key in `.local/jwt-key.json`.
 *
 *   curl -H "Authorization: Bearer $(npm run -s token -- supervisor)" http://127.0.0.1:3000/periods/…/tallies
 */
import { ROLES, type Role } from '../../functions/routes';
import { loadLocalIssuer } from './jwt';
import { DEFAULT_DATA_DIR, jwtKeyFile } from './paths';

const USAGE = `usage: npm run token -- <role> [--unit <unitId>]...   where <role> is one of: ${ROLES.join(', ')}`;
const [role, ...rest] = process.argv.slice(2);
const unitIds: string[] = [];
let bad = !role || !(ROLES as readonly string[]).includes(role);
for (let i = 0; i < rest.length; i += 2) {
  if (rest[i] !== '--unit' || !rest[i + 1]) bad = true;
  else unitIds.push(rest[i + 1]!);
}
if (bad) {
  console.error(role ? `"${process.argv.slice(2).join(' ')}" is not a role with units.\n${USAGE}` : USAGE);
  process.exit(2);
}

const issuer = await loadLocalIssuer(jwtKeyFile(DEFAULT_DATA_DIR));
process.stdout.write(`${await issuer.sign(role as Role, { unitIds })}\n`);
