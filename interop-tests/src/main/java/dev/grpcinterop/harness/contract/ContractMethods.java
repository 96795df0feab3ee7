package dev.grpcinterop.harness.contract;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The methods a version of the contract declares, "package.Service/Method", read from its .proto
 * files (which scripts/check-proto has compiled), so that version-skew pairs run only the cases that
 * both versions can make.
 */
public final class ContractMethods {
  private static final Pattern TOKENS =
      Pattern.compile("package\\s+([\\w.]+)\\s*;|service\\s+(\\w+)\\s*\\{|rpc\\s+(\\w+)\\s*\\(");
  private static final Pattern COMMENTS = Pattern.compile("//[^\\n]*|/\\*.*?\\*/", Pattern.DOTALL);

  private ContractMethods() {}

  public static Set<String> of(Path protoDir) {
    Set<String> methods = new TreeSet<>();
    try (Stream<Path> files = Files.walk(protoDir)) {
      for (Path file : files.filter(f -> f.toString().endsWith(".proto")).toList()) {
        String text = COMMENTS.matcher(Files.readString(file)).replaceAll(" ");
        String pkg = "";
        String service = "";
        Matcher token = TOKENS.matcher(text);
        while (token.find()) {
          if (token.group(1) != null) {
            pkg = token.group(1) + ".";
          } else if (token.group(2) != null) {
            service = token.group(2);
          } else {
            methods.add(pkg + service + "/" + token.group(3));
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the contract in " + protoDir, e);
    }
    return methods;
  }
}
