package dev.grpcinterop.harness.topology;

import dev.grpcinterop.harness.contract.Contract;
import dev.grpcinterop.interop.v1.RunCallRequest;
import dev.grpcinterop.interop.v1.RunCallResponse;

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
}
