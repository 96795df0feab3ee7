package dev.grpcinterop.harness.run;

import dev.grpcinterop.harness.peers.PeerManifest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The known-failing patterns of every peer in the run. A real incompatibility stays visible as a
 * known failure with its reason; a known failure that passes fails the run, so the list stays true.
 */
public final class KnownFailures {
  /**
   * @param peer the peer whose manifest lists it, or null for a project's own entry, which any pair
   *     may match
   * @param listedIn the file it is written in, for messages: the peer's manifest or the project
   *     file
   */
  public record Entry(
      String peer, Pattern pattern, String source, String reason, boolean flaky, String listedIn) {}

  private final List<Entry> entries = new ArrayList<>();

  public KnownFailures(List<PeerManifest> peers) {
    this(peers, List.of(), "");
  }

  /**
   * The peers' entries and a project's own ({@code project}, written in {@code projectFile}), which
   * match any pair.
   */
  public KnownFailures(
      List<PeerManifest> peers, List<PeerManifest.KnownFailure> project, String projectFile) {
    for (PeerManifest.KnownFailure known : project) {
      entries.add(
          new Entry(
              null,
              glob(known.pattern()),
              known.pattern(),
              known.reason(),
              known.flaky(),
              projectFile));
    }
    for (PeerManifest peer : peers) {
      for (PeerManifest.KnownFailure known : peer.knownFailures()) {
        entries.add(
            new Entry(
                peer.name(),
                glob(known.pattern()),
                known.pattern(),
                known.reason(),
                known.flaky(),
                "docker/" + peer.name() + "-peer/peer.yaml"));
      }
    }
  }

  /** The entry whose pattern matches "client → server :: case", from either side's manifest. */
  public Optional<Entry> match(String client, String server, String caseName) {
    String name = CaseResult.fullName(client, server, caseName);
    return entries.stream()
        .filter(e -> e.peer() == null || e.peer().equals(client) || e.peer().equals(server))
        .filter(e -> e.pattern().matcher(name).matches())
        .findFirst();
  }

  /** "*" stands for any run of characters; everything else matches itself. */
  public static Pattern glob(String pattern) {
    return Pattern.compile(
        Arrays.stream(pattern.split("\\*", -1))
            .map(Pattern::quote)
            .collect(Collectors.joining(".*")));
  }
}
