package dev.grpcinterop.harness.topology;

import com.github.dockerjava.api.model.Network.Ipam;
import java.util.UUID;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.Network;

/**
 * The run's Docker network, with a subnet of its own so that containers which stop and start again
 * (the replicas) keep their addresses: a client then finds a restarted replica where it was, and no
 * case waits for a DNS re-resolution by luck. Docker hands the other containers addresses from the
 * subnet's lower half; fixed addresses come from the upper half.
 */
public final class RunNetwork implements AutoCloseable {
  private final Network network;
  private final int base;
  private final int prefix;
  private int nextFixed;

  private RunNetwork(String subnet) {
    String[] parts = subnet.split("/");
    this.base = toInt(parts[0]);
    this.prefix = Integer.parseInt(parts[1]);
    if (prefix > 24) {
      throw new IllegalStateException(
          "the run's network " + subnet + " is too small for fixed addresses");
    }
    String lowerHalf = toAddress(base) + "/" + (prefix + 1);
    this.network =
        Network.builder()
            .createNetworkCmdModifier(
                cmd ->
                    cmd.withIpam(
                        new Ipam()
                            .withConfig(
                                new Ipam.Config().withSubnet(subnet).withIpRange(lowerHalf))))
            .build();
  }

  /**
   * A network on a subnet Docker picks as free: a throwaway network is made to learn it, as no
   * subnet written here could be known not to clash with the machine's.
   */
  public static RunNetwork create() {
    var docker = DockerClientFactory.instance().client();
    String probe =
        docker
            .createNetworkCmd()
            .withName("grpc-interop-probe-" + UUID.randomUUID())
            .exec()
            .getId();
    String subnet;
    try {
      subnet =
          docker.inspectNetworkCmd().withNetworkId(probe).exec().getIpam().getConfig().stream()
              .map(Ipam.Config::getSubnet)
              .filter(s -> s != null && s.contains("."))
              .findFirst()
              .orElseThrow(
                  () ->
                      new IllegalStateException(
                          "Docker gave a new network no IPv4 subnet; the suite needs one for its"
                              + " containers (check the daemon's default-address-pools)."));
    } finally {
      docker.removeNetworkCmd(probe).exec();
    }
    return new RunNetwork(subnet);
  }

  public Network network() {
    return network;
  }

  /** An address of the upper half of the subnet, never handed out by Docker itself. */
  public synchronized String fixedAddress() {
    int upperHalf = base + (1 << (32 - prefix - 1));
    return toAddress(upperHalf + 10 + nextFixed++);
  }

  @Override
  public void close() {
    network.close();
  }

  private static int toInt(String address) {
    int value = 0;
    for (String octet : address.split("\\.")) {
      value = (value << 8) | Integer.parseInt(octet);
    }
    return value;
  }

  private static String toAddress(int value) {
    return ((value >>> 24) & 0xff)
        + "."
        + ((value >>> 16) & 0xff)
        + "."
        + ((value >>> 8) & 0xff)
        + "."
        + (value & 0xff);
  }
}
