package calculator

import (
	"fmt"

	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

// ContractError is an error that calculator.proto lists: its code, its exact message and, where a
// request field is at fault, one field violation. The server sends it as a google.rpc.Status in
// grpc-status-details-bin as well as in the status itself.
type ContractError struct {
	Code    codes.Code
	Message string
	// Field and Description make the google.rpc.BadRequest field violation; no detail when Field is "".
	Field       string
	Description string
}

func (e *ContractError) Error() string {
	return fmt.Sprintf("%v: %s", e.Code, e.Message)
}

// GRPCStatus is the status grpc-go sends for the error, details included.
func (e *ContractError) GRPCStatus() *status.Status {
	st := status.New(e.Code, e.Message)
	if e.Field == "" {
		return st
	}
	withDetails, err := st.WithDetails(&errdetails.BadRequest{
		FieldViolations: []*errdetails.BadRequest_FieldViolation{{Field: e.Field, Description: e.Description}},
	})
	if err != nil {
		panic(fmt.Sprintf("a BadRequest always marshals: %v", err))
	}
	return withDetails
}

func invalidArgument(message, field, description string) *ContractError {
	return &ContractError{Code: codes.InvalidArgument, Message: message, Field: field, Description: description}
}

var errIntegerOverflow = &ContractError{Code: codes.OutOfRange, Message: "integer overflow"}
