package dev.grpcinterop.harness.cases;

import com.google.protobuf.Any;
import com.google.protobuf.Message;
import com.google.protobuf.util.Durations;
import dev.grpcinterop.interop.v1.Cancellation;
import dev.grpcinterop.interop.v1.MetadataEntry;
import dev.grpcinterop.interop.v1.RunCallRequest;
import java.time.Duration;

/**
 * One call as data: what any language's client is told to do, whatever server it calls. Where the
 * status message is the library's own words (a deadline, a cancellation) rather than the contract's,
 * only the code is compared.
 */
public record Scenario(String name, RunCallRequest call, boolean contractMessage) {

  public static Builder named(String name, String method) {
    return new Builder(name, method);
  }

  /** The call, aimed at {@code target}. */
  public RunCallRequest callTo(String target) {
    return call.toBuilder().setTarget(target).build();
  }

  public static final class Builder {
    private final String name;
    private final RunCallRequest.Builder call;
    private boolean contractMessage = true;

    private Builder(String name, String method) {
      this.name = name;
      this.call =
          RunCallRequest.newBuilder()
              .setMethod(method)
              .setTimeout(Durations.fromSeconds(10));
    }

    public Builder request(Message... requests) {
      for (Message request : requests) {
        call.addRequests(Any.pack(request));
      }
      return this;
    }

    public Builder timeout(Duration timeout) {
      call.setTimeout(Durations.fromNanos(timeout.toNanos()));
      return this;
    }

    public Builder metadata(String key, String text) {
      call.addMetadata(MetadataEntry.newBuilder().setKey(key).setText(text));
      return this;
    }

    public Builder metadata(String key, byte[] binary) {
      call.addMetadata(
          MetadataEntry.newBuilder().setKey(key).setBinary(com.google.protobuf.ByteString.copyFrom(binary)));
      return this;
    }

    /** Sends the requests' bytes untouched, to any path: see RunCallRequest.raw. */
    public Builder raw() {
      call.setRaw(true);
      return this;
    }

    /** A raw request of exactly these bytes, valid or not. */
    public Builder requestBytes(byte[] bytes) {
      call.addRequests(Any.newBuilder().setValue(com.google.protobuf.ByteString.copyFrom(bytes)));
      return this;
    }

    public Builder rawRepeat(int times) {
      call.setRawRepeat(times);
      return this;
    }

    /** The client's channel: TLS, load balancing, keepalive; see ChannelConfig. */
    public Builder channel(dev.grpcinterop.interop.v1.ChannelConfig config) {
      call.setChannel(config);
      return this;
    }

    public Builder gzip() {
      call.setCompression("gzip");
      return this;
    }

    public Builder pingPong() {
      call.setPingPong(true);
      return this;
    }

    public Builder cancelAfterResponses(int responses) {
      call.setCancel(Cancellation.newBuilder().setAfterResponses(responses));
      return libraryMessage();
    }

    public Builder cancelAfterBegin() {
      call.setCancel(Cancellation.newBuilder().setAfterBegin(true));
      return libraryMessage();
    }

    /** The status message comes from the gRPC library, not the contract: compare codes only. */
    public Builder libraryMessage() {
      contractMessage = false;
      return this;
    }

    public Scenario build() {
      return new Scenario(name, call.build(), contractMessage);
    }
  }
}
