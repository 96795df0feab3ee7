// TLS for both ends of the peer: the server's TLS port (mTLS when it is given a client CA) and the
// credentials of RunCall's channels as an interop.v1.Tls describes them. All certificates are PEM.
import { createPrivateKey, X509Certificate } from 'node:crypto';
import grpc from '@grpc/grpc-js';

/**
 * Server credentials for `certChain` and `privateKey`; with `clientCa`, the handshake refuses a
 * client that presents no certificate, or one that CA did not sign.
 */
export function serverTlsCredentials({ certChain, privateKey, clientCa = null }) {
  return grpc.ServerCredentials.createSsl(
    clientCa,
    [{ cert_chain: certChain, private_key: privateKey }],
    clientCa !== null,
  );
}

/**
 * Throws when an interop.v1.Tls is incomplete: the contract asks for the CA that signed the
 * server's certificate (a test run's certificates are never signed by the system's roots), and for
 * a client certificate only with its key.
 */
export function checkTls(tls) {
  if (!tls) return;
  if (tls.ca_cert.length === 0) throw new Error('tls: ca_cert is required');
  if ((tls.client_cert.length === 0) !== (tls.client_key.length === 0)) {
    throw new Error('tls: client_cert and client_key go together, and only one is set');
  }
}

/**
 * Channel credentials for an interop.v1.Tls (or plaintext when it is unset). grpc-js checks the
 * server's certificate against the host name of the target, as it does by default: nothing here
 * overrides the authority. Throws as checkTls does, and when the PEM does not parse.
 */
export function channelCredentials(tls) {
  if (!tls) return grpc.credentials.createInsecure();
  checkTls(tls);
  const { ca_cert: caCert, client_cert: clientCert, client_key: clientKey } = tls;
  // Node's TLS skips whatever in a CA bundle is not PEM, which would turn a malformed ca_cert into
  // a handshake failure; parsing each part first refuses it as the bad description it is.
  for (const [field, pem, parse] of [
    ['ca_cert', caCert, (bytes) => new X509Certificate(bytes)],
    ['client_cert', clientCert, (bytes) => new X509Certificate(bytes)],
    ['client_key', clientKey, createPrivateKey],
  ]) {
    if (pem.length === 0) continue;
    try {
      parse(pem);
    } catch (error) {
      throw new Error(`tls.${field} does not parse as PEM: ${error.message}`);
    }
  }
  return grpc.credentials.createSsl(
    caCert,
    clientKey.length > 0 ? clientKey : null,
    clientCert.length > 0 ? clientCert : null,
  );
}
