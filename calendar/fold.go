package calendar

import (
	"bytes"
	"io"
	"unicode/utf8"
)

// MaxLineOctets is the longest content line RFC 5545 §3.1 allows, not
// counting the CRLF: "Lines of text SHOULD NOT be longer than 75 octets".
const MaxLineOctets = 75

// FoldingWriter folds the content lines written to it at MaxLineOctets
// octets (RFC 5545 §3.1): a long line is split by CRLF followed by a single
// space, and never inside a multi-octet UTF-8 sequence.
//
// It is hand-written because github.com/emersion/go-ical's Encoder writes
// each content line whole, however long, and no kept Go library folds
// iCalendar output on its own. Lines are buffered until their CRLF (go-ical
// writes one line per Write); call Flush after the last Write.
type FoldingWriter struct {
	w    io.Writer
	line []byte // the current, not yet terminated, unfolded line
	out  []byte // reused output buffer
}

// NewFoldingWriter returns a FoldingWriter that writes folded lines to w.
func NewFoldingWriter(w io.Writer) *FoldingWriter {
	return &FoldingWriter{w: w}
}

// Write buffers p and writes every line it completes, folded. Lines end at
// LF; a CR before the LF is dropped and every line is written with CRLF.
func (f *FoldingWriter) Write(p []byte) (int, error) {
	n := len(p)
	for len(p) > 0 {
		i := bytes.IndexByte(p, '\n')
		if i < 0 {
			f.line = append(f.line, p...)
			break
		}
		f.line = append(f.line, p[:i]...)
		p = p[i+1:]
		if err := f.emit(true); err != nil {
			return n - len(p), err
		}
	}
	return n, nil
}

// Flush writes a last line that was not terminated, folded and without a
// line break added.
func (f *FoldingWriter) Flush() error {
	if len(f.line) == 0 {
		return nil
	}
	return f.emit(false)
}

func (f *FoldingWriter) emit(eol bool) error {
	line := f.line
	if eol {
		line = bytes.TrimSuffix(line, []byte{'\r'})
	}
	f.out = AppendFolded(f.out[:0], line)
	if eol {
		f.out = append(f.out, '\r', '\n')
	}
	f.line = f.line[:0]
	_, err := f.w.Write(f.out)
	return err
}

// AppendFolded appends line (one unfolded content line without its line
// break) to dst, folded so that no physical line exceeds MaxLineOctets
// octets. Splits fall only between UTF-8 sequences; an invalid byte counts
// as a sequence of its own, so nothing is ever dropped or altered: unfolding
// (removing every CRLF followed by one space) gives line back.
func AppendFolded(dst, line []byte) []byte {
	width := 0 // octets on the current physical line
	for len(line) > 0 {
		_, size := utf8.DecodeRune(line)
		if width+size > MaxLineOctets {
			dst = append(dst, '\r', '\n', ' ')
			width = 1
		}
		dst = append(dst, line[:size]...)
		width += size
		line = line[size:]
	}
	return dst
}
