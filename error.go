// Package alesco holds the committee's domain: committees, members, rules,
// meetings, proposals and minutes. It imports only the standard library;
// adapters (sqlite, github, server, calendar) depend on it, never the reverse.
package alesco

import (
	"context"
	"errors"
	"fmt"
)

// Error codes. The transport layer maps each to a protocol status in one
// table (server/errors.go).
const (
	EINVALID         = "invalid"         // bad input from the caller
	ENOTFOUND        = "not_found"       // no such committee, meeting, proposal...
	EEXISTS          = "exists"          // the thing to create already exists
	ECONFLICT        = "conflict"        // the thing was changed concurrently; read it again and retry
	EPRECONDITION    = "precondition"    // valid request, wrong moment (no quorum, finalized minutes)
	EUNAUTHENTICATED = "unauthenticated" // no or unknown token
	EFORBIDDEN       = "forbidden"       // token lacks the role or committee
	EUNAVAILABLE     = "unavailable"     // an upstream (GitHub) cannot be reached
	ECANCELED        = "canceled"        // the caller went away
	ETIMEOUT         = "timeout"         // the request ran out of time
	ELIMIT           = "limit"           // a limit of the service is reached (watchers of a meeting)
	EINTERNAL        = "internal"        // a bug or I/O failure; logged, never shown verbatim
)

// Error is the application error: a code and a message a chair understands.
type Error struct {
	Code    string
	Message string
}

// Error implements the error interface.
func (e *Error) Error() string {
	return fmt.Sprintf("alesco: %s", e.Message)
}

// Errorf returns an *Error with the given code and formatted message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// ErrorCode returns the code of the first *Error in err's chain;
// ECANCELED or ETIMEOUT for a cancelled context or an expired deadline;
// EINTERNAL for any other non-nil error; and "" for nil.
func ErrorCode(err error) string {
	var e *Error
	switch {
	case err == nil:
		return ""
	case errors.As(err, &e):
		return e.Code
	case errors.Is(err, context.DeadlineExceeded):
		return ETIMEOUT
	case errors.Is(err, context.Canceled):
		return ECANCELED
	}
	return EINTERNAL
}

// ErrorMessage returns the message of the first *Error in err's chain, or a
// generic message for other errors (their details go to the log only).
func ErrorMessage(err error) string {
	var e *Error
	switch code := ErrorCode(err); {
	case code == "":
		return ""
	case errors.As(err, &e):
		return e.Message
	case code == ETIMEOUT:
		return "the request ran out of time"
	case code == ECANCELED:
		return "the request was cancelled"
	}
	return "internal error"
}
