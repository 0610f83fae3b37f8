package server

import (
	"context"
	"errors"
	"log/slog"

	"connectrpc.com/connect"
	"github.com/almalinux/alesco"
)

// codes maps every domain error code to its Connect code: the one table.
var codes = map[string]connect.Code{
	alesco.EINVALID:         connect.CodeInvalidArgument,
	alesco.ENOTFOUND:        connect.CodeNotFound,
	alesco.ECONFLICT:        connect.CodeAlreadyExists,
	alesco.EPRECONDITION:    connect.CodeFailedPrecondition,
	alesco.EUNAUTHENTICATED: connect.CodeUnauthenticated,
	alesco.EFORBIDDEN:       connect.CodePermissionDenied,
	alesco.EUNAVAILABLE:     connect.CodeUnavailable,
	alesco.EINTERNAL:        connect.CodeInternal,
}

// httpStatus is the HTTP status the Connect protocol gives a code
// (https://connectrpc.com/docs/protocol#error-codes), so plain HTTP routes
// (feeds, Markdown, pages) answer errors as the RPCs do. Written out here
// because connect-go keeps its own copy of this table unexported.
func httpStatus(c connect.Code) int {
	switch c {
	case connect.CodeCanceled:
		return 499
	case connect.CodeInvalidArgument, connect.CodeFailedPrecondition, connect.CodeOutOfRange:
		return 400
	case connect.CodeUnauthenticated:
		return 401
	case connect.CodePermissionDenied:
		return 403
	case connect.CodeNotFound:
		return 404
	case connect.CodeAlreadyExists, connect.CodeAborted:
		return 409
	case connect.CodeResourceExhausted:
		return 429
	case connect.CodeUnimplemented:
		return 501
	case connect.CodeUnavailable:
		return 503
	case connect.CodeDeadlineExceeded:
		return 504
	}
	return 500
}

// toConnect converts a handler's error into a Connect error. Internal errors
// are logged with their detail and returned without it.
func toConnect(ctx context.Context, log *slog.Logger, procedure string, err error) error {
	var ce *connect.Error
	if err == nil || errors.As(err, &ce) {
		return err
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return connect.NewError(connect.CodeCanceled, err)
	}
	code := alesco.ErrorCode(err)
	if code == alesco.EINTERNAL {
		log.ErrorContext(ctx, "internal error", "procedure", procedure, "err", err)
	}
	return connect.NewError(codes[code], errors.New(alesco.ErrorMessage(err)))
}

// errorInterceptor applies toConnect to every RPC's error.
func errorInterceptor(log *slog.Logger) connect.UnaryInterceptorFunc {
	return func(next connect.UnaryFunc) connect.UnaryFunc {
		return func(ctx context.Context, req connect.AnyRequest) (connect.AnyResponse, error) {
			resp, err := next(ctx, req)
			return resp, toConnect(ctx, log, req.Spec().Procedure, err)
		}
	}
}
