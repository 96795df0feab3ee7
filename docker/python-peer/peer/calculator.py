"""The calculator's arithmetic, exactly as calculator.proto's comments define it.

Plain Python values in and out (an int is an exact int64, a float an IEEE 754 double), so that the
rules can be tested without gRPC. Python ints never overflow, so int64 results are computed exactly
and then checked against the int64 range.
"""

import bisect
import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

from calculator.v1 import calculator_pb2

from peer.status import integer_overflow, invalid_argument

Number = int | float

INT64_MIN = -(2**63)
INT64_MAX = 2**63 - 1

FACTORIZE_MAX_NUMBER = 1_000_000_000_000
FACTORIZE_MAX_INTERVAL_NANOS = 10 * 1_000_000_000

RANGE_MAX_COUNT = 1_000_000

_KNOWN_OPERATIONS = frozenset(calculator_pb2.Operation.values())


def calculate(operation: int, left: Number | None, right: Number | None) -> Number:
    """One operation on two operands; the checks run in the order the contract lists them."""
    if operation == calculator_pb2.OPERATION_UNSPECIFIED:
        raise invalid_argument("operation is required", "operation", "is required")
    if operation not in _KNOWN_OPERATIONS:
        raise invalid_argument(
            f"unknown operation {operation}", "operation", f"unknown value {operation}"
        )
    if left is None:
        raise invalid_argument("left operand is required", "left", "is required")
    if right is None:
        raise invalid_argument("right operand is required", "right", "is required")
    # Integer 0, 0.0 and -0.0 all compare equal to 0.
    if operation == calculator_pb2.OPERATION_DIVIDE and right == 0:
        raise invalid_argument("division by zero", "right", "must not be zero")

    if isinstance(left, int) and isinstance(right, int):
        return _checked_int64(_integer_operation(operation, left, right))
    return _real_operation(operation, float(left), float(right))


def _integer_operation(operation: int, left: int, right: int) -> int:
    if operation == calculator_pb2.OPERATION_ADD:
        return left + right
    if operation == calculator_pb2.OPERATION_SUBTRACT:
        return left - right
    if operation == calculator_pb2.OPERATION_MULTIPLY:
        return left * right
    # Python's // floors; the contract truncates toward zero (7 / -2 = -3).
    quotient = abs(left) // abs(right)
    return quotient if (left < 0) == (right < 0) else -quotient


def _real_operation(operation: int, left: float, right: float) -> float:
    if operation == calculator_pb2.OPERATION_ADD:
        return left + right
    if operation == calculator_pb2.OPERATION_SUBTRACT:
        return left - right
    if operation == calculator_pb2.OPERATION_MULTIPLY:
        return left * right
    return left / right


def _checked_int64(value: int) -> int:
    if not INT64_MIN <= value <= INT64_MAX:
        raise integer_overflow()
    return value


def check_factorize(number: int, interval_nanos: int) -> None:
    if not 1 <= number <= FACTORIZE_MAX_NUMBER:
        raise invalid_argument(
            "number must be between 1 and 1000000000000", "number", "out of range"
        )
    if not 0 <= interval_nanos <= FACTORIZE_MAX_INTERVAL_NANOS:
        raise invalid_argument("interval must be between 0s and 10s", "interval", "out of range")


def check_range(start: int, count: int) -> None:
    if not 0 <= count <= RANGE_MAX_COUNT:
        raise invalid_argument("count must be between 0 and 1000000", "count", "out of range")
    # An empty range has no last integer to overflow, whatever its start.
    if count > 0 and start + count - 1 > INT64_MAX:
        raise integer_overflow()


def prime_factors(number: int) -> Iterator[int]:
    """The prime factors, smallest first, with multiplicity; lazily, so a stream can start early."""
    divisor = 2
    while divisor * divisor <= number:
        while number % divisor == 0:
            yield divisor
            number //= divisor
        divisor += 1 if divisor == 2 else 2
    if number > 1:
        yield number


class Sum:
    """The Sum method's total, fed one value at a time in the order received.

    Both totals are kept because the kind of result is only known at the end: integer overflow
    fails the call only if no real value ever arrives.
    """

    def __init__(self) -> None:
        self.count = 0
        self._integer_total = 0
        self._integer_overflowed = False
        self._real_total = 0.0
        self._all_integers = True

    def add(self, value: Number | None) -> None:
        if value is None:
            raise invalid_argument("value is required", "value", "is required")
        self.count += 1
        if isinstance(value, int):
            self._integer_total += value
            if not INT64_MIN <= self._integer_total <= INT64_MAX:
                self._integer_overflowed = True
        else:
            self._all_integers = False
        self._real_total += float(value)

    def total(self) -> Number:
        if not self._all_integers:
            return self._real_total
        if self._integer_overflowed:
            raise integer_overflow()
        return self._integer_total


class RunningAverage:
    def __init__(self) -> None:
        self.count = 0
        self._total = 0.0

    def add(self, value: float) -> float:
        """Adds a value and returns the average of all values so far."""
        self.count += 1
        self._total += value
        return self._total / self.count


@dataclass(frozen=True)
class Statistics:
    count: int = 0
    sum: float = 0.0
    min: float = 0.0
    max: float = 0.0
    mean: float = 0.0
    sorted: list[float] = field(default_factory=list)


def statistics(values: Sequence[float]) -> Statistics:
    if any(math.isnan(value) for value in values):
        raise invalid_argument("values must not contain NaN", "values", "must not contain NaN")
    if not values:
        return Statistics()
    # Sequential on purpose: the contract wants plain left-to-right addition, not math.fsum or the
    # compensated summation that sum() uses for floats from Python 3.12 on.
    total = 0.0
    for value in values:
        total += value
    ordered = _sorted_negative_zero_first(values)
    return Statistics(
        count=len(values),
        sum=total,
        min=ordered[0],
        max=ordered[-1],
        mean=total / len(values),
        sorted=ordered,
    )


def _sorted_negative_zero_first(values: Sequence[float]) -> list[float]:
    # -0.0 == 0.0, so a plain sort leaves zeros in input order; rewrite that run of zeros instead of
    # sorting with a tuple key, which would be several times slower on large requests.
    ordered = sorted(values)
    start = bisect.bisect_left(ordered, 0.0)
    end = bisect.bisect_right(ordered, 0.0)
    negative_zeros = sum(1 for value in ordered[start:end] if math.copysign(1.0, value) < 0)
    ordered[start:end] = [-0.0] * negative_zeros + [0.0] * (end - start - negative_zeros)
    return ordered
