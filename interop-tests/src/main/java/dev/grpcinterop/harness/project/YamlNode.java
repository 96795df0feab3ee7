package dev.grpcinterop.harness.project;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * A node of a YAML document with its line, read as the project file's shapes (mappings of known
 * keys, lists, strings, numbers), each mistake a {@link ProjectFileException} at that line.
 */
final class YamlNode {
  private final String file;
  private final String what;
  private final Node node;

  YamlNode(String file, String what, Node node) {
    this.file = file;
    this.what = what;
    this.node = node;
  }

  /** 1-based, as editors count. */
  int line() {
    return node.getStartMark().getLine() + 1;
  }

  ProjectFileException fail(String problem) {
    return new ProjectFileException(file + ":" + line() + ": " + problem);
  }

  /** The entries of a mapping whose keys must be among {@code keys}, in the order written. */
  Map<String, YamlNode> mapping(Set<String> keys) {
    Map<String, YamlNode> entries = entries();
    for (var entry : entries.entrySet()) {
      if (!keys.contains(entry.getKey())) {
        throw entry
            .getValue()
            .fail(
                "unknown key \""
                    + entry.getKey()
                    + "\" in "
                    + what
                    + "; the keys are "
                    + String.join(", ", keys)
                    + " (docs/your-own-contract.md).");
      }
    }
    return entries;
  }

  /** The entries of a mapping with keys of the user's choosing, such as method names. */
  Map<String, YamlNode> entries() {
    if (!(node instanceof MappingNode mapping)) {
      throw fail(what + " must be a mapping (key: value lines).");
    }
    Map<String, YamlNode> entries = new LinkedHashMap<>();
    for (NodeTuple tuple : mapping.getValue()) {
      if (!(tuple.getKeyNode() instanceof ScalarNode key)) {
        throw new YamlNode(file, what, tuple.getKeyNode())
            .fail("a key of " + what + " must be a name.");
      }
      String child = what.equals(ProjectFile.WHOLE) ? key.getValue() : what + "." + key.getValue();
      var value = new YamlNode(file, child, tuple.getValueNode());
      if (entries.put(key.getValue(), value) != null) {
        throw value.fail("\"" + key.getValue() + "\" appears twice in " + what + ".");
      }
    }
    return entries;
  }

  List<YamlNode> list() {
    if (!(node instanceof SequenceNode sequence)) {
      throw fail(what + " must be a list (lines starting with \"- \").");
    }
    List<YamlNode> items = new ArrayList<>();
    for (int i = 0; i < sequence.getValue().size(); i++) {
      items.add(new YamlNode(file, what + "[" + i + "]", sequence.getValue().get(i)));
    }
    return items;
  }

  /** A list of strings; a single string is read as a list of one. */
  List<String> strings() {
    if (node instanceof ScalarNode) {
      return List.of(string());
    }
    return list().stream().map(YamlNode::string).toList();
  }

  boolean isScalar() {
    return node instanceof ScalarNode;
  }

  String string() {
    if (!(node instanceof ScalarNode scalar) || scalar.getValue().isBlank()) {
      throw fail(what + " must be a non-empty string.");
    }
    return scalar.getValue();
  }

  long number() {
    String text = string();
    try {
      return Long.parseLong(text);
    } catch (NumberFormatException notANumber) {
      throw fail(what + " must be a whole number; it is \"" + text + "\".");
    }
  }

  boolean bool() {
    return switch (string()) {
      case "true" -> true;
      case "false" -> false;
      default -> throw fail(what + " must be true or false; it is \"" + string() + "\".");
    };
  }

  String what() {
    return what;
  }
}
