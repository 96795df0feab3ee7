package dev.grpcinterop.harness.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.DescriptorProtos.FileDescriptorSet;
import org.junit.jupiter.api.Test;

class ContractTest {
  @Test
  void theCurrentContractIsReadFromItsDescriptors() {
    assertThat(Contracts.current().methods())
        .contains(
            "calculator.v1.CalculatorService/Calculate",
            "interop.v1.PeerControlService/EchoStatus",
            "interop.v1.PeerControlService/LoadContract");
    assertThat(Contracts.current().message("google.rpc.BadRequest")).isPresent();
  }

  @Test
  void theBaselineCarriesTheCurrentControlContract() {
    assertThat(Contracts.baseline().methods())
        .contains(
            "calculator.v1.CalculatorService/Factorize", "interop.v1.PeerControlService/RunCall");
  }

  @Test
  void aSetMissingAnImportSaysWhichFileImportsWhat() {
    var set =
        FileDescriptorSet.newBuilder()
            .addFile(
                FileDescriptorProto.newBuilder()
                    .setName("a/v1/a.proto")
                    .setPackage("a.v1")
                    .addDependency("a/v1/b.proto"))
            .build();
    assertThatThrownBy(() -> Contract.fromDescriptorSet("test set", set.toByteArray()))
        .isInstanceOf(ContractException.class)
        .hasMessage(
            "test set: a/v1/a.proto imports a/v1/b.proto, which the descriptor set does not carry;"
                + " compile it with protoc --include_imports.");
  }

  @Test
  void bytesThatAreNotASetAreRefused() {
    assertThatThrownBy(() -> Contract.fromDescriptorSet("test set", new byte[] {(byte) 0xff}))
        .isInstanceOf(ContractException.class)
        .hasMessageStartingWith("test set does not parse as a FileDescriptorSet: ");
  }
}
