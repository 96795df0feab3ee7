// Starts the Node.js peer: `node src/main.js [--port N]` (or env PORT), plaintext on 0.0.0.0, and
// over TLS too when given a certificate and key (see README.md for the flags and variables).
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { PeerServer } from './peer-server.js';

const DEFAULT_PORT = 50051;
const DEFAULT_TLS_PORT = 50443;
const SHUTDOWN_GRACE_MILLIS = 5000;
const USAGE = `usage: node src/main.js [--port N] [--tls-port N --tls-cert FILE --tls-key FILE [--tls-client-ca FILE]]
  (or env PORT, TLS_PORT, TLS_CERT_FILE, TLS_KEY_FILE, TLS_CLIENT_CA_FILE; a flag wins over its variable)`;

function log(message) {
  console.log(`${new Date().toISOString()} node-peer: ${message}`);
}

function parsePort(text, name) {
  const port = Number(text);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(`${name} must be an integer from 0 to 65535, got "${text}"`);
  }
  return port;
}

function readPem(file, name) {
  try {
    return readFileSync(file);
  } catch (error) {
    throw new Error(`${name}: ${error.message}`);
  }
}

/** The ports, and the TLS files when both a certificate and a key are given. */
function configurationFromCommandLine() {
  const { values } = parseArgs({
    options: {
      port: { type: 'string' },
      'tls-port': { type: 'string' },
      'tls-cert': { type: 'string' },
      'tls-key': { type: 'string' },
      'tls-client-ca': { type: 'string' },
    },
  });
  const { env } = process;
  const port = parsePort(values.port ?? env.PORT ?? String(DEFAULT_PORT), 'port');
  const certFile = values['tls-cert'] ?? env.TLS_CERT_FILE;
  const keyFile = values['tls-key'] ?? env.TLS_KEY_FILE;
  if (!certFile !== !keyFile) {
    throw new Error('TLS needs both a certificate (TLS_CERT_FILE) and a key (TLS_KEY_FILE)');
  }
  if (!certFile) return { port, tls: null };
  const clientCaFile = values['tls-client-ca'] ?? env.TLS_CLIENT_CA_FILE;
  return {
    port,
    tls: {
      port: parsePort(values['tls-port'] ?? env.TLS_PORT ?? String(DEFAULT_TLS_PORT), 'tls port'),
      certChain: readPem(certFile, 'TLS certificate'),
      privateKey: readPem(keyFile, 'TLS key'),
      clientCa: clientCaFile ? readPem(clientCaFile, 'TLS client CA') : null,
    },
  };
}

let configuration;
try {
  configuration = configurationFromCommandLine();
} catch (error) {
  console.error(`node-peer: ${error.message}\n${USAGE}`);
  process.exit(2);
}

const server = new PeerServer();
const port = await server.start(configuration.port);
log(`serving plaintext on 0.0.0.0:${port}`);
const { tls } = configuration;
if (tls) {
  const tlsPort = await server.startTls(tls.port, tls);
  log(
    `serving ${tls.clientCa ? 'mTLS (client certificate required)' : 'TLS'} on 0.0.0.0:${tlsPort}`,
  );
}

async function shutDown(signal) {
  log(`${signal} received, shutting down (in-flight calls get ${SHUTDOWN_GRACE_MILLIS} ms)`);
  const finishedInTime = await server.stop(SHUTDOWN_GRACE_MILLIS);
  log(finishedInTime ? 'stopped' : 'stopped, cancelling calls still in flight');
  process.exit(0);
}

for (const signal of ['SIGTERM', 'SIGINT']) process.once(signal, () => shutDown(signal));
