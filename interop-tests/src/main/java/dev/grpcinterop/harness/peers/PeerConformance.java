package dev.grpcinterop.harness.peers;

import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.Durations;
import dev.grpcinterop.calculator.v1.CalculateRequest;
import dev.grpcinterop.calculator.v1.CalculateResponse;
import dev.grpcinterop.calculator.v1.Operation;
import dev.grpcinterop.client.CalculatorClient;
import dev.grpcinterop.harness.docker.ImageBuildException;
import dev.grpcinterop.harness.docker.PeerContainer;
import dev.grpcinterop.harness.docker.PeerImage;
import dev.grpcinterop.interop.v1.DescribeRequest;
import dev.grpcinterop.interop.v1.DescribeResponse;
import dev.grpcinterop.interop.v1.PeerControlServiceGrpc;
import dev.grpcinterop.interop.v1.RunCallRequest;
import dev.grpcinterop.interop.v1.RunCallResponse;
import dev.grpcinterop.interop.v1.RunLoadRequest;
import dev.grpcinterop.interop.v1.RunLoadResponse;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.testcontainers.containers.Network;
import org.testcontainers.containers.output.ToStringConsumer;

/**
 * What a peer must do before any case means anything, checked on that peer alone: it builds, starts
 * and says so, names itself, lists its services, serves the calculator to a Java client, makes a
 * call when told to, and stops cleanly on SIGTERM. Each check names the part of
 * docs/peer-contract.md it comes from, so that a failure tells a newcomer what to read and fix.
 * Closed by whoever made it.
 */
public final class PeerConformance implements AutoCloseable {
  /** One check: its name, where the contract asks for it, and what was seen when it failed. */
  public record Check(String name, String contract, boolean passed, String detail) {
    static Check passed(String name, String contract) {
      return new Check(name, contract, true, "");
    }

    static Check failed(String name, String contract, String detail) {
      return new Check(name, contract, false, detail);
    }
  }

  private static final String REFERENCE = "java-reference";
  private static final String CALCULATE = "calculator.v1.CalculatorService/Calculate";
  private static final Duration DEADLINE = Duration.ofSeconds(5);

  /** The contract gives calls in flight 5 s after SIGTERM; the rest is the runtime's own exit. */
  private static final Duration STOP_LIMIT = Duration.ofSeconds(8);

  private static final List<String> HEALTH_SERVICES =
      List.of("", "calculator.v1.CalculatorService", "interop.v1.PeerControlService");

  private final Path root;
  private final Network network = Network.newNetwork();
  private PeerContainer reference;

  public PeerConformance(Path root) {
    this.root = root;
  }

  /** Every check in order; after a check that leaves nothing to talk to, the rest are not made. */
  public List<Check> check(PeerManifest peer) {
    List<Check> checks = new ArrayList<>();
    PeerImage image = PeerImage.of(peer, root);
    try {
      image.resolve();
      checks.add(Check.passed("image builds", "What a peer image does"));
    } catch (ImageBuildException failed) {
      checks.add(Check.failed("image builds", "What a peer image does", failed.getMessage()));
      return checks;
    }
    // Kept here as well as logged: a container that exits at once is gone before anyone reads it.
    var log = new ToStringConsumer();
    try (PeerContainer subject =
        new PeerContainer(image, peer.name() + "-conformance")
            .onNetwork(network, peer.name())
            .withLogConsumer(log)) {
      try {
        subject.start();
        checks.add(Check.passed("starts and reports SERVING", "Start, Readiness"));
      } catch (RuntimeException failed) {
        checks.add(
            Check.failed(
                "starts and reports SERVING",
                "Start, Readiness",
                shortMessages(failed)
                    + "\nThe last lines of its log:\n"
                    + tail(log.toUtf8String())));
        return checks;
      }
      checks.add(healthOfEveryService(subject));
      checks.add(reflection(subject));
      checks.add(describe(subject, peer.name()));
      checks.add(servesTheCalculator(subject));
      checks.add(runsCalls(subject));
      checks.add(runsALoad(subject));
      checks.addAll(
          RefusalChecks.all(control(subject), REFERENCE + ":" + PeerContainer.PORT, DEADLINE));
      Check stillServes = runsCalls(subject);
      checks.add(
          stillServes.passed()
              ? Check.passed("still makes calls after refusing them", RefusalChecks.CONTRACT)
              : Check.failed(
                  "still makes calls after refusing them",
                  RefusalChecks.CONTRACT,
                  stillServes.detail()));
      checks.add(ProcessChecks.stopsOnSigterm(subject, STOP_LIMIT));
    }
    checks.add(ProcessChecks.refusesAWrongFlag(image, STOP_LIMIT, DEADLINE));
    return checks;
  }

  private static Check healthOfEveryService(PeerContainer subject) {
    String name = "health answers SERVING for \"\", the calculator and the control service";
    List<String> wrong = new ArrayList<>();
    for (String service : HEALTH_SERVICES) {
      try {
        ServingStatus status =
            HealthGrpc.newBlockingStub(subject.channel())
                .withDeadlineAfter(DEADLINE.toMillis(), TimeUnit.MILLISECONDS)
                .check(HealthCheckRequest.newBuilder().setService(service).build())
                .getStatus();
        if (status != ServingStatus.SERVING) {
          wrong.add("\"" + service + "\": " + status);
        }
      } catch (RuntimeException failed) {
        wrong.add("\"" + service + "\": " + shortMessages(failed));
      }
    }
    return wrong.isEmpty()
        ? Check.passed(name, "Readiness")
        : Check.failed(name, "Readiness", String.join("; ", wrong));
  }

  private static Check reflection(PeerContainer subject) {
    String name = "server reflection lists the calculator and the control service";
    try {
      List<String> services = ReflectionListing.services(subject.channel());
      List<String> missing =
          HEALTH_SERVICES.stream()
              .filter(s -> !s.isEmpty())
              .filter(s -> !services.contains(s))
              .toList();
      return missing.isEmpty()
          ? Check.passed(name, "What the server serves, 4")
          : Check.failed(
              name, "What the server serves, 4", "missing " + missing + " from " + services);
    } catch (InterruptedException interrupted) {
      Thread.currentThread().interrupt();
      return Check.failed(name, "What the server serves, 4", "interrupted");
    } catch (RuntimeException failed) {
      return Check.failed(name, "What the server serves, 4", shortMessages(failed));
    }
  }

  private static Check describe(PeerContainer subject, String expectedName) {
    String name = "Describe names the peer as its folder does, with its library versions";
    String contract = "What the server serves, 7 (Describe)";
    try {
      DescribeResponse described = control(subject).describe(DescribeRequest.getDefaultInstance());
      if (!described.getLanguage().equals(expectedName)) {
        return Check.failed(
            name,
            contract,
            "language is \""
                + described.getLanguage()
                + "\", the folder says \""
                + expectedName
                + "\"");
      }
      if (described.getGrpcLibrary().isBlank()
          || described.getProtobufLibrary().isBlank()
          || described.getRuntime().isBlank()) {
        return Check.failed(
            name,
            contract,
            "grpc_library, protobuf_library and runtime must all be set: " + described);
      }
      return Check.passed(name, contract);
    } catch (RuntimeException failed) {
      return Check.failed(name, contract, shortMessages(failed));
    }
  }

  private static Check servesTheCalculator(PeerContainer subject) {
    String name = "serves Calculate to a Java client (7 ÷ -2 = -3, rounded toward zero)";
    String contract = "What the server serves, 1";
    try {
      var result =
          new CalculatorClient(subject.channel(), DEADLINE)
              .calculate(
                  Operation.OPERATION_DIVIDE,
                  CalculatorClient.integer(7),
                  CalculatorClient.integer(-2));
      return result.equals(CalculatorClient.integer(-3))
          ? Check.passed(name, contract)
          : Check.failed(name, contract, "the result was " + result);
    } catch (RuntimeException failed) {
      return Check.failed(name, contract, shortMessages(failed));
    }
  }

  private Check runsALoad(PeerContainer subject) {
    String name =
        "RunLoad makes 50 calls to the Java reference server, two at a time, and counts them";
    String contract = "RunLoad: the load generator of the performance matrix";
    try {
      var good = RefusalRulebook.good(REFERENCE + ":" + PeerContainer.PORT, DEADLINE);
      startReference();
      RunLoadResponse load =
          control(subject)
              .runLoad(
                  RunLoadRequest.newBuilder()
                      .setCall(good)
                      .setConcurrency(2)
                      .setChannels(2)
                      .setCalls(50)
                      .build());
      List<String> wrong = new ArrayList<>();
      if (load.getCalls() != 50) {
        wrong.add(load.getCalls() + " calls counted, not 50");
      }
      if (load.getStatusesCount() != 1
          || load.getStatuses(0).getCode() != 0
          || load.getStatuses(0).getCount() != load.getCalls()) {
        wrong.add("statuses " + load.getStatusesList() + ", not 50 OK");
      }
      var latency = load.getLatency();
      long inBuckets = latency.getBucketsList().stream().mapToLong(b -> b.getCount()).sum();
      if (latency.getCount() != load.getCalls() || inBuckets != latency.getCount()) {
        wrong.add(
            "the latency histogram counts "
                + latency.getCount()
                + " ("
                + inBuckets
                + " in its buckets), not one per call");
      }
      if (latency.getMinNanos() <= 0 || latency.getMinNanos() > latency.getMaxNanos()) {
        wrong.add(
            "latencies from " + latency.getMinNanos() + " to " + latency.getMaxNanos() + " ns");
      }
      if (load.getMessagesSent() != 50
          || load.getMessagesReceived() != 50
          || load.getBytesSent() == 0) {
        wrong.add(
            load.getMessagesSent()
                + " messages sent and "
                + load.getMessagesReceived()
                + " received, not 50 each, with their bytes");
      }
      if (!load.hasCpuTime() || Durations.toNanos(load.getCpuTime()) <= 0) {
        wrong.add("no CPU time");
      }
      return wrong.isEmpty()
          ? Check.passed(name, contract)
          : Check.failed(name, contract, String.join("; ", wrong));
    } catch (RuntimeException failed) {
      return Check.failed(name, contract, shortMessages(failed));
    }
  }

  private Check runsCalls(PeerContainer subject) {
    String name = "RunCall makes a call to the Java reference server and reports it";
    String contract = "RunCall: the client side, driven from Java";
    try {
      RunCallRequest call =
          RunCallRequest.newBuilder()
              .setTarget(REFERENCE + ":" + PeerContainer.PORT)
              .setMethod(CALCULATE)
              .addRequests(
                  Any.pack(
                      CalculateRequest.newBuilder()
                          .setOperation(Operation.OPERATION_ADD)
                          .setLeft(CalculatorClient.integer(40))
                          .setRight(CalculatorClient.integer(2))
                          .build()))
              .setTimeout(Durations.fromMillis(DEADLINE.toMillis()))
              .build();
      startReference();
      RunCallResponse observed = control(subject).runCall(call);
      if (observed.getStatus().getCode() != 0) {
        return Check.failed(name, contract, "the call it made ended with " + observed.getStatus());
      }
      if (observed.getResponsesCount() != 1) {
        return Check.failed(
            name, contract, "it reported " + observed.getResponsesCount() + " responses, not 1");
      }
      var result = observed.getResponses(0).unpack(CalculateResponse.class).getResult();
      return result.equals(CalculatorClient.integer(42))
          ? Check.passed(name, contract)
          : Check.failed(name, contract, "it reported the result " + result + " for 40 + 2");
    } catch (InvalidProtocolBufferException notACalculateResponse) {
      return Check.failed(
          name,
          contract,
          "its response is not a CalculateResponse: " + notACalculateResponse.getMessage());
    } catch (RuntimeException failed) {
      return Check.failed(name, contract, shortMessages(failed));
    }
  }

  /**
   * The Java peer, which every other peer's client first calls; started once, when first needed.
   */
  private synchronized PeerContainer startReference() {
    if (reference == null) {
      reference =
          new PeerContainer(PeerImage.of(Peers.named(root, "java"), root), REFERENCE)
              .onNetwork(network, REFERENCE);
      reference.start();
    }
    return reference;
  }

  private static PeerControlServiceGrpc.PeerControlServiceBlockingStub control(PeerContainer peer) {
    return PeerControlServiceGrpc.newBlockingStub(peer.channel())
        .withDeadlineAfter(DEADLINE.toMillis() * 3, TimeUnit.MILLISECONDS);
  }

  /**
   * The messages of a failure and its causes, each cut short: Testcontainers' can hold a whole
   * inspection dump.
   */
  static String shortMessages(Throwable failed) {
    List<String> messages = new ArrayList<>();
    for (Throwable cause = failed; cause != null && messages.size() < 4; cause = cause.getCause()) {
      String message = String.valueOf(cause.getMessage());
      messages.add(message.length() > 160 ? message.substring(0, 160) + "…" : message);
    }
    return String.join("\n  caused by: ", messages);
  }

  static String tail(String log) {
    String[] lines = log.strip().split("\n");
    String last =
        String.join("\n", Arrays.copyOfRange(lines, Math.max(0, lines.length - 20), lines.length));
    return (last.isBlank() ? "(nothing)" : last).indent(4);
  }

  @Override
  public void close() {
    if (reference != null) {
      reference.stop();
    }
    network.close();
  }
}
