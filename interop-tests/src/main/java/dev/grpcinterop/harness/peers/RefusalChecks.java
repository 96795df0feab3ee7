package dev.grpcinterop.harness.peers;

import com.google.protobuf.ByteString;
import com.google.protobuf.util.Durations;
import dev.grpcinterop.interop.v1.Cancellation;
import dev.grpcinterop.interop.v1.LoadContractRequest;
import dev.grpcinterop.interop.v1.PeerControlServiceGrpc;
import dev.grpcinterop.interop.v1.RunCallRequest;
import dev.grpcinterop.interop.v1.RunCallsRequest;
import dev.grpcinterop.interop.v1.RunLoadRequest;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The rulebook of refused descriptions ({@link RefusalRulebook}), checked on one peer: each must be
 * refused with INVALID_ARGUMENT and the rulebook's phrase, as every other peer refuses it.
 */
final class RefusalChecks {
  static final String CONTRACT =
      "RunCall: what it refuses (proto/interop/v1/peer_control.proto, RunCall)";

  private RefusalChecks() {}

  /**
   * Every row of the rulebook, through RunCall and then as one bad call in a RunCalls batch; a set
   * of bytes that is not a descriptor set, through LoadContract.
   */
  static List<PeerConformance.Check> all(
      PeerControlServiceGrpc.PeerControlServiceBlockingStub control,
      String target,
      Duration deadline) {
    String contract = CONTRACT;
    List<PeerConformance.Check> checks = new ArrayList<>();
    for (RefusalRulebook.Row row : RefusalRulebook.rows()) {
      RunCallRequest bad =
          row.spoil().apply(RefusalRulebook.good(target, deadline).toBuilder()).build();
      String name =
          "refuses a RunCall with "
              + row.problem()
              + ": INVALID_ARGUMENT containing \""
              + row.phrase()
              + "\"";
      checks.add(refused(name, contract, row.phrase(), () -> control.runCall(bad)));
    }
    RunCallRequest good = RefusalRulebook.good(target, deadline);
    RunCallRequest noTimeout = good.toBuilder().clearTimeout().build();
    checks.add(
        refused(
            "refuses a whole RunCalls batch when one call has no timeout",
            contract,
            "timeout is required",
            () ->
                control.runCalls(
                    RunCallsRequest.newBuilder().addCalls(good).addCalls(noTimeout).build())));
    checks.addAll(loads(control, good));
    checks.add(
        refused(
            "refuses a LoadContract whose bytes are not a descriptor set",
            "LoadContract",
            "does not parse as a FileDescriptorSet",
            () ->
                control.loadContract(
                    LoadContractRequest.newBuilder()
                        .setFileDescriptorSet(ByteString.copyFrom(new byte[] {(byte) 0xff}))
                        .build())));
    return checks;
  }

  /** RunLoad's own refusals, after RunCall's for its call (peer_control.proto, RunLoad). */
  private static List<PeerConformance.Check> loads(
      PeerControlServiceGrpc.PeerControlServiceBlockingStub control, RunCallRequest good) {
    String contract = "RunLoad: what it refuses (proto/interop/v1/peer_control.proto, RunLoad)";
    RunLoadRequest load =
        RunLoadRequest.newBuilder()
            .setCall(good)
            .setConcurrency(2)
            .setChannels(1)
            .setDuration(Durations.fromMillis(100))
            .build();
    record Row(String problem, String phrase, RunLoadRequest bad) {}
    List<Row> rows =
        List.of(
            new Row(
                "a call RunCall refuses (no timeout)",
                "timeout is required",
                load.toBuilder().setCall(good.toBuilder().clearTimeout()).build()),
            new Row(
                "a cancelled call",
                "load calls cannot be cancelled or raw",
                load.toBuilder()
                    .setCall(
                        good.toBuilder().setCancel(Cancellation.newBuilder().setAfterBegin(true)))
                    .build()),
            new Row(
                "a concurrency of 0",
                "concurrency must be at least 1",
                load.toBuilder().setConcurrency(0).build()),
            new Row(
                "neither a duration nor a number of calls",
                "duration or calls is required",
                load.toBuilder().clearUntil().build()),
            new Row(
                "more channels than calls in flight",
                "channels must not exceed concurrency",
                load.toBuilder().setChannels(3).build()));
    List<PeerConformance.Check> checks = new ArrayList<>();
    for (Row row : rows) {
      checks.add(
          refused(
              "refuses a RunLoad with "
                  + row.problem()
                  + ": INVALID_ARGUMENT containing \""
                  + row.phrase()
                  + "\"",
              contract,
              row.phrase(),
              () -> control.runLoad(row.bad())));
    }
    return checks;
  }

  private static PeerConformance.Check refused(
      String name, String contract, String phrase, Runnable request) {
    try {
      request.run();
      return PeerConformance.Check.failed(name, contract, "it was carried out, not refused");
    } catch (StatusRuntimeException refused) {
      Status status = refused.getStatus();
      String message = String.valueOf(status.getDescription());
      if (status.getCode() != Status.Code.INVALID_ARGUMENT || !message.contains(phrase)) {
        return PeerConformance.Check.failed(
            name, contract, "it answered " + status.getCode() + " \"" + message + "\"");
      }
      return PeerConformance.Check.passed(name, contract);
    }
  }
}
