/**
 * `npm run token -- <role> | <machine scope>`: prints a local token that a running `npm start` accepts,
 * since both use the signing key in `.local/jwt-key.json`:
 * - for a role, a staff member's Cognito-style access token, valid 12 h;
 * - for a machine scope (`service-records`), another system's client-credentials token with that scope,
 *   valid 1 h, as Cognito's token endpoint gives the machine client on AWS.
 *
 *   curl -H "Authorization: Bearer $(npm run -s token -- supervisor)" http://127.0.0.1:3000/periods/…/tallies
 *   curl -H "Authorization: Bearer $(npm run -s token -- service-records)" -X POST http://127.0.0.1:3000/service-records …
 */
import { MACHINE_SCOPES, ROLES, type Role } from '../../functions/routes';
import type { MachineScope } from '../../functions/routes/route';
import { loadLocalIssuer } from './jwt';
import { DEFAULT_DATA_DIR, jwtKeyFile } from './paths';

const SCOPES: readonly string[] = Object.values(MACHINE_SCOPES);
const USAGE =
  `usage: npm run token -- <role> [--unit <unitId>]...   where <role> is one of: ${ROLES.join(', ')}\n` +
  `       npm run token -- <scope>                       another system's token, where <scope> is one of: ${SCOPES.join(', ')}`;
const [what, ...rest] = process.argv.slice(2);

if (what !== undefined && SCOPES.includes(what)) {
  if (rest.length > 0) {
    console.error(`a machine token takes no options.\n${USAGE}`);
    process.exit(2);
  }
  const issuer = await loadLocalIssuer(jwtKeyFile(DEFAULT_DATA_DIR));
  process.stdout.write(`${await issuer.signMachine(what as MachineScope)}\n`);
} else {
  const unitIds: string[] = [];
  let bad = !what || !(ROLES as readonly string[]).includes(what);
  for (let i = 0; i < rest.length; i += 2) {
    if (rest[i] !== '--unit' || !rest[i + 1]) bad = true;
    else unitIds.push(rest[i + 1]!);
  }
  if (bad) {
    console.error(what ? `"${process.argv.slice(2).join(' ')}" is not a role with units, nor a machine scope.\n${USAGE}` : USAGE);
    process.exit(2);
  }
  const issuer = await loadLocalIssuer(jwtKeyFile(DEFAULT_DATA_DIR));
  process.stdout.write(`${await issuer.sign(what as Role, { unitIds })}\n`);
}
