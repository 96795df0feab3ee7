package dev.grpcinterop.harness.peers;

import com.google.protobuf.ByteString;
import dev.grpcinterop.interop.v1.LoadContractRequest;
import dev.grpcinterop.interop.v1.PeerControlServiceGrpc;
import dev.grpcinterop.interop.v1.RunCallRequest;
import dev.grpcinterop.interop.v1.RunCallsRequest;
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
