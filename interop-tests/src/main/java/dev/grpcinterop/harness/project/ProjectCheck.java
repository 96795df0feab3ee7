package dev.grpcinterop.harness.project;

import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Descriptors.MethodDescriptor;
import dev.grpcinterop.harness.cases.DataCase;
import dev.grpcinterop.harness.contract.Contract;
import dev.grpcinterop.harness.peers.PeerManifest;
import dev.grpcinterop.harness.project.Project.MethodSettings;
import dev.grpcinterop.harness.project.Project.Named;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * What of a project file can only be checked against its compiled contract and the peers there are:
 * that the services, methods and response fields it names exist, and the client languages too.
 * Pure.
 */
public final class ProjectCheck {
  private ProjectCheck() {}

  /**
   * The services under test: those the project names, or every service declared in its protos' own
   * files (not in what they import) when it names none.
   */
  public static List<String> services(Project project, Contract contract, List<String> files) {
    if (project.services().isEmpty()) {
      List<String> declared = new ArrayList<>();
      for (String service : contract.services()) {
        String file = anyMethodOf(contract, service).getFile().getName();
        if (files.isEmpty() || files.contains(file)) {
          declared.add(service);
        }
      }
      if (declared.isEmpty()) {
        throw new ProjectFileException(
            project.at(project.protos().line())
                + ": the protos declare no service with a method; a contract run needs one.");
      }
      return declared;
    }
    List<String> services = new ArrayList<>();
    for (Named service : project.services()) {
      if (!contract.services().contains(service.name())) {
        throw new ProjectFileException(
            project.at(service.line())
                + ": service "
                + service.name()
                + " is not in the contract; its services are "
                + String.join(", ", contract.services())
                + " (write the full name, with its package).");
      }
      services.add(service.name());
    }
    return services;
  }

  /** Every method the settings name exists, and every field they ignore is in its response. */
  public static void methods(Project project, Contract contract) {
    for (Map.Entry<String, MethodSettings> entry : project.methods().entrySet()) {
      String at = project.at(entry.getValue().line());
      MethodDescriptor method =
          contract
              .method(entry.getKey())
              .orElseThrow(
                  () ->
                      new ProjectFileException(
                          at
                              + ": method "
                              + entry.getKey()
                              + " is not in the contract; its methods are "
                              + String.join(", ", contract.methods())
                              + "."));
      for (String path : entry.getValue().ignoreFields()) {
        String problem = fieldProblem(method.getOutputType(), path);
        if (problem != null) {
          throw new ProjectFileException(
              at + ": ignoreFields of " + entry.getKey() + ": " + problem + ".");
        }
      }
    }
  }

  /**
   * The project's clients among the peers there are: every peer unless it names some, in the order
   * it names them; a name that is no peer throws, as {@link #clients} does.
   */
  static List<PeerManifest> chosenClients(Project project, List<PeerManifest> peers) {
    clients(project, peers.stream().map(PeerManifest::name).toList());
    if (project.clients().isEmpty()) {
      return peers;
    }
    return project.clients().stream()
        .map(c -> peers.stream().filter(p -> p.name().equals(c.name())).findFirst().orElseThrow())
        .toList();
  }

  /** The client languages named are peers. */
  public static void clients(Project project, Collection<String> peers) {
    for (Named client : project.clients()) {
      if (!peers.contains(client.name())) {
        throw new ProjectFileException(
            project.at(client.line())
                + ": there is no "
                + client.name()
                + " peer; the client languages are "
                + String.join(", ", peers)
                + ".");
      }
    }
  }

  /**
   * The written cases the project names as probes: each must be one of {@code cases} and make its
   * call without asking the server what it saw, which a user's server cannot tell.
   */
  public static List<DataCase> probes(Project project, List<DataCase> cases) {
    List<DataCase> probes = new ArrayList<>();
    for (Named probe : project.probes()) {
      DataCase found =
          cases.stream()
              .filter(c -> c.name().equals(probe.name()))
              .findFirst()
              .orElseThrow(
                  () ->
                      new ProjectFileException(
                          project.at(probe.line())
                              + ": probe "
                              + probe.name()
                              + " is no case of the case files"
                              + (cases.isEmpty()
                                  ? " (there are none: list them under \"cases\")"
                                  : "")
                              + "; name a written case whose call every server answers, such"
                              + " as a simple unary call."));
      if (found.expect().server().isPresent()) {
        throw new ProjectFileException(
            project.at(probe.line())
                + ": probe "
                + probe.name()
                + " ("
                + found.source()
                + ") expects what the server saw of its call; a probe must be a call whose"
                + " answer alone says whether it worked.");
      }
      probes.add(found);
    }
    return probes;
  }

  /** Why {@code path} ("order.id") is no field of {@code type}, or null when it is one. */
  static String fieldProblem(Descriptor type, String path) {
    Descriptor at = type;
    String[] parts = path.split("\\.");
    for (int i = 0; i < parts.length; i++) {
      FieldDescriptor field = at.findFieldByName(parts[i]);
      if (field == null) {
        return "\""
            + path
            + "\": "
            + at.getFullName()
            + " has no field "
            + parts[i]
            + " (fields are named as in the .proto)";
      }
      if (i < parts.length - 1) {
        if (field.getJavaType() != FieldDescriptor.JavaType.MESSAGE || field.isMapField()) {
          return "\"" + path + "\": " + parts[i] + " is not a message, so it has no fields";
        }
        at = field.getMessageType();
      }
    }
    return null;
  }

  private static MethodDescriptor anyMethodOf(Contract contract, String service) {
    return contract.methods().stream()
        .filter(m -> m.startsWith(service + "/"))
        .map(m -> contract.method(m).orElseThrow())
        .findFirst()
        .orElseThrow();
  }
}
