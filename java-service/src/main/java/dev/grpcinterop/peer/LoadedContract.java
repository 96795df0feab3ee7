package dev.grpcinterop.peer;

import com.google.protobuf.AnyProto;
import com.google.protobuf.ApiProto;
import com.google.protobuf.ByteString;
import com.google.protobuf.DescriptorProtos;
import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.DescriptorProtos.FileDescriptorSet;
import com.google.protobuf.Descriptors;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.DescriptorValidationException;
import com.google.protobuf.Descriptors.FileDescriptor;
import com.google.protobuf.Descriptors.ServiceDescriptor;
import com.google.protobuf.DurationProto;
import com.google.protobuf.DynamicMessage;
import com.google.protobuf.EmptyProto;
import com.google.protobuf.FieldMaskProto;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.JavaFeaturesProto;
import com.google.protobuf.SourceContextProto;
import com.google.protobuf.StructProto;
import com.google.protobuf.TimestampProto;
import com.google.protobuf.TypeProto;
import com.google.protobuf.WrappersProto;
import io.grpc.MethodDescriptor;
import io.grpc.MethodDescriptor.MethodType;
import io.grpc.protobuf.ProtoMethodDescriptorSupplier;
import io.grpc.protobuf.ProtoUtils;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * A contract handed over at run time by LoadContract: the files of a FileDescriptorSet, linked, and
 * for each RPC they declare a grpc-java method whose messages are {@link DynamicMessage}s, so that
 * the client calls services this jar was never generated from.
 */
final class LoadedContract {
  /** Before any LoadContract: nothing but the peer's own generated services. */
  static final LoadedContract NONE = new LoadedContract(List.of(), Map.of());

  /** What every protobuf runtime carries, for the sets that leave the well-known types out. */
  private static final Map<String, FileDescriptor> WELL_KNOWN_TYPES =
      Stream.of(
              AnyProto.getDescriptor(),
              ApiProto.getDescriptor(),
              DescriptorProtos.getDescriptor(),
              DurationProto.getDescriptor(),
              EmptyProto.getDescriptor(),
              FieldMaskProto.getDescriptor(),
              JavaFeaturesProto.getDescriptor(),
              SourceContextProto.getDescriptor(),
              StructProto.getDescriptor(),
              TimestampProto.getDescriptor(),
              TypeProto.getDescriptor(),
              WrappersProto.getDescriptor())
          .collect(Collectors.toUnmodifiableMap(FileDescriptor::getName, Function.identity()));

  private final List<String> services;
  private final Map<String, MethodDescriptor<Object, Object>> methods;

  private LoadedContract(
      List<String> services, Map<String, MethodDescriptor<Object, Object>> methods) {
    this.services = services;
    this.methods = methods;
  }

  /**
   * Parses and links a serialized FileDescriptorSet; INVALID_ARGUMENT when it does not parse, or
   * naming the first file that does not link and why.
   */
  static LoadedContract parse(ByteString serialized) {
    FileDescriptorSet set;
    try {
      set = FileDescriptorSet.parseFrom(serialized);
    } catch (InvalidProtocolBufferException malformed) {
      throw CallRunner.invalid(
          "file_descriptor_set does not parse as a FileDescriptorSet: " + malformed.getMessage());
    }
    Map<String, FileDescriptorProto> files = new LinkedHashMap<>();
    for (FileDescriptorProto file : set.getFileList()) {
      if (files.putIfAbsent(file.getName(), file) != null) {
        throw CallRunner.invalid("the set carries \"" + file.getName() + "\" twice");
      }
    }
    var linker = new Linker(files);
    List<String> services = new ArrayList<>();
    Map<String, MethodDescriptor<Object, Object>> methods = new HashMap<>();
    for (String name : files.keySet()) {
      for (ServiceDescriptor service : linker.link(name).getServices()) {
        services.add(service.getFullName());
        for (var method : service.getMethods()) {
          var dynamic = dynamicMethod(method);
          methods.put(dynamic.getFullMethodName(), dynamic);
        }
      }
    }
    services.sort(null);
    return new LoadedContract(List.copyOf(services), Map.copyOf(methods));
  }

  /** The sorted full names of the services the set declares. */
  List<String> services() {
    return services;
  }

  /** The method of that full name ("pkg.Service/Method"), if the set declares it. */
  Optional<MethodDescriptor<Object, Object>> method(String fullName) {
    return Optional.ofNullable(methods.get(fullName));
  }

  /**
   * Builds each file once, after its imports: from the set first, else the runtime's well-known
   * types.
   */
  private static final class Linker {
    private final Map<String, FileDescriptorProto> files;
    private final Map<String, FileDescriptor> linked = new HashMap<>();
    private final Set<String> linking = new LinkedHashSet<>();

    Linker(Map<String, FileDescriptorProto> files) {
      this.files = files;
    }

    FileDescriptor link(String name) {
      FileDescriptor done = linked.get(name);
      if (done != null) {
        return done;
      }
      if (!linking.add(name)) {
        // protoc never writes such a set; without this check a hand-made one would recurse forever.
        throw CallRunner.invalid(
            "\""
                + name
                + "\" does not link: it imports itself through "
                + String.join(" → ", linking));
      }
      FileDescriptorProto file = files.get(name);
      List<FileDescriptor> imports = new ArrayList<>();
      for (String imported : file.getDependencyList()) {
        if (files.containsKey(imported)) {
          imports.add(link(imported));
        } else if (WELL_KNOWN_TYPES.containsKey(imported)) {
          imports.add(WELL_KNOWN_TYPES.get(imported));
        } else {
          throw CallRunner.invalid(
              "\""
                  + name
                  + "\" does not link: it imports \""
                  + imported
                  + "\", which the set does not carry");
        }
      }
      FileDescriptor built;
      try {
        built = FileDescriptor.buildFrom(file, imports.toArray(FileDescriptor[]::new));
      } catch (DescriptorValidationException invalid) {
        throw CallRunner.invalid("\"" + name + "\" does not link: " + invalid.getMessage());
      }
      linking.remove(name);
      linked.put(name, built);
      return built;
    }
  }

  private static MethodDescriptor<Object, Object> dynamicMethod(
      Descriptors.MethodDescriptor method) {
    return MethodDescriptor.<Object, Object>newBuilder()
        .setType(typeOf(method))
        .setFullMethodName(
            MethodDescriptor.generateFullMethodName(
                method.getService().getFullName(), method.getName()))
        .setRequestMarshaller(dynamicMessages(method.getInputType()))
        .setResponseMarshaller(dynamicMessages(method.getOutputType()))
        // CallRunner finds a method's input type here, for generated and loaded methods alike.
        .setSchemaDescriptor(new Schema(method))
        .build();
  }

  @SuppressWarnings("unchecked")
  private static MethodDescriptor.Marshaller<Object> dynamicMessages(Descriptor type) {
    // Only ever handed the DynamicMessages it parsed itself, as CallRunner parses every request.
    return (MethodDescriptor.Marshaller<Object>)
        (MethodDescriptor.Marshaller<?>)
            ProtoUtils.marshaller(DynamicMessage.getDefaultInstance(type));
  }

  private static MethodType typeOf(Descriptors.MethodDescriptor method) {
    if (method.isClientStreaming()) {
      return method.isServerStreaming() ? MethodType.BIDI_STREAMING : MethodType.CLIENT_STREAMING;
    }
    return method.isServerStreaming() ? MethodType.SERVER_STREAMING : MethodType.UNARY;
  }

  private record Schema(Descriptors.MethodDescriptor method)
      implements ProtoMethodDescriptorSupplier {
    @Override
    public Descriptors.MethodDescriptor getMethodDescriptor() {
      return method;
    }

    @Override
    public ServiceDescriptor getServiceDescriptor() {
      return method.getService();
    }

    @Override
    public FileDescriptor getFileDescriptor() {
      return method.getFile();
    }
  }
}
