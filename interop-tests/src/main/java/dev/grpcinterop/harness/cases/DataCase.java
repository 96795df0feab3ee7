package dev.grpcinterop.harness.cases;

import com.google.protobuf.Descriptors.Descriptor;
import dev.grpcinterop.harness.topology.Cell;
import dev.grpcinterop.interop.v1.MetadataEntry;
import dev.grpcinterop.interop.v1.RunCallRequest;
import io.grpc.StatusRuntimeException;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;

/**
 * A case that is one call and its expectation, read from a case file: what most cases are.
 *
 * @param source "file:line" of the case, for every message about it
 * @param rawResponseType for a raw call to a method the contract knows, its response type
 */
public record DataCase(
    String name,
    String group,
    String source,
    RunCallRequest call,
    Expectation expect,
    Optional<Descriptor> rawResponseType)
    implements InteropCase {

  /** A server learns of a cancellation a little after the client; this is how long it may take. */
  private static final Duration SERVER_VIEW_WITHIN = Duration.ofSeconds(5);

  @Override
  public Optional<String> notApplicableTo(Cell cell) {
    if (expect.server().isPresent() && !cell.reportsServerCalls()) {
      return Optional.of(
          "the case checks what the server saw of the call ("
              + source
              + "), and "
              + cell.serverLabel()
              + " does not report its calls to the harness");
    }
    return Optional.empty();
  }

  @Override
  public Mismatch run(Cell pair) throws InterruptedException {
    RunCallRequest made = call;
    String callId = UUID.randomUUID().toString();
    if (expect.server().isPresent()) {
      made =
          call.toBuilder()
              .addMetadata(MetadataEntry.newBuilder().setKey("x-interop-call-id").setText(callId))
              .build();
    }
    Observation observed = Observation.of(pair.call(made), pair.clientContract(), rawResponseType);
    if (expect.server().isEmpty()) {
      return ExpectationCheck.check(expect, observed);
    }
    // Only a cancellation can reach the server after the call ended for the client; what else it
    // saw (compression, deadline) is final once it has logged the call.
    boolean lateNews = expect.server().get().cancelled().isPresent();
    long giveUpAt = System.nanoTime() + SERVER_VIEW_WITHIN.toNanos();
    while (true) {
      Observation withServer = observed;
      boolean logged = false;
      try {
        withServer = observed.withServer(pair.serverCall(callId));
        logged = true;
      } catch (StatusRuntimeException notYet) {
        // NOT_FOUND until the server has logged the call.
      }
      Mismatch mismatch = ExpectationCheck.check(expect, withServer);
      if (mismatch.isEmpty() || logged && !lateNews || System.nanoTime() > giveUpAt) {
        return mismatch;
      }
      Thread.sleep(100);
    }
  }

  /** Whether old and new versions of a contract can both make this call: the version-skew cases. */
  public boolean isWireCase(java.util.Set<String> methodsOfBoth) {
    return !call.getRaw() && methodsOfBoth.contains(call.getMethod());
  }
}
