package dev.grpcinterop.harness.cases;

import dev.grpcinterop.harness.docker.PeerContainer;
import dev.grpcinterop.harness.run.Pair;
import dev.grpcinterop.harness.topology.Deployment;
import dev.grpcinterop.harness.topology.Replicas;

import static dev.grpcinterop.client.CalculatorClient.integer;
import static dev.grpcinterop.client.CalculatorClient.real;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.Any;
import com.google.protobuf.ByteString;
import com.google.protobuf.Message;
import com.google.protobuf.util.Durations;
import dev.grpcinterop.calculator.v1.CalculateRequest;
import dev.grpcinterop.calculator.v1.CalculateResponse;
import dev.grpcinterop.calculator.v1.FactorizeRequest;
import dev.grpcinterop.calculator.v1.FactorizeResponse;
import dev.grpcinterop.calculator.v1.Number;
import dev.grpcinterop.calculator.v1.Operation;
import dev.grpcinterop.calculator.v1.RunningAverageRequest;
import dev.grpcinterop.calculator.v1.RunningAverageResponse;
import dev.grpcinterop.calculator.v1.StatisticsRequest;
import dev.grpcinterop.calculator.v1.StatisticsResponse;
import dev.grpcinterop.calculator.v1.SumRequest;
import dev.grpcinterop.calculator.v1.SumResponse;
import dev.grpcinterop.interop.v1.ChannelConfig;
import dev.grpcinterop.interop.v1.EchoStatusRequest;
import dev.grpcinterop.interop.v1.MetadataEntry;
import dev.grpcinterop.interop.v1.RunCallRequest;
import dev.grpcinterop.interop.v1.RunCallResponse;
import io.grpc.Status.Code;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.stream.IntStream;

/**
 * Every cross-language case, written once: its inputs and its expected outcome, from the contract.
 * Names follow the official gRPC interop cases where one exists.
 */
public final class CaseCatalog {
  public static final String CALCULATE = "calculator.v1.CalculatorService/Calculate";
  public static final String FACTORIZE = "calculator.v1.CalculatorService/Factorize";
  public static final String SUM = "calculator.v1.CalculatorService/Sum";
  public static final String RUNNING_AVERAGE = "calculator.v1.CalculatorService/RunningAverage";
  public static final String STATISTICS = "calculator.v1.CalculatorService/Statistics";
  public static final String ECHO_STATUS = "interop.v1.PeerControlService/EchoStatus";

  static final String CALLS = "Calls";
  static final String VALUES = "Values";
  static final String ERRORS = "Errors";
  static final String METADATA_AND_DEADLINES = "Metadata, deadlines and cancellation";
  static final String COMPRESSION = "Compression";
  static final String LIMITS = "Limits and multiplexing";
  static final String EVOLUTION = "Schema evolution";
  static final String TRANSPORT = "Transport and deployment";

  /** The official special_status_message text: whitespace, BMP and non-BMP characters. */
  static final String SPECIAL_STATUS_MESSAGE =
      "\t\ntest with whitespace\r\nand Unicode BMP ☺ and non-BMP \uD83D\uDE08\t\n";

  private CaseCatalog() {}

  public static List<InteropCase> all() {
    List<InteropCase> cases = new ArrayList<>();
    cases.addAll(calls());
    cases.addAll(values());
    cases.addAll(errors());
    cases.addAll(metadataAndDeadlines());
    cases.addAll(compression());
    cases.addAll(limits());
    cases.addAll(evolution());

    cases.addAll(transport());
    return cases;
  }

  /**
   * The cases for version-skew pairs: the single calls whose method both versions of the contract
   * declare, so that what is compared is how old and new messages meet on the wire.
   */
  public static List<InteropCase> wireCases(java.util.Set<String> baselineMethods) {
    return all().stream()
        .filter(c -> c instanceof CallCase call && !call.scenario().call().getRaw()
            && baselineMethods.contains(call.scenario().call().getMethod()))
        .toList();
  }

  private static List<InteropCase> calls() {
    List<Double> large = descending(40_000, 0.25);
    List<Double> huge = descending(200_000, 0.5);
    return List.of(
        call(CALLS, Scenario.named("empty_unary", STATISTICS).request(StatisticsRequest.getDefaultInstance()),
            Outcome.ok(StatisticsResponse.getDefaultInstance())),
        call(CALLS, calculate("unary", Operation.OPERATION_ADD, integer(40), integer(2)), Outcome.ok(result(integer(42)))),
        call(CALLS, Scenario.named("large_unary", STATISTICS)
                .request(StatisticsRequest.newBuilder().addAllValues(large).setIncludeSorted(true).build()),
            Outcome.ok(statistics(large))),
        call(CALLS, Scenario.named("large_message_hundreds_of_thousands", STATISTICS)
                .request(StatisticsRequest.newBuilder().addAllValues(huge).setIncludeSorted(true).build()),
            Outcome.ok(statistics(huge))),
        call(CALLS, factorize("server_streaming", 360, Duration.ZERO), Outcome.ok(factors(2, 2, 2, 3, 3, 5))),
        call(CALLS, factorize("server_streaming_paced", 30, Duration.ofMillis(20)), Outcome.ok(factors(2, 3, 5))),
        call(CALLS, sum("client_streaming", integer(Long.MAX_VALUE), integer(-1), integer(1)),
            Outcome.ok(SumResponse.newBuilder().setCount(3).setSum(integer(Long.MAX_VALUE)).build())),
        call(CALLS, Scenario.named("ping_pong", RUNNING_AVERAGE).request(average(4), average(8), average(0), average(-4)).pingPong(),
            Outcome.ok(averages(4, 4, 8, 6, 0, 4, -4, 2))),
        call(CALLS, Scenario.named("full_duplex_then_half_close", RUNNING_AVERAGE)
                .request(average(1), average(2), average(Double.POSITIVE_INFINITY)),
            Outcome.ok(averages(1, 1, 2, 1.5, Double.POSITIVE_INFINITY, Double.POSITIVE_INFINITY))),
        call(CALLS, factorize("empty_stream", 1, Duration.ZERO), Outcome.ok()),
        call(CALLS, Scenario.named("empty_stream_bidi", RUNNING_AVERAGE), Outcome.ok()),
        call(CALLS, sum("empty_stream_client"), Outcome.ok(SumResponse.newBuilder().setSum(integer(0)).build())));
  }

  private static List<InteropCase> values() {
    return List.of(
        call(VALUES, calculate("int64_max", Operation.OPERATION_ADD, integer(Long.MAX_VALUE - 1), integer(1)),
            Outcome.ok(result(integer(Long.MAX_VALUE)))),
        call(VALUES, calculate("int64_min", Operation.OPERATION_SUBTRACT, integer(Long.MIN_VALUE + 1), integer(1)),
            Outcome.ok(result(integer(Long.MIN_VALUE)))),
        call(VALUES, calculate("negative_product", Operation.OPERATION_MULTIPLY, integer(3_037_000_499L), integer(-3_037_000_499L)),
            Outcome.ok(result(integer(-9_223_372_030_926_249_001L)))),
        call(VALUES, calculate("division_truncates_toward_zero", Operation.OPERATION_DIVIDE, integer(-7), integer(2)),
            Outcome.ok(result(integer(-3)))),
        call(VALUES, calculate("mixed_operands_are_real", Operation.OPERATION_DIVIDE, integer(7), real(2)),
            Outcome.ok(result(real(3.5)))),
        call(VALUES, calculate("integer_beyond_2_53_converts", Operation.OPERATION_ADD, integer(9_007_199_254_740_993L), real(0)),
            Outcome.ok(result(real(9_007_199_254_740_992.0)))),
        call(VALUES, calculate("nan", Operation.OPERATION_SUBTRACT, real(Double.POSITIVE_INFINITY), real(Double.POSITIVE_INFINITY)),
            Outcome.ok(result(real(Double.NaN)))),
        call(VALUES, calculate("negative_zero", Operation.OPERATION_MULTIPLY, real(-0.0), integer(3)),
            Outcome.ok(result(real(-0.0)))),
        call(VALUES, calculate("infinity", Operation.OPERATION_MULTIPLY, real(Double.MAX_VALUE), real(2)),
            Outcome.ok(result(real(Double.POSITIVE_INFINITY)))),
        call(VALUES, Scenario.named("sorted_with_negative_zero", STATISTICS)
                .request(StatisticsRequest.newBuilder()
                    .addAllValues(List.of(3.0, 0.0, -0.0, -1.5, Double.NEGATIVE_INFINITY)).setIncludeSorted(true).build()),
            Outcome.ok(StatisticsResponse.newBuilder().setCount(5).setSum(Double.NEGATIVE_INFINITY)
                .setMin(Double.NEGATIVE_INFINITY).setMax(3).setMean(Double.NEGATIVE_INFINITY)
                .addAllSorted(List.of(Double.NEGATIVE_INFINITY, -1.5, -0.0, 0.0, 3.0)).build())),
        call(VALUES, sum("mixed_sum_is_real", integer(1), real(0.5), integer(2)),
            Outcome.ok(SumResponse.newBuilder().setCount(3).setSum(real(3.5)).build())));
  }

  private static List<InteropCase> errors() {
    Code invalid = Code.INVALID_ARGUMENT;
    return List.of(
        call(ERRORS, calculate("integer_overflow", Operation.OPERATION_ADD, integer(Long.MAX_VALUE), integer(1)),
            Outcome.error(Code.OUT_OF_RANGE, "integer overflow")),
        call(ERRORS, calculate("int64_min_divided_by_minus_one", Operation.OPERATION_DIVIDE, integer(Long.MIN_VALUE), integer(-1)),
            Outcome.error(Code.OUT_OF_RANGE, "integer overflow")),
        call(ERRORS, calculate("rich_error_details", Operation.OPERATION_DIVIDE, integer(1), integer(0)),
            Outcome.error(invalid, "division by zero", "right", "must not be zero")),
        call(ERRORS, calculate("division_by_negative_zero", Operation.OPERATION_DIVIDE, real(1.5), real(-0.0)),
            Outcome.error(invalid, "division by zero", "right", "must not be zero")),
        call(ERRORS, Scenario.named("operation_required", CALCULATE).request(CalculateRequest.getDefaultInstance()),
            Outcome.error(invalid, "operation is required", "operation", "is required")),
        call(ERRORS, Scenario.named("left_operand_required", CALCULATE)
                .request(CalculateRequest.newBuilder().setOperation(Operation.OPERATION_ADD).setRight(integer(1)).build()),
            Outcome.error(invalid, "left operand is required", "left", "is required")),
        call(ERRORS, Scenario.named("right_operand_required", CALCULATE)
                .request(CalculateRequest.newBuilder().setOperation(Operation.OPERATION_ADD).setLeft(integer(1))
                    .setRight(Number.getDefaultInstance()).build()),
            Outcome.error(invalid, "right operand is required", "right", "is required")),
        call(ERRORS, factorize("stream_fails_before_first_message", 0, Duration.ZERO),
            Outcome.error(invalid, "number must be between 1 and 1000000000000", "number", "out of range")),
        call(ERRORS, factorize("interval_out_of_range", 12, Duration.ofSeconds(11)),
            Outcome.error(invalid, "interval must be between 0s and 10s", "interval", "out of range")),
        call(ERRORS, sum("client_stream_partial_overflow", integer(Long.MAX_VALUE), integer(1), integer(-1)),
            Outcome.error(Code.OUT_OF_RANGE, "integer overflow")),
        call(ERRORS, sum("client_stream_value_required", integer(1), Number.getDefaultInstance()),
            Outcome.error(invalid, "value is required", "value", "is required")),
        call(ERRORS, Scenario.named("nan_refused", STATISTICS)
                .request(StatisticsRequest.newBuilder().addValues(1).addValues(Double.NaN).build()),
            Outcome.error(invalid, "values must not contain NaN", "values", "must not contain NaN")),
        call(ERRORS, Scenario.named("status_code_and_message", ECHO_STATUS)
                .request(EchoStatusRequest.newBuilder().setCode(2).setMessage("test status message").build()),
            Outcome.status(Code.UNKNOWN, "test status message", true)),
        call(ERRORS, Scenario.named("special_status_message", ECHO_STATUS)
                .request(EchoStatusRequest.newBuilder().setCode(2).setMessage(SPECIAL_STATUS_MESSAGE).build()),
            Outcome.status(Code.UNKNOWN, SPECIAL_STATUS_MESSAGE, true)),
        call(ERRORS, Scenario.named("unimplemented_method", "calculator.v1.CalculatorService/Exponentiate").raw()
                .request(CalculateRequest.getDefaultInstance()).libraryMessage(),
            Outcome.code(Code.UNIMPLEMENTED)),
        call(ERRORS, Scenario.named("unimplemented_service", "calculator.v9.NoSuchService/Calculate").raw()
                .request(CalculateRequest.getDefaultInstance()).libraryMessage(),
            Outcome.code(Code.UNIMPLEMENTED)),
        InteropCase.of("malformed_request", ERRORS, CaseCatalog::malformedRequest));
  }

  private static List<InteropCase> metadataAndDeadlines() {
    MetadataEntry initial = MetadataEntry.newBuilder().setKey("x-grpc-test-echo-initial").setText("test_initial_metadata_value").build();
    MetadataEntry trailing = MetadataEntry.newBuilder().setKey("x-grpc-test-echo-trailing-bin")
        .setBinary(ByteString.copyFrom(new byte[] {(byte) 0xab, (byte) 0xab, (byte) 0xab})).build();
    return List.of(
        call(METADATA_AND_DEADLINES, calculate("custom_metadata", Operation.OPERATION_ADD, integer(1), integer(2))
                .metadata(initial.getKey(), initial.getText()).metadata(trailing.getKey(), trailing.getBinary().toByteArray()),
            Outcome.ok(result(integer(3))).withEcho(initial, trailing)),
        call(METADATA_AND_DEADLINES, factorize("custom_metadata_streaming", 6, Duration.ZERO)
                .metadata(initial.getKey(), initial.getText()).metadata(trailing.getKey(), trailing.getBinary().toByteArray()),
            Outcome.ok(factors(2, 3)).withEcho(initial, trailing)),
        call(METADATA_AND_DEADLINES, factorize("timeout_on_sleeping_server", 1024, Duration.ofSeconds(2))
                .timeout(Duration.ofMillis(500)).libraryMessage(),
            Outcome.code(Code.DEADLINE_EXCEEDED)),
        call(METADATA_AND_DEADLINES, factorize("cancel_after_begin", 1024, Duration.ofMillis(100)).cancelAfterBegin(),
            Outcome.code(Code.CANCELLED)),
        InteropCase.of("cancel_after_first_response", METADATA_AND_DEADLINES, CaseCatalog::cancelAfterFirstResponse),
        InteropCase.of("deadline_seen_by_server", METADATA_AND_DEADLINES, CaseCatalog::deadlineSeenByServer));
  }

  private static List<InteropCase> compression() {
    List<SumRequest> hundred = IntStream.rangeClosed(1, 100).mapToObj(i -> SumRequest.newBuilder().setValue(integer(i)).build()).toList();
    return List.of(
        call(COMPRESSION, calculate("client_compressed_unary", Operation.OPERATION_ADD, integer(20), integer(22)).gzip(),
            Outcome.ok(result(integer(42)))),
        InteropCase.of("server_compressed_unary", COMPRESSION, pair -> serverCompressed(pair,
            calculate("server_compressed_unary", Operation.OPERATION_ADD, integer(20), integer(22)),
            Outcome.ok(result(integer(42))))),
        call(COMPRESSION, Scenario.named("client_compressed_streaming", SUM).request(hundred.toArray(Message[]::new)).gzip(),
            Outcome.ok(SumResponse.newBuilder().setCount(100).setSum(integer(5050)).build())),
        InteropCase.of("server_compressed_streaming", COMPRESSION, pair -> serverCompressed(pair,
            factorize("server_compressed_streaming", 360, Duration.ZERO),
            Outcome.ok(factors(2, 2, 2, 3, 3, 5)))));
  }

  private static List<InteropCase> limits() {
    return List.of(
        InteropCase.of("message_over_receive_limit", LIMITS, CaseCatalog::messageOverReceiveLimit),
        InteropCase.of("multiplexing", LIMITS, CaseCatalog::multiplexing));
  }

  private static List<InteropCase> evolution() {
    byte[] withUnknownField = concat(addition(40, 2).toByteArray(), new byte[] {(byte) 0x98, 0x06, 0x07});
    return List.of(
        call(EVOLUTION, Scenario.named("unknown_field_ignored", CALCULATE).raw().requestBytes(withUnknownField),
            Outcome.okRaw(result(integer(42)))),
        call(EVOLUTION, Scenario.named("unknown_enum_value", CALCULATE)
                .request(CalculateRequest.newBuilder().setOperationValue(99).setLeft(integer(1)).setRight(integer(1)).build()),
            Outcome.error(Code.INVALID_ARGUMENT, "unknown operation 99", "operation", "unknown value 99")));
  }

  private static List<InteropCase> transport() {
    return List.of(
        InteropCase.of("tls_unary", TRANSPORT, pair -> assertOver(pair, Deployment.tlsTarget(pair.server().peer()),
            pair.deployment().tls(), calculate("tls_unary", Operation.OPERATION_ADD, integer(40), integer(2)),
            Outcome.ok(result(integer(42))))),
        InteropCase.of("tls_streaming", TRANSPORT, pair -> assertOver(pair, Deployment.tlsTarget(pair.server().peer()),
            pair.deployment().tls(), Scenario.named("tls_streaming", RUNNING_AVERAGE).request(average(2), average(4)).pingPong(),
            Outcome.ok(averages(2, 2, 4, 3)))),
        InteropCase.of("mtls", TRANSPORT, pair -> assertOver(pair, Deployment.mtlsTarget(pair.server().peer()),
            pair.deployment().mtls(), calculate("mtls", Operation.OPERATION_MULTIPLY, integer(6), integer(7)),
            Outcome.ok(result(integer(42))))),
        InteropCase.of("mtls_wrong_ca", TRANSPORT, CaseCatalog::mtlsWrongCa),
        InteropCase.of("mtls_without_client_certificate", TRANSPORT, pair -> assertRefused(pair,
            Deployment.mtlsTarget(pair.server().peer()), pair.deployment().tls(), "a TLS client without a certificate")),
        InteropCase.of("tls_hostname_mismatch", TRANSPORT, pair -> assertRefused(pair,
            Deployment.wrongNameTarget(pair.server().peer()), pair.deployment().tls(),
            "a TLS client dialling a name the server's certificate does not carry")),
        InteropCase.of("plaintext_client_to_tls_server", TRANSPORT, pair -> assertRefused(pair,
            Deployment.tlsTarget(pair.server().peer()), ChannelConfig.getDefaultInstance(), "a plaintext client on the TLS port")),
        InteropCase.of("tls_client_to_plaintext_server", TRANSPORT, pair -> assertRefused(pair,
            pair.server().peer() + ":" + PeerContainer.PORT, pair.deployment().tls(), "a TLS client on the plaintext port")),
        InteropCase.of("round_robin_over_replicas", TRANSPORT,
            pair -> pair.deployment().withReplicas(pair.server().peer(), replicas -> roundRobinOverReplicas(pair, replicas.size()))),
        InteropCase.of("replica_stopped", TRANSPORT, CaseCatalog::replicaStopped),
        InteropCase.of("health_aware_balancing", TRANSPORT, CaseCatalog::healthAwareBalancing),
        InteropCase.of("reconnection_after_server_restart", TRANSPORT, CaseCatalog::reconnection),
        InteropCase.of("keepalive_within_policy", TRANSPORT, CaseCatalog::keepaliveWithinPolicy),
        InteropCase.of("keepalive_too_many_pings", TRANSPORT, CaseCatalog::keepaliveTooManyPings));
  }

  // --- Cases that take more than one call ---

  /** The call, made over the channel {@code config} describes to {@code target}, has the outcome. */
  private static void assertOver(Pair pair, String target, ChannelConfig config, Scenario.Builder scenario, Outcome expected) {
    RunCallResponse observed = pair.call(scenario.channel(config).build().call(), target);
    assertThat(pair.observed(observed, true))
        .as("%s: over %s to %s", pair.name(), config.hasTls() ? (config.getTls().getClientCert().isEmpty() ? "TLS" : "mTLS") : "plaintext", target)
        .isEqualTo(expected);
  }

  /** The connection is refused: the call fails UNAVAILABLE within its deadline, never hangs. */
  private static void assertRefused(Pair pair, String target, ChannelConfig config, String who) {
    RunCallResponse observed =
        pair.call(calculate("refused", Operation.OPERATION_ADD, integer(1), integer(1)).channel(config)
            .timeout(Duration.ofSeconds(5)).build().call(), target);
    assertThat(Code.values()[observed.getStatus().getCode()])
        .as("%s: %s (%s) must be refused with UNAVAILABLE; the status was %s", pair.name(), who, target, observed.getStatus())
        .isEqualTo(Code.UNAVAILABLE);
  }

  private static void mtlsWrongCa(Pair pair) {
    String mtls = Deployment.mtlsTarget(pair.server().peer());
    assertRefused(pair, mtls, pair.deployment().mtlsWrongCa(), "a client whose certificate another CA signed");
    assertOver(pair, mtls, pair.deployment().mtls(),
        calculate("mtls_after_refusal", Operation.OPERATION_ADD, integer(1), integer(1)), Outcome.ok(result(integer(2))));
  }

  /** round_robin over one DNS name for several replicas: every live replica serves some calls. */
  private static java.util.Set<String> roundRobinOverReplicas(Pair pair, int live) throws InterruptedException {
    return roundRobinOverReplicas(pair, live, ChannelConfig.newBuilder().setLoadBalancingPolicy("round_robin").build(), true);
  }

  /**
   * With {@code everyCallSucceeds}, a failed call fails the case; without, failed calls are only
   * left out of the count (health-aware balancing asserts where calls go, not that none fails while
   * health streams settle).
   */
  private static java.util.Set<String> roundRobinOverReplicas(
      Pair pair, int live, ChannelConfig roundRobin, boolean everyCallSucceeds) throws InterruptedException {
    String target = Deployment.replicasTarget(pair.server().peer());
    Scenario.Builder call = calculate("round_robin", Operation.OPERATION_ADD, integer(1), integer(1)).channel(roundRobin);
    // The first call makes the channel, which then connects to every replica it resolves.
    pair.call(call.build().call(), target);
    Thread.sleep(500);
    List<RunCallRequest> calls = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      calls.add(call.build().call().toBuilder().setTarget(target).build());
    }
    // A replica that just restarted may have a new address, which a client learns when it
    // re-resolves the name (grpc-java waits at least 30 s between resolutions), and a client in
    // reconnect backoff waits before it retries (1 s, growing 1.6 times, with jitter: about 10 s by
    // the sixth try): so batches go on until every live replica served, for up to 75 s. 40 s was
    // once too short for java → java, with replica-1 restarted by four clients' replica_stopped.
    java.util.Set<String> servedBy = new java.util.TreeSet<>();
    long giveUpAt = System.nanoTime() + Duration.ofSeconds(75).toNanos();
    do {
      for (RunCallResponse result : pair.callAllTo(calls)) {
        if (everyCallSucceeds) {
          // No call is in flight on a replica when it stops, so the bound on failed calls is zero.
          assertThat(result.getStatus().getCode())
              .as("%s: a load-balanced call to %s: %s", pair.name(), target, result.getStatus()).isZero();
        }
        result.getHeadersList().stream()
            .filter(h -> h.getKey().equals("x-interop-server-id"))
            .forEach(h -> servedBy.add(h.getText()));
      }
    } while (servedBy.size() < live && System.nanoTime() < giveUpAt);
    assertThat(servedBy)
        .as("%s: the replicas that served batches of 30 round_robin calls to %s (x-interop-server-id)", pair.name(), target)
        .hasSize(live);
    return servedBy;
  }

  /** A replica stops gracefully: the calls after it go to the others, none fails. */
  private static void replicaStopped(Pair pair) throws Exception {
    pair.deployment().withReplicas(pair.server().peer(), replicas -> {
      PeerContainer stopped = replicas.get(0);
      Replicas.stop(stopped);
      try {
        assertThat(roundRobinOverReplicas(pair, replicas.size() - 1))
            .as("%s: replicas serving after %s stopped", pair.name(), stopped.label())
            .doesNotContain(stopped.label());
      } finally {
        Replicas.start(stopped);
        awaitServing(pair, stopped);
      }
    });
  }

  /**
   * A client whose keepalive stays within the server's policy keeps its idle connection: against the
   * instance that permits pings every 5 s even without calls, a client pinging every 10 s (grpc-java's
   * floor) makes a call, idles for 35 s, and makes another on the same channel, which must arrive on
   * the same connection: the server sees the same client address. Three pings in that idle time are
   * three strikes against the default policy (one ping in 5 minutes), which grpc-java and C-core
   * servers answer with GOAWAY too_many_pings: aimed at the default-policy instance, this case fails
   * for them, which is what makes its pass mean something. Whether each ping was sent is not
   * observable from here.
   */
  private static void keepaliveWithinPolicy(Pair pair) throws InterruptedException {
    Duration idle = Duration.ofSeconds(35);
    ChannelConfig withinPolicy =
        ChannelConfig.newBuilder()
            .setKeepalive(dev.grpcinterop.interop.v1.Keepalive.newBuilder()
                .setTime(Durations.fromSeconds(10)).setTimeout(Durations.fromSeconds(5)).setPermitWithoutCalls(true))
            .build();
    String before = keepaliveCall(pair, withinPolicy, "the first call");
    Thread.sleep(idle.toMillis());
    String after = keepaliveCall(pair, withinPolicy, "a call after " + idle.toSeconds() + " s idle, on the connection that should have been kept");
    var instance = pair.deployment().keepaliveServer(pair.server().peer());
    assertThat(pair.serverCall(instance, after).getPeer())
        .as("%s: the client address the server saw for a call after %d s idle, against the one before it"
            + " (a different one means the connection was closed and a new one made)", pair.name(), idle.toSeconds())
        .isNotEmpty()
        .isEqualTo(pair.serverCall(instance, before).getPeer());
  }

  /** One call to the server's keepalive instance, which must succeed; returns its call id. */
  private static String keepaliveCall(Pair pair, ChannelConfig channel, String which) {
    String callId = UUID.randomUUID().toString();
    String target = Deployment.keepaliveTarget(pair.server().peer());
    RunCallResponse observed =
        pair.call(calculate("keepalive_within_policy", Operation.OPERATION_ADD, integer(1), integer(1)).channel(channel)
            .metadata("x-interop-call-id", callId).timeout(Duration.ofSeconds(5)).build().call(), target);
    assertThat(observed.getStatus().getCode())
        .as("%s: %s to %s, on a channel pinging every 10 s; status %s", pair.name(), which, target, observed.getStatus())
        .isZero();
    return callId;
  }

  /**
   * A client that pings far more often than the server's keepalive policy allows (every library's
   * default: no more than once in 5 minutes; this instance keeps it) is sent GOAWAY too_many_pings,
   * and its call fails with UNAVAILABLE instead of hanging. grpc-java will not ping more often than
   * every 10 s, so a Java client gets there after three pings.
   */
  private static void keepaliveTooManyPings(Pair pair) {
    ChannelConfig eager =
        ChannelConfig.newBuilder()
            .setKeepalive(dev.grpcinterop.interop.v1.Keepalive.newBuilder()
                .setTime(Durations.fromSeconds(1)).setTimeout(Durations.fromSeconds(5)).setPermitWithoutCalls(true))
            .build();
    // Six factors, one every 5 s: a call that outlives several pings, mostly waiting.
    RunCallResponse observed =
        pair.call(factorize("keepalive_too_many_pings", 64, Duration.ofSeconds(5)).channel(eager)
            .timeout(Duration.ofSeconds(45)).build().call(), pair.server().networkTarget());
    assertThat(Code.values()[observed.getStatus().getCode()])
        .as("%s: a call on a channel that pings every second, against the server's keepalive policy; status %s",
            pair.name(), observed.getStatus())
        .isEqualTo(Code.UNAVAILABLE);
  }

  /** Waits until a restarted replica answers again, so that the next case finds every replica up. */
  private static void awaitServing(Pair pair, PeerContainer replica) throws InterruptedException {
    Scenario.Builder call = calculate("ready", Operation.OPERATION_ADD, integer(0), integer(0)).timeout(Duration.ofSeconds(2));
    long giveUpAt = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    RunCallResponse last;
    do {
      last = pair.call(call.build().call(), Deployment.replicaTarget(replica));
      if (last.getStatus().getCode() == 0) {
        return;
      }
      Thread.sleep(250);
    } while (System.nanoTime() < giveUpAt);
    throw new AssertionError(replica.label() + " did not serve again within 60 s of its restart: " + last.getStatus());
  }

  /** With client-side health checking, a replica whose health turns NOT_SERVING gets no new calls. */
  private static void healthAwareBalancing(Pair pair) throws Exception {
    pair.deployment().withReplicas(pair.server().peer(), replicas -> {
      PeerContainer sick = replicas.get(1);
      ChannelConfig healthAware =
          ChannelConfig.newBuilder().setLoadBalancingPolicy("round_robin").setHealthCheck(true).build();
      setServing(pair, sick, false);
      try {
        // The health watch tells the client at once; give its balancer a moment to act on it.
        Thread.sleep(500);
        assertThat(roundRobinOverReplicas(pair, replicas.size() - 1, healthAware, false))
            .as("%s: replicas serving while %s reports NOT_SERVING", pair.name(), sick.label())
            .doesNotContain(sick.label());
      } finally {
        setServing(pair, sick, true);
      }
    });
  }

  /** Through the client peer, over the run's network: replicas are restarted, so host ports move. */
  private static void setServing(Pair pair, PeerContainer replica, boolean serving) {
    RunCallResponse set =
        pair.call(Scenario.named("set_serving", "interop.v1.PeerControlService/SetServing")
            .request(dev.grpcinterop.interop.v1.SetServingRequest.newBuilder().setServing(serving).build())
            .build().call(), Deployment.replicaTarget(replica));
    assertThat(set.getStatus().getCode()).as("%s: SetServing(%s) on %s: %s", pair.name(), serving, replica.label(), set.getStatus()).isZero();
  }

  /** The server restarts: the client's next calls succeed once it has reconnected, within its backoff. */
  private static void reconnection(Pair pair) throws Exception {
    pair.deployment().withReplicas(pair.server().peer(), replicas -> {
      PeerContainer server = replicas.get(replicas.size() - 1);
      String target = Deployment.replicaTarget(server);
      Scenario.Builder call = calculate("reconnection", Operation.OPERATION_ADD, integer(2), integer(2)).timeout(Duration.ofSeconds(2));
      assertThat(pair.call(call.build().call(), target).getStatus().getCode()).as("%s: before the restart", pair.name()).isZero();
      Replicas.stop(server);
      Replicas.start(server);
      long start = System.nanoTime();
      RunCallResponse last = null;
      // gRPC's reconnect backoff starts at 1 s and grows 1.6 times, with jitter: 20 s covers a few tries.
      while (System.nanoTime() - start < Duration.ofSeconds(20).toNanos()) {
        last = pair.call(call.build().call(), target);
        if (last.getStatus().getCode() == 0) {
          return;
        }
        Thread.sleep(250);
      }
      throw new AssertionError(pair.name() + ": no call to " + target + " succeeded within 20 s of the server's restart;"
          + " the last status was " + last.getStatus());
    });
  }

  private static void malformedRequest(Pair pair) {
    RunCallResponse malformed =
        pair.call(Scenario.named("malformed_request", CALCULATE).raw().requestBytes(new byte[] {(byte) 0xff, 0x01}).build().call());
    assertThat(Outcome.observed(malformed, false).status())
        .as("%s: a request that is not a CalculateRequest (bytes ff 01) is refused with INTERNAL, as gRPC"
            + " libraries answer a message they cannot parse; it said %s", pair.name(), malformed.getStatus())
        .isEqualTo(Code.INTERNAL.toString());
    assertServing(pair, "after a malformed request");
  }

  private static void messageOverReceiveLimit(Pair pair) {
    var thousand = StatisticsRequest.newBuilder().addAllValues(descending(1000, 1)).build();
    // 700 copies of 8 KB merge into one request of 5.6 MB, over the server's 4 MiB limit.
    RunCallResponse refused =
        pair.call(Scenario.named("message_over_receive_limit", STATISTICS).raw().requestBytes(thousand.toByteArray())
            .rawRepeat(700).build().call());
    assertThat(Code.values()[refused.getStatus().getCode()])
        .as("%s: a 5.6 MB request against the server's 4 MiB limit; the status was %s", pair.name(), refused.getStatus())
        .isEqualTo(Code.RESOURCE_EXHAUSTED);
    assertServing(pair, "after refusing a message over its limit");
  }

  private static void multiplexing(Pair pair) {
    List<RunCallRequest> calls = new ArrayList<>();
    List<Outcome> expected = new ArrayList<>();
    for (int i = 0; i < 60; i++) {
      Scenario scenario;
      switch (i % 3) {
        case 0 -> {
          scenario = calculate("mux", Operation.OPERATION_MULTIPLY, integer(i), integer(i)).build();
          expected.add(Outcome.ok(result(integer((long) i * i))));
        }
        case 1 -> {
          scenario = factorize("mux", 12, Duration.ofMillis(10)).build();
          expected.add(Outcome.ok(factors(2, 2, 3)));
        }
        default -> {
          scenario = Scenario.named("mux", RUNNING_AVERAGE).request(average(i), average(i + 2)).build();
          expected.add(Outcome.ok(averages(i, i, i + 2, i + 1)));
        }
      }
      calls.add(scenario.call());
    }
    List<RunCallResponse> results = pair.callAll(calls);
    assertThat(results).as("%s: results of 60 concurrent calls on one channel", pair.name()).hasSize(60);
    for (int i = 0; i < results.size(); i++) {
      assertThat(Outcome.observed(results.get(i), true))
          .as("%s: concurrent call %d of 60 (unary, server-streaming and bidi mixed)", pair.name(), i)
          .isEqualTo(expected.get(i));
    }
  }

  /** The server compresses its responses when asked, and the client reads them all the same. */
  private static void serverCompressed(Pair pair, Scenario.Builder scenario, Outcome expected) {
    String callId = UUID.randomUUID().toString();
    RunCallResponse observed =
        pair.call(scenario.metadata("x-interop-response-compression", "gzip")
            .metadata("x-interop-call-id", callId).build().call());
    assertThat(Outcome.observed(observed, true))
        .as("%s: what the client read of gzip-compressed responses", pair.name())
        .isEqualTo(expected);
    assertThat(pair.serverCall(callId).getResponseCompression())
        .as("%s: the compression the %s server says it applied to its responses", pair.name(), pair.server().peer())
        .isEqualTo("gzip");
  }

  private static void cancelAfterFirstResponse(Pair pair) {
    String callId = UUID.randomUUID().toString();
    RunCallResponse observed =
        pair.call(factorize("cancel_after_first_response", 1024, Duration.ofMillis(200))
            .metadata("x-interop-call-id", callId).cancelAfterResponses(1).build().call());
    assertThat(Outcome.observed(observed, false))
        .as("%s: cancelled after the first of ten paced factors", pair.name())
        .isEqualTo(Outcome.code(Code.CANCELLED, FactorizeResponse.newBuilder().setFactor(2).build()));
    await("the " + pair.server().peer() + " server to see the cancellation")
        .atMost(Duration.ofSeconds(5))
        .untilAsserted(() -> assertThat(pair.serverCall(callId).getCancelled())
            .as("%s: the server saw the call %s cancelled", pair.name(), callId).isTrue());
  }

  private static void deadlineSeenByServer(Pair pair) {
    String callId = UUID.randomUUID().toString();
    RunCallResponse observed =
        pair.call(factorize("deadline_seen_by_server", 12, Duration.ZERO).timeout(Duration.ofSeconds(5))
            .metadata("x-interop-call-id", callId).build().call());
    assertThat(observed.getStatus().getCode()).as("%s: the call itself", pair.name()).isZero();
    long remaining = Durations.toMillis(pair.serverCall(callId).getDeadlineRemaining());
    // The client's 5 s, less the time to reach the server; clocks that round up may add a little.
    assertThat(remaining)
        .as("%s: the deadline the server saw, in ms, for a call made with a 5 s timeout", pair.name())
        .isBetween(2_000L, 5_100L);
  }

  private static void assertServing(Pair pair, String when) {
    RunCallResponse after = pair.call(calculate("still_serving", Operation.OPERATION_ADD, integer(1), integer(1)).build().call());
    assertThat(Outcome.observed(after, true))
        .as("%s: the server still serves %s", pair.name(), when)
        .isEqualTo(Outcome.ok(result(integer(2))));
  }

  // --- Building blocks ---

  private static InteropCase call(String group, Scenario.Builder scenario, Outcome expected) {
    Scenario built = scenario.build();
    return new CallCase(built.name(), group, built, expected);
  }

  private static Scenario.Builder calculate(String name, Operation operation, Number left, Number right) {
    return Scenario.named(name, CALCULATE)
        .request(CalculateRequest.newBuilder().setOperation(operation).setLeft(left).setRight(right).build());
  }

  private static CalculateRequest addition(long a, long b) {
    return CalculateRequest.newBuilder().setOperation(Operation.OPERATION_ADD).setLeft(integer(a)).setRight(integer(b)).build();
  }

  private static Scenario.Builder factorize(String name, long number, Duration interval) {
    return Scenario.named(name, FACTORIZE)
        .request(FactorizeRequest.newBuilder().setNumber(number).setInterval(Durations.fromNanos(interval.toNanos())).build());
  }

  private static Scenario.Builder sum(String name, Number... values) {
    var scenario = Scenario.named(name, SUM);
    for (Number value : values) {
      scenario.request(SumRequest.newBuilder().setValue(value).build());
    }
    return scenario;
  }

  private static RunningAverageRequest average(double value) {
    return RunningAverageRequest.newBuilder().setValue(value).build();
  }

  private static CalculateResponse result(Number number) {
    return CalculateResponse.newBuilder().setResult(number).build();
  }

  private static FactorizeResponse[] factors(long... factors) {
    return Arrays.stream(factors).mapToObj(f -> FactorizeResponse.newBuilder().setFactor(f).build())
        .toArray(FactorizeResponse[]::new);
  }

  /** Pairs of (value, expected average) become the expected RunningAverage responses. */
  private static RunningAverageResponse[] averages(double... valueAndAverage) {
    var responses = new RunningAverageResponse[valueAndAverage.length / 2];
    for (int i = 0; i < responses.length; i++) {
      responses[i] = RunningAverageResponse.newBuilder().setCount(i + 1).setAverage(valueAndAverage[2 * i + 1]).build();
    }
    return responses;
  }

  /** n multiples of step, largest first, so that sorting has work to do; all sums stay exact. */
  private static List<Double> descending(int n, double step) {
    return IntStream.range(0, n).mapToObj(i -> (n - 1 - i) * step).toList();
  }

  /** The expected statistics of values whose every partial sum is exact in a double. */
  private static StatisticsResponse statistics(List<Double> values) {
    double sum = values.stream().mapToDouble(Double::doubleValue).sum();
    List<Double> sorted = values.stream().sorted().toList();
    return StatisticsResponse.newBuilder()
        .setCount(values.size())
        .setSum(sum)
        .setMin(sorted.get(0))
        .setMax(sorted.get(sorted.size() - 1))
        .setMean(sum / values.size())
        .addAllSorted(sorted)
        .build();
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] joined = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, joined, a.length, b.length);
    return joined;
  }
}
