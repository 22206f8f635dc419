/**
 * `npm start`: the whole of Pingyi on this machine (see stack.ts), with the demo district seeded.
 *
 *   npm start                     data kept in .local/dynamodb between runs, on PORT (default 3000)
 *   npm start -- --in-memory      data gone when it stops
 *   npm start -- --no-seed        no demo district
 *
 * Prints the pages to open, a supervisor token and where another system's token comes from; Ctrl-C (or
 * SIGTERM) stops every process it started.
 * When DynamoDB Local dies it is restarted on the same data; with --in-memory its data is gone, so
 * everything stops with exit code 1.
 */
import { relative } from 'node:path';
import { DEFAULT_DATA_DIR } from './paths';
import { startLocal, type LocalStack } from './stack';

// The SDK warns on every start that its 2027 releases will need Node 22; package.json's engines says 20 today.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const USAGE = 'usage: npm start [-- --in-memory] [-- --no-seed]   (port from PORT, default 3000)';
const args = process.argv.slice(2);
const unknown = args.filter((a) => a !== '--in-memory' && a !== '--no-seed');
if (unknown.length > 0 || args.includes('--help')) {
  console.error(unknown.length > 0 ? `unknown option ${unknown.join(' ')}\n${USAGE}` : USAGE);
  process.exit(2);
}
const inMemory = args.includes('--in-memory');
const port = Number(process.env.PORT ?? 3000);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`PORT must be a port number, not "${process.env.PORT}"`);
  process.exit(2);
}

const started = performance.now();
let stack: LocalStack;
let stopping = false;

/** DynamoDB Local died and cannot come back (in-memory data, or it would not restart): stop everything, loudly. */
const dynamoLost = async (message: string) => {
  if (stopping) return;
  stopping = true;
  console.error(`\nPingyi stops: ${message}`);
  console.error(
    inMemory
      ? 'Start again with `npm start`: without --in-memory the data is kept in .local/ and DynamoDB Local is restarted when it dies.'
      : 'Start again with `npm start`; the data in .local/ is kept.',
  );
  await stack?.stop().catch((error: unknown) => console.error(`stop failed: ${(error as Error).message}`));
  process.exit(1);
};

try {
  stack = await startLocal({ port, inMemory, seed: !args.includes('--no-seed'), onDynamoLost: (message) => void dynamoLost(message) });
} catch (error) {
  console.error(`Pingyi could not start: ${(error as Error).message}`);
  process.exit(1);
}

const shutdown = async (signal: string) => {
  if (stopping) {
    console.error(`${signal} again: exiting now`);
    process.exit(130);
  }
  stopping = true;
  console.log(`\n${signal}: stopping the stream reader, the scheduler, the server and DynamoDB Local…`);
  try {
    const stopStarted = performance.now();
    await stack.stop();
    console.log(`stopped in ${Math.round(performance.now() - stopStarted)} ms`);
    process.exit(0);
  } catch (error) {
    console.error(`stop failed: ${(error as Error).message}`);
    process.exit(1);
  }
};
process.on('SIGINT', () => void shutdown('SIGINT'));
process.on('SIGTERM', () => void shutdown('SIGTERM'));
process.on('SIGHUP', () => void shutdown('SIGHUP'));

const { url, seed } = stack;
const [supervisorToken, adminToken] = await Promise.all([stack.token('supervisor'), stack.token('admin')]);
const where = inMemory ? 'in memory' : `in ${relative(process.cwd(), DEFAULT_DATA_DIR) || '.local'}/dynamodb`;
const dynamo = stack.dynamoStartupMs === undefined ? '' : `, DynamoDB Local ready in ${(stack.dynamoStartupMs / 1000).toFixed(1)} s`;
const dynamoListens = stack.dynamo
  ? `${stack.dynamo.endpoint} (pid ${stack.dynamo.pid}${stack.dynamo.loopbackOnly ? ', 127.0.0.1 only' : ', EVERY interface: see the warning above'})`
  : stack.dynamoEndpoint;
const lines = [
  '',
  `Pingyi is running at ${url}  (data ${where}; started in ${((performance.now() - started) / 1000).toFixed(1)} s${dynamo})`,
  '',
  seed ? `  Citizens rate:    ${url}/rate.html?form=${encodeURIComponent(seed.forms.annual)}` : `  Home page:        ${url}/`,
  seed ? `  A service window: ${url}/rate.html?form=${encodeURIComponent(seed.forms.windows)}&unit=window-general` : '',
  `  Supervisors:      ${url}/supervisor.html#token=${supervisorToken}`,
  `  Dashboard:        ${url}/dashboard.html#token=${supervisorToken}`,
  `  Admins:           ${url}/admin-forms.html#token=${adminToken}`,
  `  API description:  ${url}/openapi.json`,
  `  Health:           ${url}/health  (with DynamoDB: ${url}/health?deep=true)`,
  `  DynamoDB Local:   ${dynamoListens}`,
  seed
    ? `  Demo data:        ${seed.units} units, ${seed.responses} responses in period ${seed.periodId}; the tally runs every minute`
    : '',
  seed?.invitationBatch
    ? `  Invitations:      ${url}/admin-invitations.html#token=${adminToken}  (demo batch ${seed.invitationBatch.batchId})`
    : '',
  '',
  'Staff tokens are valid 12 h; `npm run token -- supervisor|admin|unitHandler` prints another.',
  "Another system's token (client credentials, scope service-records, valid 1 h): `npm run -s token -- service-records`, e.g.",
  `  curl -X POST ${url}/service-records -H "Authorization: Bearer $(npm run -s token -- service-records)" \\`,
  `       -H 'Content-Type: application/json' -d '{"formId":"${seed?.forms.windows ?? '<formId>'}","unitId":"window-general","recordNumber":"BJ-0001"}'`,
  'Ballot keys: .local/ballot-keys.json (`npm run ballot-keys -- show|rotate|retire <keyId>`).',
  '',
  'Ctrl-C stops everything.',
  '',
];
console.log(lines.filter((line, i) => line !== '' || lines[i - 1] !== '').join('\n'));
