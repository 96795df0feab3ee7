// Throwaway certificates for the TLS tests, made with the openssl command line (Node.js can read
// X.509 but not make it): two CAs, a server certificate for "localhost" and a client certificate
// from each CA.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const KEY_OPTIONS = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];

function openssl(dir, ...args) {
  execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
}

function makeCa(dir, name) {
  openssl(
    dir,
    'req',
    '-x509',
    ...KEY_OPTIONS,
    '-keyout',
    `${name}.key`,
    '-out',
    `${name}.crt`,
    '-subj',
    `/CN=${name}`,
    '-days',
    '1',
  );
}

/** A key and a certificate that `ca` signs, with `extensions` (an x509v3 extension config line). */
function makeLeaf(dir, ca, name, extensions) {
  writeFileSync(path.join(dir, `${name}.ext`), `${extensions}\n`);
  openssl(
    dir,
    'req',
    ...KEY_OPTIONS,
    '-keyout',
    `${name}.key`,
    '-out',
    `${name}.csr`,
    '-subj',
    `/CN=${name}`,
  );
  openssl(
    dir,
    'x509',
    '-req',
    '-in',
    `${name}.csr`,
    '-CA',
    `${ca}.crt`,
    '-CAkey',
    `${ca}.key`,
    '-out',
    `${name}.crt`,
    '-days',
    '1',
    '-extfile',
    `${name}.ext`,
  );
}

/**
 * { ca, server: {cert, key}, client: {cert, key}, otherClient: {cert, key} } as PEM Buffers. The
 * server certificate names only "localhost", so dialling 127.0.0.1 fails the host name check;
 * otherClient is signed by a CA the server does not trust.
 */
export function makeTestCertificates() {
  const dir = mkdtempSync(path.join(tmpdir(), 'node-peer-certs-'));
  try {
    makeCa(dir, 'ca');
    makeCa(dir, 'other-ca');
    makeLeaf(dir, 'ca', 'server', 'subjectAltName=DNS:localhost\nextendedKeyUsage=serverAuth');
    makeLeaf(dir, 'ca', 'client', 'extendedKeyUsage=clientAuth');
    makeLeaf(dir, 'other-ca', 'other-client', 'extendedKeyUsage=clientAuth');
    const read = (file) => readFileSync(path.join(dir, file));
    const pair = (name) => ({ cert: read(`${name}.crt`), key: read(`${name}.key`) });
    return {
      ca: read('ca.crt'),
      server: pair('server'),
      client: pair('client'),
      otherClient: pair('other-client'),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
