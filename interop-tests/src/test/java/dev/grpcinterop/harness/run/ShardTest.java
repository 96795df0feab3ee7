package dev.grpcinterop.harness.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class ShardTest {
  private static final List<Shard.Unit> UNITS =
      IntStream.range(0, 23).mapToObj(i -> new Shard.Unit("pair p" + i, 1 + (i * 7) % 5)).toList();

  @Test
  void theShardsOfARunTakeEveryUnitOnceAndCostAboutTheSame() {
    for (int n = 1; n <= 5; n++) {
      Set<String> seen = new HashSet<>();
      double[] cost = new double[n];
      for (int k = 1; k <= n; k++) {
        for (String name : new Shard(k, n).take(UNITS)) {
          assertThat(seen.add(name)).as(name + " in one shard only").isTrue();
          cost[k - 1] += UNITS.stream().filter(u -> u.name().equals(name)).findFirst().get().cost();
        }
      }
      assertThat(seen).hasSize(UNITS.size());
      double max = java.util.Arrays.stream(cost).max().getAsDouble();
      double min = java.util.Arrays.stream(cost).min().getAsDouble();
      assertThat(max - min).as("spread of %d shards' costs", n).isLessThanOrEqualTo(5);
    }
  }

  @Test
  void theSplitIsTheSameWhateverOrderTheUnitsComeIn() {
    List<Shard.Unit> reversed = new java.util.ArrayList<>(UNITS);
    java.util.Collections.reverse(reversed);
    assertThat(new Shard(2, 3).take(reversed)).isEqualTo(new Shard(2, 3).take(UNITS));
  }

  @Test
  void measuredCostsWinOverCounts() {
    var units =
        Shard.costed(
            List.of("pair a", "pair b"),
            Map.of("pair a", 900.0),
            Map.of("pair a", 1.0, "pair b", 2.0));
    assertThat(units).containsExactly(new Shard.Unit("pair a", 900), new Shard.Unit("pair b", 2));
  }

  @Test
  void aShardIsKOfN() {
    assertThat(Shard.parse("2/3")).isEqualTo(new Shard(2, 3));
    assertThat(Shard.parse(" 1 / 1 ").isWhole()).isTrue();
    for (String wrong : List.of("0/2", "3/2", "1", "a/b", "1/0", "99999999999/2")) {
      assertThatThrownBy(() -> Shard.parse(wrong))
          .hasMessageContaining("-Dinterop.shard must be K/N")
          .hasMessageContaining("\"" + wrong + "\"");
    }
  }
}
