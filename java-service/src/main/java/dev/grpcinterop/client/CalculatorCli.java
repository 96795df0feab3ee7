package dev.grpcinterop.client;

import com.google.rpc.BadRequest;
import dev.grpcinterop.calculator.v1.Number;
import dev.grpcinterop.calculator.v1.Operation;
import dev.grpcinterop.calculator.v1.RunningAverageRequest;
import dev.grpcinterop.calculator.v1.RunningAverageResponse;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import io.grpc.stub.StreamObserver;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * Calls one calculator RPC and prints the result: {@code java -cp calculator-service.jar
 * dev.grpcinterop.client.CalculatorCli calculate divide 7 -2}.
 */
@Command(
    name = "calculator-cli",
    mixinStandardHelpOptions = true,
    description = "Calls one RPC of calculator.v1.CalculatorService and prints the result.",
    subcommands = {
      CalculatorCli.Calculate.class,
      CalculatorCli.Factorize.class,
      CalculatorCli.Sum.class,
      CalculatorCli.RunningAverage.class,
      CalculatorCli.Statistics.class
    })
public final class CalculatorCli implements Runnable {
  @Option(
      names = "--target",
      defaultValue = "localhost:50051",
      description = "The server, host:port. Default: ${DEFAULT-VALUE}.")
  String target;

  @Option(
      names = "--deadline",
      defaultValue = "10s",
      converter = DurationConverter.class,
      description = "The deadline of the call, such as 500ms or 10s. Default: ${DEFAULT-VALUE}.")
  Duration deadline;

  @Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(
        spec.commandLine(),
        "name an RPC to call: calculate, factorize, sum, running-average or statistics");
  }

  /** Runs {@code body} with a client of the target, and ends the channel whatever happens. */
  int withClient(ClientBody body) throws InterruptedException {
    ManagedChannel channel =
        Grpc.newChannelBuilder(target, InsecureChannelCredentials.create()).build();
    try {
      body.run(new CalculatorClient(channel, deadline), spec.commandLine().getOut());
      return 0;
    } catch (StatusRuntimeException failed) {
      String hint =
          failed.getStatus().getCode() == Status.Code.UNAVAILABLE
              ? "; is a calculator server listening at " + target + "?"
              : "";
      spec.commandLine().getErr().println("calculator-cli: " + describe(failed) + hint);
      return 1;
    } finally {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
  }

  interface ClientBody {
    void run(CalculatorClient client, PrintWriter out) throws InterruptedException;
  }

  @Command(name = "calculate", description = "One operation: add, subtract, multiply or divide.")
  static final class Calculate implements java.util.concurrent.Callable<Integer> {
    @ParentCommand CalculatorCli cli;

    @Parameters(
        index = "0",
        converter = OperationConverter.class,
        description = "add, subtract, multiply or divide")
    Operation operation;

    @Parameters(
        index = "1",
        converter = NumberConverter.class,
        description = "An integer (7) or a real (7.5, NaN, -Infinity).")
    Number left;

    @Parameters(
        index = "2",
        converter = NumberConverter.class,
        description = "An integer or a real.")
    Number right;

    @Override
    public Integer call() throws InterruptedException {
      return cli.withClient(
          (client, out) -> out.println(format(client.calculate(operation, left, right))));
    }
  }

  @Command(name = "factorize", description = "The prime factors of a number, streamed.")
  static final class Factorize implements java.util.concurrent.Callable<Integer> {
    @ParentCommand CalculatorCli cli;

    @Parameters(index = "0", description = "A number from 1 to 10^12.")
    long number;

    @Option(
        names = "--interval",
        defaultValue = "0s",
        converter = DurationConverter.class,
        description = "How long the server waits before each factor. Default: ${DEFAULT-VALUE}.")
    Duration interval;

    @Override
    public Integer call() throws InterruptedException {
      return cli.withClient(
          (client, out) -> client.factorize(number, interval).forEach(out::println));
    }
  }

  @Command(name = "sum", description = "The sum of numbers, sent as a client stream.")
  static final class Sum implements java.util.concurrent.Callable<Integer> {
    @ParentCommand CalculatorCli cli;

    @Parameters(converter = NumberConverter.class, description = "Integers or reals.")
    List<Number> values = List.of();

    @Override
    public Integer call() throws InterruptedException {
      return cli.withClient((client, out) -> out.println(format(client.sum(values).getSum())));
    }
  }

  @Command(name = "running-average", description = "The running average, one answer per value.")
  static final class RunningAverage implements java.util.concurrent.Callable<Integer> {
    @ParentCommand CalculatorCli cli;

    @Parameters(description = "Reals.")
    List<Double> values = List.of();

    @Override
    public Integer call() throws InterruptedException {
      return cli.withClient(
          (client, out) -> {
            var done = new CompletableFuture<Void>();
            StreamObserver<RunningAverageRequest> requests =
                client.runningAverage(
                    new StreamObserver<>() {
                      @Override
                      public void onNext(RunningAverageResponse average) {
                        out.println(average.getCount() + "\t" + average.getAverage());
                      }

                      @Override
                      public void onError(Throwable error) {
                        done.completeExceptionally(error);
                      }

                      @Override
                      public void onCompleted() {
                        done.complete(null);
                      }
                    });
            values.forEach(
                v -> requests.onNext(RunningAverageRequest.newBuilder().setValue(v).build()));
            requests.onCompleted();
            try {
              done.get(cli.deadline.toMillis() + 1_000, TimeUnit.MILLISECONDS);
            } catch (java.util.concurrent.ExecutionException failed) {
              throw Status.fromThrowable(failed.getCause())
                  .asRuntimeException(Status.trailersFromThrowable(failed.getCause()));
            } catch (java.util.concurrent.TimeoutException hung) {
              throw Status.DEADLINE_EXCEEDED.asRuntimeException();
            }
          });
    }
  }

  @Command(name = "statistics", description = "Count, sum, min, max and mean of values.")
  static final class Statistics implements java.util.concurrent.Callable<Integer> {
    @ParentCommand CalculatorCli cli;

    @Option(names = "--sorted", description = "Also print the values sorted.")
    boolean sorted;

    @Parameters(description = "Reals.")
    List<Double> values = List.of();

    @Override
    public Integer call() throws InterruptedException {
      return cli.withClient((client, out) -> out.print(client.statistics(values, sorted)));
    }
  }

  static final class OperationConverter implements CommandLine.ITypeConverter<Operation> {
    @Override
    public Operation convert(String name) {
      try {
        return Operation.valueOf("OPERATION_" + name.toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException unknown) {
        throw new CommandLine.TypeConversionException(
            "unknown operation '" + name + "': use add, subtract, multiply or divide");
      }
    }
  }

  /** "7" is an integer; "7.0", "1e3", "NaN" and "-Infinity" are reals. */
  static final class NumberConverter implements CommandLine.ITypeConverter<Number> {
    @Override
    public Number convert(String text) {
      try {
        return CalculatorClient.integer(Long.parseLong(text));
      } catch (NumberFormatException notAnInteger) {
        try {
          return CalculatorClient.real(Double.parseDouble(text));
        } catch (NumberFormatException notANumber) {
          throw new CommandLine.TypeConversionException(
              "'" + text + "' is not a number: give an integer such as 7 or a real such as 7.5");
        }
      }
    }
  }

  static String format(Number number) {
    return switch (number.getValueCase()) {
      case INTEGER -> Long.toString(number.getInteger());
      case REAL -> Double.toString(number.getReal());
      case VALUE_NOT_SET -> "(no value)";
    };
  }

  /** "INVALID_ARGUMENT: division by zero (right: must not be zero)". */
  static String describe(StatusRuntimeException failed) {
    Status status = failed.getStatus();
    StringBuilder text = new StringBuilder(status.getCode().name());
    if (status.getDescription() != null) {
      text.append(": ").append(status.getDescription());
    }
    com.google.rpc.Status rich = StatusProto.fromThrowable(failed);
    if (rich != null) {
      for (var detail : rich.getDetailsList()) {
        if (detail.is(BadRequest.class)) {
          try {
            for (var violation : detail.unpack(BadRequest.class).getFieldViolationsList()) {
              text.append(" (")
                  .append(violation.getField())
                  .append(": ")
                  .append(violation.getDescription())
                  .append(')');
            }
          } catch (com.google.protobuf.InvalidProtocolBufferException malformed) {
            text.append(" (malformed BadRequest detail)");
          }
        }
      }
    }
    return text.toString();
  }

  /** Durations as people write them: 500ms, 10s, 2m. */
  static final class DurationConverter implements CommandLine.ITypeConverter<Duration> {
    @Override
    public Duration convert(String text) {
      var match = java.util.regex.Pattern.compile("(\\d+)(ms|s|m)").matcher(text);
      if (!match.matches()) {
        throw new CommandLine.TypeConversionException(
            "'" + text + "' is not a duration: write it like 500ms, 10s or 2m");
      }
      long amount = Long.parseLong(match.group(1));
      return switch (match.group(2)) {
        case "ms" -> Duration.ofMillis(amount);
        case "s" -> Duration.ofSeconds(amount);
        default -> Duration.ofMinutes(amount);
      };
    }
  }

  public static void main(String[] args) {
    CommandLine command = new CommandLine(new CalculatorCli());
    command.setExecutionExceptionHandler(
        (exception, commandLine, parseResult) -> {
          commandLine.getErr().println("calculator-cli: " + exception.getMessage());
          return 1;
        });
    System.exit(command.execute(args));
  }
}
