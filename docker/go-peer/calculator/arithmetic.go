// Package calculator is calculator.v1.CalculatorService: the arithmetic of calculator.proto on
// plain Go numbers, and the gRPC handlers around it.
package calculator

import (
	"fmt"
	"math"
	"slices"
	"time"

	calculatorv1 "grpcinterop.dev/go-peer/gen/calculator/v1"
)

// The largest number Factorize accepts.
const maxFactorizable = 1_000_000_000_000

// The longest wait between two factors that Factorize accepts.
const maxInterval = 10 * time.Second

// The most integers Range sends in one call.
const maxRangeCount = 1_000_000

// Calculate is one operation on two operands, checked in the order the contract gives.
func Calculate(request *calculatorv1.CalculateRequest) (*calculatorv1.Number, error) {
	operation := request.GetOperation()
	switch {
	case operation == calculatorv1.Operation_OPERATION_UNSPECIFIED:
		return nil, invalidArgument("operation is required", "operation", "is required")
	case calculatorv1.Operation_name[int32(operation)] == "":
		return nil, invalidArgument(
			fmt.Sprintf("unknown operation %d", operation), "operation", fmt.Sprintf("unknown value %d", operation))
	case request.GetLeft().GetValue() == nil:
		return nil, invalidArgument("left operand is required", "left", "is required")
	case request.GetRight().GetValue() == nil:
		return nil, invalidArgument("right operand is required", "right", "is required")
	case operation == calculatorv1.Operation_OPERATION_DIVIDE && isZero(request.GetRight()):
		return nil, invalidArgument("division by zero", "right", "must not be zero")
	}
	left, leftIsInteger := request.GetLeft().GetValue().(*calculatorv1.Number_Integer)
	right, rightIsInteger := request.GetRight().GetValue().(*calculatorv1.Number_Integer)
	if leftIsInteger && rightIsInteger {
		result, ok := integerOperation(operation, left.Integer, right.Integer)
		if !ok {
			return nil, errIntegerOverflow
		}
		return Integer(result), nil
	}
	return Real(realOperation(operation, AsReal(request.GetLeft()), AsReal(request.GetRight()))), nil
}

// integerOperation is int64 arithmetic; ok is false when the result leaves int64.
func integerOperation(operation calculatorv1.Operation, left, right int64) (result int64, ok bool) {
	switch operation {
	case calculatorv1.Operation_OPERATION_ADD:
		return addInt64(left, right)
	case calculatorv1.Operation_OPERATION_SUBTRACT:
		if right == math.MinInt64 {
			return left - right, left < 0
		}
		return addInt64(left, -right)
	case calculatorv1.Operation_OPERATION_MULTIPLY:
		if left == 0 || right == 0 {
			return 0, true
		}
		product := left * right
		if (left == -1 && right == math.MinInt64) || (right == -1 && left == math.MinInt64) || product/right != left {
			return 0, false
		}
		return product, true
	default: // DIVIDE, by a right operand already known not to be zero; Go truncates toward zero.
		if left == math.MinInt64 && right == -1 {
			return 0, false
		}
		return left / right, true
	}
}

func addInt64(left, right int64) (int64, bool) {
	sum := left + right
	// Overflow when both operands have the same sign and the sum has the other.
	return sum, !((left >= 0) == (right >= 0) && (sum >= 0) != (left >= 0))
}

func realOperation(operation calculatorv1.Operation, left, right float64) float64 {
	switch operation {
	case calculatorv1.Operation_OPERATION_ADD:
		return left + right
	case calculatorv1.Operation_OPERATION_SUBTRACT:
		return left - right
	case calculatorv1.Operation_OPERATION_MULTIPLY:
		return left * right
	default:
		return left / right
	}
}

func isZero(number *calculatorv1.Number) bool {
	switch value := number.GetValue().(type) {
	case *calculatorv1.Number_Integer:
		return value.Integer == 0
	case *calculatorv1.Number_Real:
		return value.Real == 0 // -0.0 too
	}
	return false
}

// AsReal is the number as a double, an integer converted.
func AsReal(number *calculatorv1.Number) float64 {
	if value, ok := number.GetValue().(*calculatorv1.Number_Integer); ok {
		return float64(value.Integer)
	}
	return number.GetReal()
}

func Integer(value int64) *calculatorv1.Number {
	return &calculatorv1.Number{Value: &calculatorv1.Number_Integer{Integer: value}}
}

func Real(value float64) *calculatorv1.Number {
	return &calculatorv1.Number{Value: &calculatorv1.Number_Real{Real: value}}
}

// CheckFactorize refuses a number or an interval outside the contract's bounds.
func CheckFactorize(request *calculatorv1.FactorizeRequest) error {
	if request.GetNumber() < 1 || request.GetNumber() > maxFactorizable {
		return invalidArgument(fmt.Sprintf("number must be between 1 and %d", maxFactorizable), "number", "out of range")
	}
	if interval := request.GetInterval().AsDuration(); interval < 0 || interval > maxInterval {
		return invalidArgument("interval must be between 0s and 10s", "interval", "out of range")
	}
	return nil
}

// PrimeFactors are the prime factors of n, smallest first, with multiplicity; none for 1.
func PrimeFactors(n int64) []int64 {
	var factors []int64
	for p := int64(2); p*p <= n; p++ {
		for n%p == 0 {
			factors = append(factors, p)
			n /= p
		}
	}
	if n > 1 {
		factors = append(factors, n)
	}
	return factors
}

// CheckRange refuses a count outside the contract's bounds, then a range whose last integer,
// start + count - 1, would leave int64.
func CheckRange(request *calculatorv1.RangeRequest) error {
	count := request.GetCount()
	if count < 0 || count > maxRangeCount {
		return invalidArgument(fmt.Sprintf("count must be between 0 and %d", maxRangeCount), "count", "out of range")
	}
	if count > 0 && request.GetStart() > math.MaxInt64-(count-1) {
		return errIntegerOverflow
	}
	return nil
}

// Sum adds numbers in the order received: as int64 with a check at every step when all are
// integers, otherwise all as doubles.
func Sum(numbers []*calculatorv1.Number) (*calculatorv1.Number, error) {
	allIntegers := true
	for _, number := range numbers {
		if _, ok := number.GetValue().(*calculatorv1.Number_Integer); !ok {
			allIntegers = false
		}
	}
	if allIntegers {
		var sum int64
		for _, number := range numbers {
			var ok bool
			if sum, ok = addInt64(sum, number.GetInteger()); !ok {
				return nil, errIntegerOverflow
			}
		}
		return Integer(sum), nil
	}
	var sum float64
	for _, number := range numbers {
		sum += AsReal(number)
	}
	return Real(sum), nil
}

// ErrValueRequired ends a Sum at the first request without a value.
var ErrValueRequired error = invalidArgument("value is required", "value", "is required")

// Statistics summarizes values: sum in the order given, and the ascending order with -0.0 before 0.0.
func Statistics(request *calculatorv1.StatisticsRequest) (*calculatorv1.StatisticsResponse, error) {
	values := request.GetValues()
	if slices.ContainsFunc(values, math.IsNaN) {
		return nil, invalidArgument("values must not contain NaN", "values", "must not contain NaN")
	}
	response := &calculatorv1.StatisticsResponse{Count: int64(len(values))}
	if len(values) == 0 {
		return response, nil
	}
	for _, value := range values {
		response.Sum += value
	}
	response.Mean = response.Sum / float64(len(values))
	sorted := slices.Clone(values)
	slices.SortFunc(sorted, compareWithSignedZero)
	response.Min, response.Max = sorted[0], sorted[len(sorted)-1]
	if request.GetIncludeSorted() {
		response.Sorted = sorted
	}
	return response, nil
}

// compareWithSignedZero orders doubles ascending, with -0.0 before 0.0 (no NaN here).
func compareWithSignedZero(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	case math.Signbit(a) && !math.Signbit(b):
		return -1
	case !math.Signbit(a) && math.Signbit(b):
		return 1
	}
	return 0
}
