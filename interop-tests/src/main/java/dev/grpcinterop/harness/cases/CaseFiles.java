package dev.grpcinterop.harness.cases;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.grpcinterop.harness.contract.Contract;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Reads case files: YAML, one group per file, each case a call and its expectation in the protobuf
 * JSON mapping of the contract they are read with (docs/case-files.md). Every mistake ends the load
 * with the file, the line of the case, and what is wrong.
 */
public final class CaseFiles {
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  private CaseFiles() {}

  /** Every *.yaml file in {@code folder}, in name order, read with {@code contract}. */
  public static List<DataCase> load(Path folder, Contract contract) {
    return load(folder, contract, (Path) null);
  }

  /** The same, naming files in messages relative to {@code shownFrom} (the repository root). */
  public static List<DataCase> load(Path folder, Contract contract, Path shownFrom) {
    return load(
        folder,
        contract,
        file -> shownFrom == null ? file.toString() : shownFrom.relativize(file).toString());
  }

  /** The same, naming each file in messages as {@code shown} says. */
  public static List<DataCase> load(
      Path folder, Contract contract, java.util.function.Function<Path, String> shown) {
    return loadAll(List.of(folder), contract, shown);
  }

  /**
   * Every case of {@code entries}, each a case file or a folder of them (its *.yaml files in name
   * order), read with {@code contract}, each file named in messages as {@code shown} says. Case
   * names are unique across them all.
   */
  public static List<DataCase> loadAll(
      List<Path> entries, Contract contract, java.util.function.Function<Path, String> shown) {
    List<DataCase> cases = new ArrayList<>();
    Map<String, String> seen = new LinkedHashMap<>();
    for (Path entry : entries) {
      for (Path file : Files.isDirectory(entry) ? caseFilesOf(entry) : List.of(entry)) {
        for (DataCase read : read(file, shown.apply(file), contract)) {
          String earlier = seen.putIfAbsent(read.name(), read.source());
          if (earlier != null) {
            throw new CaseFileException(
                read.source()
                    + ": a case named "
                    + read.name()
                    + " is already at "
                    + earlier
                    + "; case names are unique, as the report and the known failures find cases by"
                    + " name.");
          }
          cases.add(read);
        }
      }
    }
    return cases;
  }

  private static List<Path> caseFilesOf(Path folder) {
    List<Path> files;
    try (Stream<Path> listed = Files.list(folder)) {
      files = listed.filter(f -> f.getFileName().toString().endsWith(".yaml")).sorted().toList();
    } catch (IOException e) {
      throw new CaseFileException(
          folder + " cannot be read as a folder of case files: " + e.getMessage());
    }
    if (files.isEmpty()) {
      throw new CaseFileException(folder + " holds no case file (*.yaml); see docs/case-files.md.");
    }
    return files;
  }

  /** One case file, called {@code shown} in messages. */
  public static List<DataCase> read(Path file, String shown, Contract contract) {
    String text;
    try {
      text = Files.readString(file);
    } catch (IOException e) {
      throw new CaseFileException(file + " cannot be read: " + e.getMessage());
    }
    return parse(shown, text, contract);
  }

  /** The cases in {@code text}, which came from {@code file}. */
  static List<DataCase> parse(String file, String text, Contract contract) {
    String group = null;
    List<DataCase> cases = new ArrayList<>();
    try (JsonParser parser = YAML.getFactory().createParser(text)) {
      if (parser.nextToken() != JsonToken.START_OBJECT) {
        throw new CaseFileException(
            file
                + ": a case file is a mapping with \"group\" and \"cases\"; see docs/case-files.md.");
      }
      while (parser.nextToken() == JsonToken.FIELD_NAME) {
        String key = parser.currentName();
        int line = parser.currentTokenLocation().getLineNr();
        JsonToken value = parser.nextToken();
        switch (key) {
          case "group" -> group = parser.getValueAsString();
          case "description" -> parser.skipChildren();
          case "cases" -> {
            if (value != JsonToken.START_ARRAY) {
              throw new CaseFileException(
                  file + ":" + line + ": \"cases\" must be a list of cases.");
            }
            if (group == null) {
              throw new CaseFileException(
                  file + ":" + line + ": \"group\" must come before \"cases\".");
            }
            while (parser.nextToken() != JsonToken.END_ARRAY) {
              int caseLine = parser.currentTokenLocation().getLineNr();
              JsonNode node = YAML.readTree(parser);
              cases.add(new CaseReader(file + ":" + caseLine, group, contract).read(node));
            }
          }
          default ->
              throw new CaseFileException(
                  file
                      + ":"
                      + line
                      + ": unknown key \""
                      + key
                      + "\"; a case file has \"group\", \"description\" and \"cases\".");
        }
      }
    } catch (IOException malformed) {
      String problem =
          malformed instanceof com.fasterxml.jackson.core.JsonProcessingException json
              ? json.getOriginalMessage()
              : malformed.getMessage();
      throw new CaseFileException(
          file + ":" + lineOf(malformed) + ": not valid YAML: " + oneLine(problem));
    }
    if (group == null || cases.isEmpty()) {
      throw new CaseFileException(
          file + ": a case file needs a \"group\" and at least one case under \"cases\".");
    }
    return cases;
  }

  /**
   * The YAML parser's words without the lines that point into the text: the line number says where.
   */
  private static String oneLine(String problem) {
    return problem
        .lines()
        .filter(
            l ->
                !l.startsWith(" in 'reader'")
                    && !l.isBlank()
                    && !l.strip().equals("^")
                    && !l.startsWith("    "))
        .map(String::strip)
        .collect(java.util.stream.Collectors.joining(": "));
  }

  private static String lineOf(IOException malformed) {
    if (malformed instanceof com.fasterxml.jackson.core.JsonProcessingException json
        && json.getLocation() != null) {
      return Integer.toString(json.getLocation().getLineNr());
    }
    return "?";
  }
}
