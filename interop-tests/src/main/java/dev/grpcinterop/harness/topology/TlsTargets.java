package dev.grpcinterop.harness.topology;

import java.util.Optional;

/**
 * Where a cell's server serves TLS with a certificate of the run's CA, and the credentials its
 * clients are handed for it.
 *
 * @param tls the TLS port by a name the certificate carries
 * @param tlsWrongName the same port by a name the certificate lacks
 * @param mtls an instance that requires client certificates of the run's CA, where there is one
 */
public record TlsTargets(
    String tls, String tlsWrongName, Optional<String> mtls, RunCredentials credentials) {}
