package server

import (
	"context"
	"errors"
	"log/slog"
	"net/http"

	"connectrpc.com/connect"
	"github.com/almalinux/alesco"
)

// codes maps every domain error code to its Connect code: the one table.
// RPCs, plain HTTP routes and pages all answer through it.
var codes = map[string]connect.Code{
	alesco.EINVALID:         connect.CodeInvalidArgument,
	alesco.ENOTFOUND:        connect.CodeNotFound,
	alesco.EEXISTS:          connect.CodeAlreadyExists,
	alesco.ECONFLICT:        connect.CodeAborted,
	alesco.EPRECONDITION:    connect.CodeFailedPrecondition,
	alesco.EUNAUTHENTICATED: connect.CodeUnauthenticated,
	alesco.EFORBIDDEN:       connect.CodePermissionDenied,
	alesco.EUNAVAILABLE:     connect.CodeUnavailable,
	alesco.ECANCELED:        connect.CodeCanceled,
	alesco.ETIMEOUT:         connect.CodeDeadlineExceeded,
	alesco.ELIMIT:           connect.CodeResourceExhausted,
	alesco.EINTERNAL:        connect.CodeInternal,
}

// codeOf returns the Connect code of any error: a Connect error keeps its
// own (connect-go's for malformed requests); a domain error maps through
// the table.
func codeOf(err error) connect.Code {
	var ce *connect.Error
	if errors.As(err, &ce) {
		return ce.Code()
	}
	return codes[alesco.ErrorCode(err)]
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

// toConnect converts any error into a Connect error: internal ones are
// logged with their detail and answered without it.
func toConnect(ctx context.Context, log *slog.Logger, where string, err error) error {
	var ce *connect.Error
	if err == nil || errors.As(err, &ce) {
		return err
	}
	code := codeOf(err)
	if code == connect.CodeInternal {
		log.ErrorContext(ctx, "internal error", "where", where, "err", err)
	}
	return connect.NewError(code, errors.New(alesco.ErrorMessage(err)))
}

// errorInterceptor applies toConnect to every RPC's error.
func errorInterceptor(log *slog.Logger) connect.Interceptor {
	return &interceptor{
		unary: func(next connect.UnaryFunc) connect.UnaryFunc {
			return func(ctx context.Context, req connect.AnyRequest) (connect.AnyResponse, error) {
				resp, err := next(ctx, req)
				return resp, toConnect(ctx, log, req.Spec().Procedure, err)
			}
		},
		stream: func(next connect.StreamingHandlerFunc) connect.StreamingHandlerFunc {
			return func(ctx context.Context, conn connect.StreamingHandlerConn) error {
				return toConnect(ctx, log, conn.Spec().Procedure, next(ctx, conn))
			}
		},
	}
}

// httpError writes any error as a plain-text HTTP error.
func (s *Server) httpError(w http.ResponseWriter, r *http.Request, err error) {
	err = toConnect(r.Context(), s.log, r.URL.Path, err)
	var ce *connect.Error
	errors.As(err, &ce)
	http.Error(w, ce.Message(), httpStatus(ce.Code()))
}

// interceptor is a connect.Interceptor from a unary and a streaming-handler
// wrapper (connect.UnaryInterceptorFunc covers unary calls only).
type interceptor struct {
	unary  func(connect.UnaryFunc) connect.UnaryFunc
	stream func(connect.StreamingHandlerFunc) connect.StreamingHandlerFunc
}

func (i *interceptor) WrapUnary(next connect.UnaryFunc) connect.UnaryFunc { return i.unary(next) }

func (i *interceptor) WrapStreamingClient(next connect.StreamingClientFunc) connect.StreamingClientFunc {
	return next
}

func (i *interceptor) WrapStreamingHandler(next connect.StreamingHandlerFunc) connect.StreamingHandlerFunc {
	if i.stream == nil {
		return next
	}
	return i.stream(next)
}
