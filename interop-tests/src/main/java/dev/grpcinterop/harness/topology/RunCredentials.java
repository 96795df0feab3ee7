package dev.grpcinterop.harness.topology;

import com.google.protobuf.ByteString;
import dev.grpcinterop.interop.v1.ChannelConfig;
import dev.grpcinterop.interop.v1.Tls;

/**
 * The run's CA, made fresh for each run (no key is ever committed), and the channel configurations
 * clients are handed for TLS, mTLS, and mTLS with a certificate the servers must refuse.
 */
public final class RunCredentials {
  private final CertificateAuthority ca = CertificateAuthority.create("grpc-interop test CA");
  private final CertificateAuthority.Issued clientCertificate = ca.client("interop-client");
  private final CertificateAuthority.Issued strangerCertificate =
      CertificateAuthority.create("another CA").client("stranger");

  public CertificateAuthority ca() {
    return ca;
  }

  /** TLS trusting this run's CA, without a client certificate. */
  public ChannelConfig tls() {
    return ChannelConfig.newBuilder()
        .setTls(Tls.newBuilder().setCaCert(ByteString.copyFrom(ca.certificate())))
        .build();
  }

  /** TLS with a client certificate this run's CA issued. */
  public ChannelConfig mtls() {
    return withClient(clientCertificate);
  }

  /** TLS with a client certificate from a CA the servers do not trust. */
  public ChannelConfig mtlsWrongCa() {
    return withClient(strangerCertificate);
  }

  private ChannelConfig withClient(CertificateAuthority.Issued client) {
    return ChannelConfig.newBuilder()
        .setTls(
            Tls.newBuilder()
                .setCaCert(ByteString.copyFrom(ca.certificate()))
                .setClientCert(ByteString.copyFrom(client.certificate()))
                .setClientKey(ByteString.copyFrom(client.privateKey())))
        .build();
  }
}
