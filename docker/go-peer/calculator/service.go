package calculator

import (
	"context"
	"errors"
	"io"
	"time"

	"google.golang.org/grpc"
	calculatorv1 "grpcinterop.dev/go-peer/gen/calculator/v1"
)

// Service serves calculator.v1.CalculatorService. What every method does besides its own work
// (metadata echo, server id, call records) is the peer's call interceptor's.
type Service struct {
	calculatorv1.UnimplementedCalculatorServiceServer
}

func (Service) Calculate(_ context.Context, request *calculatorv1.CalculateRequest) (*calculatorv1.CalculateResponse, error) {
	result, err := Calculate(request)
	if err != nil {
		return nil, err
	}
	return &calculatorv1.CalculateResponse{Result: result}, nil
}

func (Service) Factorize(request *calculatorv1.FactorizeRequest, stream grpc.ServerStreamingServer[calculatorv1.FactorizeResponse]) error {
	if err := CheckFactorize(request); err != nil {
		return err
	}
	interval := request.GetInterval().AsDuration()
	for _, factor := range PrimeFactors(request.GetNumber()) {
		if err := wait(stream.Context(), interval); err != nil {
			return err
		}
		if err := stream.Send(&calculatorv1.FactorizeResponse{Factor: factor}); err != nil {
			return err
		}
	}
	return nil
}

// wait sleeps, but returns as soon as the call is cancelled or past its deadline.
func wait(ctx context.Context, interval time.Duration) error {
	if interval <= 0 {
		return ctx.Err()
	}
	timer := time.NewTimer(interval)
	defer timer.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-timer.C:
		return nil
	}
}

func (Service) Range(request *calculatorv1.RangeRequest, stream grpc.ServerStreamingServer[calculatorv1.RangeResponse]) error {
	if err := CheckRange(request); err != nil {
		return err
	}
	for offset := range request.GetCount() {
		// Send blocks while the client's flow-control window is full and fails once the call is
		// cancelled or past its deadline: the stream goes at the pace of the client's reads, holds
		// no more than grpc-go's write quota in memory, and stops with the call.
		if err := stream.Send(&calculatorv1.RangeResponse{Value: request.GetStart() + offset}); err != nil {
			return err
		}
	}
	return nil
}

func (Service) Sum(stream grpc.ClientStreamingServer[calculatorv1.SumRequest, calculatorv1.SumResponse]) error {
	var numbers []*calculatorv1.Number
	for {
		request, err := stream.Recv()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return err
		}
		if request.GetValue().GetValue() == nil {
			return ErrValueRequired
		}
		numbers = append(numbers, request.GetValue())
	}
	sum, err := Sum(numbers)
	if err != nil {
		return err
	}
	return stream.SendAndClose(&calculatorv1.SumResponse{Count: int64(len(numbers)), Sum: sum})
}

func (Service) RunningAverage(stream grpc.BidiStreamingServer[calculatorv1.RunningAverageRequest, calculatorv1.RunningAverageResponse]) error {
	var count int64
	var sum float64
	for {
		request, err := stream.Recv()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
		count++
		sum += request.GetValue()
		if err := stream.Send(&calculatorv1.RunningAverageResponse{Count: count, Average: sum / float64(count)}); err != nil {
			return err
		}
	}
}

func (Service) Statistics(_ context.Context, request *calculatorv1.StatisticsRequest) (*calculatorv1.StatisticsResponse, error) {
	return Statistics(request)
}
