"""The calculator's rules from calculator.proto, checked without a server."""

import math

import grpc
import pytest
from calculator.v1.calculator_pb2 import (
    OPERATION_ADD,
    OPERATION_DIVIDE,
    OPERATION_MULTIPLY,
    OPERATION_SUBTRACT,
    OPERATION_UNSPECIFIED,
)

from peer.calculator import (
    INT64_MAX,
    INT64_MIN,
    Number,
    RunningAverage,
    Statistics,
    Sum,
    calculate,
    check_factorize,
    check_range,
    prime_factors,
    statistics,
)
from peer.status import FieldViolation, StatusError

SECOND_NANOS = 1_000_000_000


def is_negative_zero(value: float) -> bool:
    return value == 0.0 and math.copysign(1.0, value) < 0


def assert_invalid_argument(
    error: pytest.ExceptionInfo[StatusError], message: str, field: str, description: str
) -> None:
    assert error.value.code == grpc.StatusCode.INVALID_ARGUMENT
    assert error.value.message == message
    assert error.value.violation == FieldViolation(field, description)


def assert_integer_overflow(error: pytest.ExceptionInfo[StatusError]) -> None:
    assert error.value.code == grpc.StatusCode.OUT_OF_RANGE
    assert error.value.message == "integer overflow"
    assert error.value.violation is None


class TestCalculateIntegers:
    @pytest.mark.parametrize(
        ("operation", "left", "right", "expected"),
        [
            (OPERATION_ADD, INT64_MAX - 1, 1, INT64_MAX),
            (OPERATION_SUBTRACT, INT64_MIN + 1, 1, INT64_MIN),
            (OPERATION_MULTIPLY, -(2**62), 2, INT64_MIN),
            (OPERATION_DIVIDE, INT64_MIN, 1, INT64_MIN),
            # Beyond 2**53 a double would lose the last digit.
            (OPERATION_ADD, 2**53, 1, 2**53 + 1),
            (OPERATION_MULTIPLY, 3_037_000_499, 3_037_000_499, 9_223_372_030_926_249_001),
        ],
    )
    def test_exact_within_int64(self, operation: int, left: int, right: int, expected: int) -> None:
        result = calculate(operation, left, right)
        assert isinstance(result, int)
        assert result == expected

    @pytest.mark.parametrize(
        ("left", "right", "expected"),
        [(7, 2, 3), (7, -2, -3), (-7, 2, -3), (-7, -2, 3), (-1, 2, 0), (6, -3, -2)],
    )
    def test_divide_truncates_toward_zero(self, left: int, right: int, expected: int) -> None:
        assert calculate(OPERATION_DIVIDE, left, right) == expected

    @pytest.mark.parametrize(
        ("operation", "left", "right"),
        [
            (OPERATION_ADD, INT64_MAX, 1),
            (OPERATION_SUBTRACT, INT64_MIN, 1),
            (OPERATION_MULTIPLY, 2**62, 2),
            (OPERATION_MULTIPLY, INT64_MIN, -1),
            (OPERATION_DIVIDE, INT64_MIN, -1),
        ],
    )
    def test_overflow_is_out_of_range(self, operation: int, left: int, right: int) -> None:
        with pytest.raises(StatusError) as error:
            calculate(operation, left, right)
        assert_integer_overflow(error)


class TestCalculateReals:
    def test_an_integer_operand_is_converted(self) -> None:
        result = calculate(OPERATION_ADD, 1, 0.5)
        assert isinstance(result, float)
        assert result == 1.5

    def test_conversion_rounds_like_a_double(self) -> None:
        assert calculate(OPERATION_ADD, 2**53 + 1, 0.0) == float(2**53)

    def test_overflow_gives_infinity(self) -> None:
        assert calculate(OPERATION_MULTIPLY, 1e308, 10.0) == math.inf
        assert calculate(OPERATION_DIVIDE, 1e308, 1e-308) == math.inf

    def test_nan_and_infinities_propagate(self) -> None:
        assert math.isnan(calculate(OPERATION_SUBTRACT, math.inf, math.inf))
        assert math.isnan(calculate(OPERATION_ADD, math.nan, 1))
        assert calculate(OPERATION_DIVIDE, -1, math.inf) == 0.0

    def test_signed_zero_is_kept(self) -> None:
        assert is_negative_zero(calculate(OPERATION_MULTIPLY, -0.0, 5))


class TestCalculateValidation:
    def test_operation_is_required_before_anything_else(self) -> None:
        with pytest.raises(StatusError) as error:
            calculate(OPERATION_UNSPECIFIED, None, None)
        assert_invalid_argument(error, "operation is required", "operation", "is required")

    def test_unknown_operation(self) -> None:
        with pytest.raises(StatusError) as error:
            calculate(42, None, None)
        assert_invalid_argument(error, "unknown operation 42", "operation", "unknown value 42")

    def test_left_is_required_before_right(self) -> None:
        with pytest.raises(StatusError) as error:
            calculate(OPERATION_DIVIDE, None, None)
        assert_invalid_argument(error, "left operand is required", "left", "is required")

    def test_right_is_required_before_division_by_zero(self) -> None:
        with pytest.raises(StatusError) as error:
            calculate(OPERATION_DIVIDE, 1, None)
        assert_invalid_argument(error, "right operand is required", "right", "is required")

    @pytest.mark.parametrize("left", [1, 1.5, 0, 0.0])
    @pytest.mark.parametrize("zero", [0, 0.0, -0.0])
    def test_division_by_any_zero(self, left: Number, zero: Number) -> None:
        with pytest.raises(StatusError) as error:
            calculate(OPERATION_DIVIDE, left, zero)
        assert_invalid_argument(error, "division by zero", "right", "must not be zero")

    def test_multiplying_by_zero_is_fine(self) -> None:
        assert calculate(OPERATION_MULTIPLY, 5, 0) == 0


class TestFactorize:
    @pytest.mark.parametrize(
        ("number", "factors"),
        [
            (1, []),
            (2, [2]),
            (12, [2, 2, 3]),
            (360, [2, 2, 2, 3, 3, 5]),
            (2**39, [2] * 39),
            (999_999_999_989, [999_999_999_989]),
            (1_000_000_000_000, [2] * 12 + [5] * 12),
            (999_962_000_357, [999_979, 999_983]),
        ],
    )
    def test_prime_factors_smallest_first(self, number: int, factors: list[int]) -> None:
        assert list(prime_factors(number)) == factors

    @pytest.mark.parametrize("number", [1, 1_000_000_000_000])
    @pytest.mark.parametrize("interval_nanos", [0, 10 * SECOND_NANOS])
    def test_bounds_are_accepted(self, number: int, interval_nanos: int) -> None:
        check_factorize(number, interval_nanos)

    @pytest.mark.parametrize("number", [0, -5, 1_000_000_000_001])
    def test_number_out_of_range(self, number: int) -> None:
        with pytest.raises(StatusError) as error:
            check_factorize(number, 0)
        assert_invalid_argument(
            error, "number must be between 1 and 1000000000000", "number", "out of range"
        )

    @pytest.mark.parametrize("number", [0, 1_000_000_000_001])
    @pytest.mark.parametrize("interval_nanos", [-1, 10 * SECOND_NANOS + 1])
    def test_number_is_checked_before_interval(self, number: int, interval_nanos: int) -> None:
        with pytest.raises(StatusError) as error:
            check_factorize(number, interval_nanos)
        assert_invalid_argument(
            error, "number must be between 1 and 1000000000000", "number", "out of range"
        )

    @pytest.mark.parametrize("interval_nanos", [-1, 10 * SECOND_NANOS + 1])
    def test_interval_out_of_range(self, interval_nanos: int) -> None:
        with pytest.raises(StatusError) as error:
            check_factorize(12, interval_nanos)
        assert_invalid_argument(
            error, "interval must be between 0s and 10s", "interval", "out of range"
        )


class TestRange:
    @pytest.mark.parametrize(
        ("start", "count"),
        [(0, 0), (INT64_MAX, 0), (INT64_MIN, 0), (INT64_MAX, 1), (INT64_MIN, 1_000_000), (-5, 10)],
    )
    def test_accepted(self, start: int, count: int) -> None:
        check_range(start, count)

    @pytest.mark.parametrize("count", [-1, 1_000_001, INT64_MIN])
    def test_count_out_of_range(self, count: int) -> None:
        with pytest.raises(StatusError) as error:
            check_range(0, count)
        assert_invalid_argument(
            error, "count must be between 0 and 1000000", "count", "out of range"
        )

    def test_count_is_checked_before_overflow(self) -> None:
        with pytest.raises(StatusError) as error:
            check_range(INT64_MAX, 1_000_001)
        assert_invalid_argument(
            error, "count must be between 0 and 1000000", "count", "out of range"
        )

    @pytest.mark.parametrize(("start", "count"), [(INT64_MAX, 2), (INT64_MAX - 999_998, 1_000_000)])
    def test_a_last_integer_above_int64_is_an_overflow(self, start: int, count: int) -> None:
        with pytest.raises(StatusError) as error:
            check_range(start, count)
        assert_integer_overflow(error)


class TestSum:
    def add_all(self, *values: Number | None) -> Sum:
        total = Sum()
        for value in values:
            total.add(value)
        return total

    def test_no_numbers_is_the_integer_zero(self) -> None:
        total = self.add_all()
        assert total.count == 0
        result = total.total()
        assert isinstance(result, int)
        assert result == 0

    def test_integers_are_exact(self) -> None:
        total = self.add_all(2**53, 1, 1)
        assert total.count == 3
        assert total.total() == 2**53 + 2

    def test_a_partial_sum_leaving_int64_fails_even_if_it_comes_back(self) -> None:
        total = self.add_all(INT64_MAX, 1, -1)
        with pytest.raises(StatusError) as error:
            total.total()
        assert_integer_overflow(error)

    def test_one_real_makes_a_double_sum_of_all_values_in_order(self) -> None:
        result = self.add_all(INT64_MAX, INT64_MAX, 0.5).total()
        assert isinstance(result, float)
        assert result == float(INT64_MAX) + float(INT64_MAX) + 0.5

    def test_double_sum_is_sequential_not_compensated(self) -> None:
        assert self.add_all(1e16, 1.0, -1e16).total() == 0.0

    def test_unset_value_fails_at_once(self) -> None:
        total = self.add_all(1)
        with pytest.raises(StatusError) as error:
            total.add(None)
        assert_invalid_argument(error, "value is required", "value", "is required")


def test_running_average_covers_every_value_so_far() -> None:
    average = RunningAverage()
    assert [average.add(value) for value in (1.0, 2.0, 6.0)] == [1.0, 1.5, 3.0]
    assert average.count == 3


class TestStatistics:
    def test_no_values_gives_defaults(self) -> None:
        assert statistics([]) == Statistics()

    def test_summary(self) -> None:
        result = statistics([3.0, -1.0, 2.0, 4.0])
        assert (result.count, result.sum, result.min, result.max, result.mean) == (
            4,
            8.0,
            -1.0,
            4.0,
            2.0,
        )
        assert result.sorted == [-1.0, 2.0, 3.0, 4.0]

    def test_negative_zero_sorts_before_zero(self) -> None:
        result = statistics([0.0, 1.0, -0.0, 0.0, -0.0, -1.0])
        assert result.sorted == [-1.0, -0.0, -0.0, 0.0, 0.0, 1.0]
        assert [is_negative_zero(value) for value in result.sorted[1:5]] == [
            True,
            True,
            False,
            False,
        ]

    def test_min_and_max_follow_the_zero_order(self) -> None:
        result = statistics([0.0, -0.0])
        assert is_negative_zero(result.min)
        assert not is_negative_zero(result.max)

    def test_sum_is_sequential_not_compensated(self) -> None:
        result = statistics([1e16, 1.0, -1e16])
        assert result.sum == 0.0
        assert result.mean == 0.0

    def test_infinities_sort_to_the_ends(self) -> None:
        result = statistics([math.inf, 0.0, -math.inf])
        assert result.sorted == [-math.inf, 0.0, math.inf]
        assert math.isnan(result.sum)

    def test_nan_is_rejected(self) -> None:
        with pytest.raises(StatusError) as error:
            statistics([1.0, math.nan])
        assert_invalid_argument(
            error, "values must not contain NaN", "values", "must not contain NaN"
        )
