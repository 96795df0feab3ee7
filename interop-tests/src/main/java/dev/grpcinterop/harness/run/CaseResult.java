package dev.grpcinterop.harness.run;

/** How one case went on one pair. */
public record CaseResult(
    String client,
    String server,
    String caseName,
    String group,
    Verdict verdict,
    long millis,
    String detail) {

  public enum Verdict {
    PASSED("passed"),
    FAILED("failed"),
    KNOWN_FAILURE("known_failure"),
    /** The case cannot say anything about the pair; the detail says why. Neither pass nor fail. */
    NOT_APPLICABLE("not_applicable");

    private final String json;

    Verdict(String json) {
      this.json = json;
    }

    public String json() {
      return json;
    }
  }

  /** "python → node :: special_status_message": the name known-failure patterns match. */
  public String fullName() {
    return fullName(client, server, caseName);
  }

  public static String fullName(String client, String server, String caseName) {
    return client + " → " + server + " :: " + caseName;
  }
}
