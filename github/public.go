package github

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"net/http"
	"time"

	"github.com/almalinux/alesco"
	gh "github.com/google/go-github/v89/github"
)

// publicError says what went wrong with GitHub in words for anyone who
// reads the proposals list (ListProposals' sync_error is public): never an
// address, port, resolver or URL of this server's network, which Go's
// errors spell out ("lookup api.github.com on 10.0.0.53:53: no such
// host"). The whole error goes to the server's log. A time is told in the
// committee's zone (loc), like every other.
func publicError(err error, loc *time.Location) string {
	var limited *RateLimitedError
	var rate *gh.RateLimitError
	var abuse *gh.AbuseRateLimitError
	var resp *gh.ErrorResponse
	var dns *net.DNSError
	var netErr net.Error
	var op *net.OpError
	var unknownCA x509.UnknownAuthorityError
	var hostname x509.HostnameError
	var invalid x509.CertificateInvalidError
	var tlsRecord tls.RecordHeaderError
	if msg, ok := appRefusal(err); ok {
		return msg
	}
	switch {
	case errors.As(err, &limited):
		return "GitHub asked alesco to wait: the next sync is after " + alesco.Clock(limited.Until, loc)
	case errors.As(err, &rate):
		return "GitHub's rate limit is used up until " + alesco.Clock(rate.Rate.Reset.Time, loc)
	case errors.As(err, &abuse):
		return "GitHub asked alesco to slow down (secondary rate limit)"
	case errors.As(err, &resp) && resp.Response != nil:
		code := resp.Response.StatusCode
		return fmt.Sprintf("GitHub answered %d %s", code, http.StatusText(code))
	case errors.As(err, &dns):
		return "GitHub could not be reached: its host name did not resolve"
	case errors.As(err, &unknownCA), errors.As(err, &hostname), errors.As(err, &invalid), errors.As(err, &tlsRecord):
		return "GitHub could not be reached: its TLS certificate was not accepted"
	case errors.Is(err, context.DeadlineExceeded), errors.As(err, &netErr) && netErr.Timeout():
		return "GitHub did not answer in time"
	case errors.As(err, &op):
		return "GitHub could not be reached: the connection failed"
	}
	return "the sync with GitHub failed (the server's log has the details)"
}
