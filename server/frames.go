package server

import (
	"encoding/binary"
	"errors"
	"io"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/almalinux/alesco"
)

// The streaming protocols (gRPC, gRPC-Web, Connect streaming) frame each
// message of a request body as flags (one byte), a big-endian uint32
// length, then the message. connect-go answers a body cut inside a frame,
// a frame marked compressed in a request that names no encoding, a frame
// flag only a server sends, or a body that stops arriving, as a failure of
// this server (internal, unknown), with the read error's text, which names
// both ends' addresses. The rules are the client's to keep, so the guard
// reads such bodies through a frameReader, which checks them as the bytes
// pass and fails the read with the Connect error the client should get
// (connect-go returns a reader's own Connect error as it is). Written by
// hand: connect-go keeps its envelope reader unexported and has no hook
// for the errors of reading a request.

// Frame flags a client may send (connectrpc.com/docs/protocol, gRPC's
// PROTOCOL-HTTP2.md, gRPC-Web's PROTOCOL-WEB.md): 0, or 1 for a compressed
// message. 2 (Connect's end of stream) and 0x80 (gRPC-Web's trailers) are
// the server's.
const flagCompressed = 1

// frameReader checks a streaming request's frames as connect-go reads them.
type frameReader struct {
	body io.ReadCloser
	// fail turns a domain error into the Connect error the client reads.
	fail func(error) error
	// arrived is called once the whole body is in.
	arrived func()
	// timeout is how long the body may take to arrive.
	timeout time.Duration
	// encoded: the request names a message encoding, so frames may be
	// compressed.
	encoded bool
	prefix  [5]byte
	have    int   // bytes of the current frame's prefix read so far
	size    int64 // the current frame's message length
	left    int64 // bytes of the current frame's message still to come
	err     error // once failed, every read fails so
}

// frames wraps a streaming request's body in a frameReader; other bodies,
// and gRPC-Web's base64 text variant, pass as they are.
func (s *Server) frames(w http.ResponseWriter, r *http.Request) {
	ct := r.Header.Get("Content-Type")
	if r.Body == nil || r.Body == http.NoBody || !streaming(r) || strings.HasPrefix(ct, "application/grpc-web-text") {
		return
	}
	rc := http.NewResponseController(w)
	// The body is due within the body timeout, as a unary call's is (the
	// guard); once in, the deadline goes, for a stream's answer may last
	// (HTTP/1 lifts it itself then; HTTP/2 keeps a timer per stream).
	_ = rc.SetReadDeadline(time.Now().Add(s.timeouts.Body))
	enc := r.Header.Get("Grpc-Encoding")
	if strings.HasPrefix(ct, "application/connect+") {
		enc = r.Header.Get("Connect-Content-Encoding")
	}
	r.Body = &frameReader{
		body:    r.Body,
		fail:    func(err error) error { return toConnect(r.Context(), s.log, r.URL.Path, err) },
		arrived: func() { _ = rc.SetReadDeadline(time.Time{}) },
		timeout: s.timeouts.Body,
		encoded: enc != "" && enc != "identity",
	}
}

// Read reads the body and checks the frames that passed.
func (f *frameReader) Read(p []byte) (int, error) {
	if f.err != nil {
		return 0, f.err
	}
	n, err := f.body.Read(p)
	if bad := f.scan(p[:n]); bad != nil {
		f.err = f.fail(bad)
		return 0, f.err
	}
	var tooBig *http.MaxBytesError
	switch {
	case err == nil:
		return n, nil
	case errors.Is(err, io.EOF):
		if bad := f.cut(); bad != nil {
			f.err = f.fail(bad)
			return n, f.err
		}
		f.arrived()
		return n, err
	case errors.As(err, &tooBig):
		return n, err // connect-go answers it: ResourceExhausted
	case errors.Is(err, os.ErrDeadlineExceeded):
		f.err = f.fail(alesco.Errorf(alesco.ETIMEOUT, "the request body did not arrive within %s", f.timeout))
	default:
		f.err = f.fail(alesco.Errorf(alesco.EINVALID, "the request body could not be read"))
	}
	return n, f.err
}

// Close closes the body.
func (f *frameReader) Close() error { return f.body.Close() }

// scan follows the frames through b, checking each prefix's flags.
func (f *frameReader) scan(b []byte) error {
	for len(b) > 0 {
		if f.left > 0 {
			k := min(int64(len(b)), f.left)
			f.left -= k
			b = b[k:]
			continue
		}
		k := copy(f.prefix[f.have:], b)
		f.have += k
		b = b[k:]
		if f.have < len(f.prefix) {
			return nil
		}
		f.have = 0
		f.size = int64(binary.BigEndian.Uint32(f.prefix[1:]))
		f.left = f.size
		switch flags := f.prefix[0]; {
		case flags == flagCompressed && !f.encoded:
			return alesco.Errorf(alesco.EINVALID, "a message of the request is marked compressed, but the request names no encoding (grpc-encoding or connect-content-encoding)")
		case flags != 0 && flags != flagCompressed:
			return alesco.Errorf(alesco.EINVALID, "a message of the request has frame flags 0x%02x: a client sends 0, or 1 for a compressed message", flags)
		}
	}
	return nil
}

// cut reports a body that ended inside a frame.
func (f *frameReader) cut() error {
	switch {
	case f.have > 0:
		return alesco.Errorf(alesco.EINVALID, "the request ends inside a message's 5-byte frame header (%d bytes came)", f.have)
	case f.left > 0:
		return alesco.Errorf(alesco.EINVALID, "the request ends inside a message: its frame promised %d bytes, %d came", f.size, f.size-f.left)
	}
	return nil
}
