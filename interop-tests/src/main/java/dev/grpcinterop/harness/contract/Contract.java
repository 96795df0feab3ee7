package dev.grpcinterop.harness.contract;

import com.google.protobuf.AnyProto;
import com.google.protobuf.ApiProto;
import com.google.protobuf.ByteString;
import com.google.protobuf.DescriptorProtos;
import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.DescriptorProtos.FileDescriptorSet;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.DescriptorValidationException;
import com.google.protobuf.Descriptors.FileDescriptor;
import com.google.protobuf.Descriptors.MethodDescriptor;
import com.google.protobuf.Descriptors.ServiceDescriptor;
import com.google.protobuf.DurationProto;
import com.google.protobuf.EmptyProto;
import com.google.protobuf.FieldMaskProto;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.SourceContextProto;
import com.google.protobuf.StructProto;
import com.google.protobuf.TimestampProto;
import com.google.protobuf.TypeProto;
import com.google.protobuf.TypeRegistry;
import com.google.protobuf.WrappersProto;
import com.google.rpc.ErrorDetailsProto;
import com.google.rpc.StatusProto;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * One version of a service contract, read from its compiled descriptor set (what protoc writes with
 * {@code --include_imports --descriptor_set_out}), never from .proto text: its methods, its message
 * types, and the set itself, which is handed to every peer's client so that it can call them.
 */
public final class Contract {
  /** Files every protobuf runtime carries, which a descriptor set may leave out. */
  private static final Map<String, FileDescriptor> RUNTIME_FILES = runtimeFiles();

  private final String name;
  private final ByteString descriptorSet;
  private final Map<String, MethodDescriptor> methods;
  private final Map<String, Descriptor> messages;
  private final TypeRegistry types;

  private Contract(String name, ByteString descriptorSet, List<FileDescriptor> files) {
    this.name = name;
    this.descriptorSet = descriptorSet;
    Map<String, MethodDescriptor> methods = new TreeMap<>();
    Map<String, Descriptor> messages = new HashMap<>();
    var types = TypeRegistry.newBuilder();
    for (FileDescriptor file : files) {
      for (ServiceDescriptor service : file.getServices()) {
        for (MethodDescriptor method : service.getMethods()) {
          methods.put(service.getFullName() + "/" + method.getName(), method);
        }
      }
      file.getMessageTypes().forEach(message -> addMessages(message, messages));
      types.add(file.getMessageTypes());
    }
    // Error details are read in every contract's terms: the gRPC rich error model is everyone's.
    for (FileDescriptor file :
        List.of(StatusProto.getDescriptor(), ErrorDetailsProto.getDescriptor())) {
      file.getMessageTypes()
          .forEach(message -> messages.putIfAbsent(message.getFullName(), message));
      types.add(file.getMessageTypes());
    }
    this.methods = Collections.unmodifiableMap(methods);
    this.messages = Collections.unmodifiableMap(messages);
    this.types = types.build();
  }

  /**
   * The contract in a descriptor set; {@code name} says where it came from in every error, such as
   * "proto/ (descriptor set proto.binpb)".
   */
  public static Contract fromDescriptorSet(String name, byte[] serialized) {
    FileDescriptorSet set;
    try {
      set = FileDescriptorSet.parseFrom(serialized);
    } catch (InvalidProtocolBufferException malformed) {
      throw new ContractException(
          name
              + " does not parse as a FileDescriptorSet: "
              + malformed.getMessage()
              + "; make it with protoc --include_imports --descriptor_set_out.");
    }
    Map<String, FileDescriptorProto> protos = new LinkedHashMap<>();
    set.getFileList().forEach(file -> protos.put(file.getName(), file));
    Map<String, FileDescriptor> built = new HashMap<>();
    for (String file : protos.keySet()) {
      link(name, file, protos, built, Set.of());
    }
    List<FileDescriptor> files = protos.keySet().stream().map(built::get).toList();
    return new Contract(name, ByteString.copyFrom(serialized), files);
  }

  /** A descriptor set the build put on the classpath, such as "/proto.binpb" for proto/. */
  public static Contract fromResource(String resource, String describedAs) {
    try (InputStream in = Contract.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new ContractException(
            resource
                + " ("
                + describedAs
                + ") is missing from the classpath:"
                + " build interop-tests with Maven, which compiles it from the .proto files.");
      }
      return fromDescriptorSet(describedAs, in.readAllBytes());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + resource, e);
    }
  }

  /**
   * This contract, with the files of {@code other} that it lacks: baseline images are built from
   * proto-baseline/ and the current control contract (proto/interop/), so their clients know both.
   */
  public Contract joinedWith(Contract other) {
    try {
      var mine = FileDescriptorSet.parseFrom(descriptorSet);
      Set<String> names = new java.util.HashSet<>();
      mine.getFileList().forEach(file -> names.add(file.getName()));
      var joined = mine.toBuilder();
      FileDescriptorSet.parseFrom(other.descriptorSet).getFileList().stream()
          .filter(file -> !names.contains(file.getName()))
          .forEach(joined::addFile);
      return fromDescriptorSet(name + " with " + other.name, joined.build().toByteArray());
    } catch (InvalidProtocolBufferException cannotHappen) {
      throw new IllegalStateException(
          "a contract's own descriptor set no longer parses", cannotHappen);
    }
  }

  /** Where the contract came from, for messages. */
  public String name() {
    return name;
  }

  /** The serialized FileDescriptorSet, as peers' LoadContract takes it. */
  public ByteString descriptorSet() {
    return descriptorSet;
  }

  /** Every method, "package.Service/Method", sorted. */
  public Set<String> methods() {
    return methods.keySet();
  }

  /** Every service with a method, by full name ("calculator.v1.CalculatorService"), sorted. */
  public Set<String> services() {
    Set<String> services = new java.util.TreeSet<>();
    methods.values().forEach(m -> services.add(m.getService().getFullName()));
    return services;
  }

  public Optional<MethodDescriptor> method(String fullName) {
    return Optional.ofNullable(methods.get(fullName));
  }

  /** A message type by its full name ("calculator.v1.CalculateRequest"), nested ones included. */
  public Optional<Descriptor> message(String fullName) {
    return Optional.ofNullable(messages.get(fullName));
  }

  /** Every message type, for reading Any values and the JSON mapping. */
  public TypeRegistry types() {
    return types;
  }

  private static void addMessages(Descriptor message, Map<String, Descriptor> messages) {
    messages.put(message.getFullName(), message);
    message.getNestedTypes().forEach(nested -> addMessages(nested, messages));
  }

  /** Builds a file after its imports, which come from the set or else from the runtime. */
  private static FileDescriptor link(
      String contract,
      String file,
      Map<String, FileDescriptorProto> protos,
      Map<String, FileDescriptor> built,
      Set<String> importedBy) {
    FileDescriptor done = built.get(file);
    if (done != null) {
      return done;
    }
    FileDescriptorProto proto = protos.get(file);
    if (proto == null) {
      FileDescriptor runtime = RUNTIME_FILES.get(file);
      if (runtime == null) {
        throw new ContractException(
            contract
                + ": "
                + String.join(", ", importedBy)
                + " imports "
                + file
                + ", which the descriptor set does not carry; compile it with protoc --include_imports.");
      }
      return runtime;
    }
    if (importedBy.contains(file)) {
      throw new ContractException(contract + ": " + file + " imports itself through " + importedBy);
    }
    var chain = new java.util.LinkedHashSet<>(importedBy);
    chain.add(file);
    FileDescriptor[] imports =
        proto.getDependencyList().stream()
            .map(d -> link(contract, d, protos, built, chain))
            .toArray(FileDescriptor[]::new);
    try {
      FileDescriptor linked = FileDescriptor.buildFrom(proto, imports);
      built.put(file, linked);
      return linked;
    } catch (DescriptorValidationException invalid) {
      throw new ContractException(
          contract + ": " + file + " does not link: " + invalid.getMessage());
    }
  }

  private static Map<String, FileDescriptor> runtimeFiles() {
    Map<String, FileDescriptor> files = new HashMap<>();
    for (FileDescriptor file :
        List.of(
            AnyProto.getDescriptor(),
            ApiProto.getDescriptor(),
            DurationProto.getDescriptor(),
            EmptyProto.getDescriptor(),
            FieldMaskProto.getDescriptor(),
            SourceContextProto.getDescriptor(),
            StructProto.getDescriptor(),
            TimestampProto.getDescriptor(),
            TypeProto.getDescriptor(),
            WrappersProto.getDescriptor(),
            DescriptorProtos.getDescriptor(),
            StatusProto.getDescriptor(),
            ErrorDetailsProto.getDescriptor())) {
      files.put(file.getName(), file);
    }
    return files;
  }
}
