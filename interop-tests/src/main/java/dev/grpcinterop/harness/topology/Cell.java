package dev.grpcinterop.harness.topology;

import dev.grpcinterop.harness.contract.Contract;
import dev.grpcinterop.interop.v1.GetServerCallResponse;
import dev.grpcinterop.interop.v1.RunCallRequest;
import dev.grpcinterop.interop.v1.RunCallResponse;
import java.util.Optional;

/**
 * One client calling one server, as far as a generated case needs to know: who they are, and the
 * call made. A matrix {@link Pair} is one; so is a client calling a server that is no peer, such as
 * one a test plants.
 */
public interface Cell {
  /** "python → node". */
  String name();

  String clientLabel();

  String serverLabel();

  /** The client's language, as known failures name it. */
  String clientPeer();

  String serverPeer();

  /** The contract the client reads its reports with. */
  Contract clientContract();

  /** Has the client make {@code call} against the server, and returns what it saw. */
  RunCallResponse call(RunCallRequest call);

  /** Has the client make {@code call} against another of the server's addresses. */
  RunCallResponse call(RunCallRequest call, String target);

  /**
   * Where the server serves TLS, if it does: the harness's peers always; a user's server where the
   * project file says how (provides.tls).
   */
  default Optional<TlsTargets> tls() {
    return Optional.empty();
  }

  /**
   * Whether the server tells the harness what it saw of a call (the harness's peers do, through
   * their control service); a user's server does not.
   */
  default boolean reportsServerCalls() {
    return false;
  }

  /** What the server saw of the call that carried {@code callId}, where it reports its calls. */
  default GetServerCallResponse serverCall(String callId) {
    throw new UnsupportedOperationException(serverLabel() + " does not report its calls");
  }
}
