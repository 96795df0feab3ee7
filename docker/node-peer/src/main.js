// Starts the Node.js peer: `node src/main.js [--port N]` (or env PORT), plaintext on 0.0.0.0.
import { parseArgs } from 'node:util';
import { PeerServer } from './peer-server.js';

const DEFAULT_PORT = 50051;
const SHUTDOWN_GRACE_MILLIS = 5000;

function log(message) {
  console.log(`${new Date().toISOString()} node-peer: ${message}`);
}

function portFromCommandLine() {
  const { values } = parseArgs({ options: { port: { type: 'string' } } });
  const text = values.port ?? process.env.PORT ?? String(DEFAULT_PORT);
  const port = Number(text);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(`port must be an integer from 0 to 65535, got "${text}"`);
  }
  return port;
}

let requestedPort;
try {
  requestedPort = portFromCommandLine();
} catch (error) {
  console.error(`node-peer: ${error.message}\nusage: node src/main.js [--port N]   (or env PORT)`);
  process.exit(2);
}

const server = new PeerServer();
const port = await server.start(requestedPort);
log(`serving plaintext on 0.0.0.0:${port}`);

async function shutDown(signal) {
  log(`${signal} received, shutting down (in-flight calls get ${SHUTDOWN_GRACE_MILLIS} ms)`);
  const finishedInTime = await server.stop(SHUTDOWN_GRACE_MILLIS);
  log(finishedInTime ? 'stopped' : 'stopped, cancelling calls still in flight');
  process.exit(0);
}

for (const signal of ['SIGTERM', 'SIGINT']) process.once(signal, () => shutDown(signal));
