package dev.grpcinterop.harness.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class ContainerCpuTest {
  @Test
  void cgroupV1CountsNanoseconds() {
    assertThat(ContainerCpu.cpuNanos("cpuacct.usage", "38016549\n")).isEqualTo(38_016_549L);
  }

  @Test
  void cgroupV2CountsMicrosecondsOnItsUsageLine() {
    String stat = "usage_usec 1234\nuser_usec 1000\nsystem_usec 234\nnr_periods 0\n";
    assertThat(ContainerCpu.cpuNanos("cpu.stat", stat)).isEqualTo(1_234_000L);
  }

  @Test
  void aCpuStatWithoutItsUsageLineIsNotReadAsZero() {
    assertThatThrownBy(() -> ContainerCpu.cpuNanos("cpu.stat", "user_usec 1000\n"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("usage_usec");
  }

  @Test
  void everyCgroupLayoutNamesTheContainersFullId() {
    String id = "ab".repeat(32);
    assertThat(ContainerCpu.counterFiles(id)).hasSize(4).allMatch(path -> path.contains(id));
  }

  @Test
  void coresAreCpuTimeOverWallTime() {
    var first = new ContainerCpu.Sample(Instant.parse("2026-12-02T10:00:00Z"), 0);
    var second = new ContainerCpu.Sample(Instant.parse("2026-12-02T10:00:02Z"), 1_000_000_000L);
    assertThat(ContainerCpu.cores(first, second)).isEqualTo(0.5);
    assertThat(ContainerCpu.cores(second, second)).isNaN();
  }
}
