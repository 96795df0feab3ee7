package dev.grpcinterop.harness.contract;

import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.DescriptorProtos.FileDescriptorSet;
import com.google.protobuf.Descriptors;
import com.google.protobuf.Descriptors.FileDescriptor;
import com.google.protobuf.TypeRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The message types of the released contract, from the descriptor set the build makes of
 * proto-baseline/: what a peer built from it means by the bytes it reports.
 */
public final class ContractTypes {
  private static final String BASELINE_DESCRIPTORS = "/proto-baseline.binpb";

  private ContractTypes() {}

  public static TypeRegistry baseline() {
    try (InputStream in = ContractTypes.class.getResourceAsStream(BASELINE_DESCRIPTORS)) {
      if (in == null) {
        throw new IllegalStateException(
            BASELINE_DESCRIPTORS + " is missing from the classpath: build interop-tests with Maven, which makes it.");
      }
      FileDescriptorSet set = FileDescriptorSet.parseFrom(in);
      Map<String, FileDescriptorProto> protos = new HashMap<>();
      set.getFileList().forEach(file -> protos.put(file.getName(), file));
      Map<String, FileDescriptor> built = new HashMap<>();
      var registry = TypeRegistry.newBuilder();
      for (FileDescriptorProto file : set.getFileList()) {
        registry.add(build(file.getName(), protos, built).getMessageTypes());
      }
      return registry.build();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + BASELINE_DESCRIPTORS, e);
    }
  }

  /** Builds a file after its imports; the well-known types come from protobuf-java itself. */
  private static FileDescriptor build(
      String name, Map<String, FileDescriptorProto> protos, Map<String, FileDescriptor> built) {
    FileDescriptor done = built.get(name);
    if (done != null) {
      return done;
    }
    FileDescriptorProto proto = protos.get(name);
    if (proto == null) {
      return switch (name) {
        case "google/protobuf/any.proto" -> com.google.protobuf.AnyProto.getDescriptor();
        case "google/protobuf/duration.proto" -> com.google.protobuf.DurationProto.getDescriptor();
        default -> throw new IllegalStateException("the baseline imports " + name + ", which it does not carry");
      };
    }
    List<FileDescriptor> imports = proto.getDependencyList().stream().map(d -> build(d, protos, built)).toList();
    try {
      FileDescriptor file = FileDescriptor.buildFrom(proto, imports.toArray(FileDescriptor[]::new));
      built.put(name, file);
      return file;
    } catch (Descriptors.DescriptorValidationException invalid) {
      throw new IllegalStateException("the baseline descriptor " + name + " is invalid: " + invalid.getMessage(), invalid);
    }
  }
}
