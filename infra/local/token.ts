/**
 * `npm run token -- <role>`: prints a local staff token (a Cognito-style access token, valid 12 h) that a
 * running `npm start` accepts, since both use the signing key in `.local/jwt-key.json`.
 *
 *   curl -H "Authorization: Bearer $(npm run -s token -- supervisor)" http://127.0.0.1:3000/periods/…/tallies
 */
import { ROLES, type Role } from '../../functions/routes';
import { loadLocalIssuer } from './jwt';
import { DEFAULT_DATA_DIR, jwtKeyFile } from './paths';

const USAGE = `usage: npm run token -- <role>   where <role> is one of: ${ROLES.join(', ')}`;
const args = process.argv.slice(2);
const role = args[0];

if (args.length !== 1 || !role || !(ROLES as readonly string[]).includes(role)) {
  console.error(args.length === 0 ? USAGE : `"${args.join(' ')}" is not a role.\n${USAGE}`);
  process.exit(2);
}

const issuer = await loadLocalIssuer(jwtKeyFile(DEFAULT_DATA_DIR));
process.stdout.write(`${await issuer.sign(role as Role)}\n`);
