package calculator

import (
	"errors"
	"math"
	"slices"
	"testing"
	"time"

	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc/codes"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/durationpb"

	calculatorv1 "grpcinterop.dev/go-peer/gen/calculator/v1"
)

const (
	add      = calculatorv1.Operation_OPERATION_ADD
	subtract = calculatorv1.Operation_OPERATION_SUBTRACT
	multiply = calculatorv1.Operation_OPERATION_MULTIPLY
	divide   = calculatorv1.Operation_OPERATION_DIVIDE
)

func calculate(operation calculatorv1.Operation, left, right *calculatorv1.Number) (*calculatorv1.Number, error) {
	return Calculate(&calculatorv1.CalculateRequest{Operation: operation, Left: left, Right: right})
}

func TestIntegerArithmeticIsExact(t *testing.T) {
	cases := []struct {
		name        string
		operation   calculatorv1.Operation
		left, right int64
		want        int64
	}{
		{"add beyond float precision", add, 9007199254740993, 2, 9007199254740995},
		{"subtract to the minimum", subtract, -math.MaxInt64, 1, math.MinInt64},
		{"negative product", multiply, -3, 4, -12},
		{"divide truncates toward zero", divide, 7, -2, -3},
		{"divide negative by positive", divide, -7, 2, -3},
		{"minimum by one", divide, math.MinInt64, 1, math.MinInt64},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := calculate(c.operation, Integer(c.left), Integer(c.right))
			if err != nil || !proto.Equal(got, Integer(c.want)) {
				t.Fatalf("got %v, %v; want %d", got, err, c.want)
			}
		})
	}
}

func TestIntegerOverflowIsOutOfRange(t *testing.T) {
	cases := []struct {
		name        string
		operation   calculatorv1.Operation
		left, right int64
	}{
		{"add", add, math.MaxInt64, 1},
		{"add negative", add, math.MinInt64, -1},
		{"subtract", subtract, math.MinInt64, 1},
		{"subtract the minimum", subtract, 0, math.MinInt64},
		{"multiply", multiply, math.MaxInt64, 2},
		{"multiply minimum by -1", multiply, math.MinInt64, -1},
		{"multiply -1 by minimum", multiply, -1, math.MinInt64},
		{"divide minimum by -1", divide, math.MinInt64, -1},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := calculate(c.operation, Integer(c.left), Integer(c.right))
			assertContractError(t, err, codes.OutOfRange, "integer overflow", "", "")
		})
	}
}

func TestRealArithmeticFollowsIEEE754(t *testing.T) {
	got, err := calculate(add, Integer(1), Real(0.5))
	if err != nil || got.GetReal() != 1.5 {
		t.Fatalf("1 + 0.5: got %v, %v", got, err)
	}
	got, _ = calculate(multiply, Real(math.Inf(1)), Integer(0))
	if !math.IsNaN(got.GetReal()) {
		t.Fatalf("inf * 0: got %v, want NaN", got)
	}
	got, _ = calculate(multiply, Real(math.Copysign(0, -1)), Integer(1))
	if !math.Signbit(got.GetReal()) || got.GetReal() != 0 {
		t.Fatalf("-0.0 * 1: got %v, want -0.0", got)
	}
}

func TestCalculateChecksRunInTheContractsOrder(t *testing.T) {
	cases := []struct {
		name                        string
		request                     *calculatorv1.CalculateRequest
		message, field, description string
	}{
		{"operation unset", &calculatorv1.CalculateRequest{}, "operation is required", "operation", "is required"},
		{"operation unknown", &calculatorv1.CalculateRequest{Operation: 9}, "unknown operation 9", "operation", "unknown value 9"},
		{"left unset", &calculatorv1.CalculateRequest{Operation: add, Left: &calculatorv1.Number{}}, "left operand is required", "left", "is required"},
		{"right unset", &calculatorv1.CalculateRequest{Operation: add, Left: Integer(1)}, "right operand is required", "right", "is required"},
		{"integer zero", &calculatorv1.CalculateRequest{Operation: divide, Left: Integer(1), Right: Integer(0)}, "division by zero", "right", "must not be zero"},
		{"negative zero", &calculatorv1.CalculateRequest{Operation: divide, Left: Real(1), Right: Real(math.Copysign(0, -1))}, "division by zero", "right", "must not be zero"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := Calculate(c.request)
			assertContractError(t, err, codes.InvalidArgument, c.message, c.field, c.description)
		})
	}
}

func TestFactorize(t *testing.T) {
	if got := PrimeFactors(12); !slices.Equal(got, []int64{2, 2, 3}) {
		t.Errorf("12: got %v", got)
	}
	if got := PrimeFactors(1); len(got) != 0 {
		t.Errorf("1: got %v", got)
	}
	if got := PrimeFactors(999999999989); !slices.Equal(got, []int64{999999999989}) {
		t.Errorf("a large prime: got %v", got)
	}
	assertContractError(t, CheckFactorize(&calculatorv1.FactorizeRequest{Number: 0}),
		codes.InvalidArgument, "number must be between 1 and 1000000000000", "number", "out of range")
	assertContractError(t, CheckFactorize(&calculatorv1.FactorizeRequest{Number: 2, Interval: durationpb.New(11 * time.Second)}),
		codes.InvalidArgument, "interval must be between 0s and 10s", "interval", "out of range")
	// The number is checked first: with both out of range, the answer is about the number.
	assertContractError(t, CheckFactorize(&calculatorv1.FactorizeRequest{Number: maxFactorizable + 1, Interval: durationpb.New(-time.Second)}),
		codes.InvalidArgument, "number must be between 1 and 1000000000000", "number", "out of range")
}

func TestCheckRange(t *testing.T) {
	for _, accepted := range []*calculatorv1.RangeRequest{
		{Start: 0, Count: 0},
		{Start: math.MaxInt64, Count: 0}, // no last integer, so nothing to overflow
		{Start: math.MaxInt64, Count: 1},
		{Start: math.MaxInt64 - 999_999, Count: 1_000_000},
		{Start: math.MinInt64, Count: 1_000_000},
	} {
		if err := CheckRange(accepted); err != nil {
			t.Errorf("%v: %v", accepted, err)
		}
	}
	for _, count := range []int64{-1, 1_000_001, math.MinInt64} {
		assertContractError(t, CheckRange(&calculatorv1.RangeRequest{Count: count}),
			codes.InvalidArgument, "count must be between 0 and 1000000", "count", "out of range")
	}
	assertContractError(t, CheckRange(&calculatorv1.RangeRequest{Start: math.MaxInt64, Count: 2}), codes.OutOfRange, "integer overflow", "", "")
	assertContractError(t, CheckRange(&calculatorv1.RangeRequest{Start: math.MaxInt64 - 999_998, Count: 1_000_000}),
		codes.OutOfRange, "integer overflow", "", "")
	// The count is checked first: a count out of range is answered about the count, whatever the start.
	assertContractError(t, CheckRange(&calculatorv1.RangeRequest{Start: math.MaxInt64, Count: 1_000_001}),
		codes.InvalidArgument, "count must be between 0 and 1000000", "count", "out of range")
}

func TestSum(t *testing.T) {
	got, err := Sum(nil)
	if err != nil || !proto.Equal(got, Integer(0)) {
		t.Errorf("no numbers: got %v, %v", got, err)
	}
	_, err = Sum([]*calculatorv1.Number{Integer(math.MaxInt64), Integer(1), Integer(-1)})
	assertContractError(t, err, codes.OutOfRange, "integer overflow", "", "")
	got, err = Sum([]*calculatorv1.Number{Integer(math.MaxInt64), Integer(1), Real(0.5)})
	if err != nil || got.GetReal() != float64(math.MaxInt64)+1+0.5 {
		t.Errorf("mixed: got %v, %v", got, err)
	}
}

func TestStatistics(t *testing.T) {
	negativeZero := math.Copysign(0, -1)
	got, err := Statistics(&calculatorv1.StatisticsRequest{Values: []float64{0, 3, negativeZero, -1}, IncludeSorted: true})
	if err != nil {
		t.Fatal(err)
	}
	if got.Count != 4 || got.Sum != 2 || got.Mean != 0.5 || got.Min != -1 || got.Max != 3 {
		t.Errorf("got %v", got)
	}
	if !math.Signbit(got.Sorted[1]) || math.Signbit(got.Sorted[2]) {
		t.Errorf("-0.0 must sort before 0.0: %v", got.Sorted)
	}
	empty, _ := Statistics(&calculatorv1.StatisticsRequest{})
	if !proto.Equal(empty, &calculatorv1.StatisticsResponse{}) {
		t.Errorf("no values: got %v", empty)
	}
	_, err = Statistics(&calculatorv1.StatisticsRequest{Values: []float64{1, math.NaN()}})
	assertContractError(t, err, codes.InvalidArgument, "values must not contain NaN", "values", "must not contain NaN")
}

func assertContractError(t *testing.T, err error, code codes.Code, message, field, description string) {
	t.Helper()
	var contractError *ContractError
	if !errors.As(err, &contractError) {
		t.Fatalf("want %v %q, got %v", code, message, err)
	}
	st := contractError.GRPCStatus()
	if st.Code() != code || st.Message() != message {
		t.Fatalf("want %v %q, got %v %q", code, message, st.Code(), st.Message())
	}
	if field == "" {
		if len(st.Details()) != 0 {
			t.Fatalf("want no details, got %v", st.Details())
		}
		return
	}
	want := &errdetails.BadRequest{FieldViolations: []*errdetails.BadRequest_FieldViolation{{Field: field, Description: description}}}
	if details := st.Details(); len(details) != 1 || !proto.Equal(details[0].(proto.Message), want) {
		t.Fatalf("want the detail %v, got %v", want, details)
	}
}
