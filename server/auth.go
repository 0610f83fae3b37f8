package server

import (
	"context"
	"strings"

	"connectrpc.com/connect"
	"github.com/almalinux/alesco"
)

// authInterceptor authenticates every call that is not a public read (the
// proto marks reads NO_SIDE_EFFECTS): it resolves the Bearer token to its
// principal and passes it on in the context. What a principal may do is
// decided once, by the application layer (alesco.Principal.Authorize).
func (s *Server) authInterceptor() connect.Interceptor {
	authenticate := func(ctx context.Context, spec connect.Spec, header string) (context.Context, error) {
		if spec.IdempotencyLevel == connect.IdempotencyNoSideEffects {
			return ctx, nil
		}
		secret, ok := bearer(header)
		if !ok {
			return ctx, alesco.Errorf(alesco.EUNAUTHENTICATED, "this call needs a token: send Authorization: Bearer <token> (see `alesco token create`)")
		}
		p, err := s.app.Authenticate(ctx, secret)
		if err != nil {
			return ctx, err
		}
		return alesco.NewContext(ctx, p), nil
	}
	return &interceptor{
		unary: func(next connect.UnaryFunc) connect.UnaryFunc {
			return func(ctx context.Context, req connect.AnyRequest) (connect.AnyResponse, error) {
				ctx, err := authenticate(ctx, req.Spec(), req.Header().Get("Authorization"))
				if err != nil {
					return nil, err
				}
				return next(ctx, req)
			}
		},
		stream: func(next connect.StreamingHandlerFunc) connect.StreamingHandlerFunc {
			return func(ctx context.Context, conn connect.StreamingHandlerConn) error {
				ctx, err := authenticate(ctx, conn.Spec(), conn.RequestHeader().Get("Authorization"))
				if err != nil {
					return err
				}
				return next(ctx, conn)
			}
		},
	}
}

// bearer returns the token of an Authorization header of the Bearer
// scheme, whose name is case-insensitive (RFC 9110 §11.1): "Bearer",
// "bearer" and "BEARER" alike.
func bearer(header string) (string, bool) {
	scheme, secret, ok := strings.Cut(strings.TrimSpace(header), " ")
	secret = strings.TrimSpace(secret)
	return secret, ok && strings.EqualFold(scheme, "Bearer") && secret != ""
}
