package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strings"

	"connectrpc.com/connect"
	"github.com/almalinux/alesco"
	v1 "github.com/almalinux/alesco/gen/alesco/v1/alescov1connect"
	"github.com/almalinux/alesco/live"
	"github.com/spf13/cobra"
)

// meetingCommand is `alesco meeting run`: a meeting run from a terminal,
// one command per line, interactive or piped.
func (m *Main) meetingCommand() *cobra.Command {
	cmd := &cobra.Command{Use: "meeting", Short: "Run a meeting live from the terminal (alesco meeting run)", Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error { return cmd.Help() }}
	var f storeFlags
	var server string
	run := &cobra.Command{
		Use:   "run MEETING_ID [--server URL]",
		Short: "Run a meeting: read commands from stdin, one per line, and print each reply",
		Long: `Run a meeting from the terminal. Each line of stdin is one command of the
meeting command language (a leading '#' is optional; "# ..." is a comment);
each reply is one line on stdout, each refusal one line on stderr saying what
to type instead. It works typed in by hand or piped from a file.

With --server it talks to a running alesco over the API, with the token in
ALESCO_TOKEN (a chair or secretary token; a member token may vote as itself).
Without --server it records directly in the database given by --db, as the
operator, beside a running server.

Commands:
` + live.Usage() + `
Exit code 1 when any command was refused.`,
		Args: exactArgs(1, "the meeting's id, e.g. alesco-2026-12-03"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := meetingArg(args[0]); err != nil {
				return err
			}
			ctx, cancel := context.WithCancel(cmd.Context())
			defer cancel()
			out := &lockedWriter{w: m.Stdout}
			run, done, err := m.commandRunner(ctx, args[0], server, f, out)
			if err != nil {
				return err
			}
			defer done()
			return m.runMeeting(ctx, args[0], run, out)
		},
	}
	f.add(run)
	run.Flags().StringVar(&server, "server", "", "base URL of a running alesco (e.g. https://alesco.example.org); the token is read from ALESCO_TOKEN")
	cmd.AddCommand(run)
	return cmd
}

// runner runs one command line and returns its reply.
type runner func(ctx context.Context, line string) (string, error)

// commandRunner runs commands through a server's API, or on the database
// as the operator.
//
// Through a server, the record streams in beside the commands (what other
// front ends change is printed on out), and a server that restarts or a
// network that drops is waited for (remote).
func (m *Main) commandRunner(ctx context.Context, meetingID, server string, f storeFlags, out io.Writer) (runner, func(), error) {
	if server == "" {
		a, db, err := m.open(ctx, f)
		if err != nil {
			return nil, nil, err
		}
		return func(ctx context.Context, line string) (string, error) {
			return live.Run(operator(ctx), a, meetingID, line)
		}, func() { db.Close() }, nil
	}
	u, err := url.Parse(server)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, nil, usageError(fmt.Errorf("--server %q: want the server's base URL, e.g. https://alesco.example.org", server))
	}
	token := strings.TrimSpace(m.Getenv("ALESCO_TOKEN"))
	if token == "" {
		return nil, nil, usageError(errors.New("set ALESCO_TOKEN to your token (the server's operator makes one with `alesco token create --committee ID --role chair`)"))
	}
	client := m.HTTPClient
	if client == nil {
		client = http.DefaultClient
	}
	auth := connect.UnaryInterceptorFunc(func(next connect.UnaryFunc) connect.UnaryFunc {
		return func(ctx context.Context, req connect.AnyRequest) (connect.AnyResponse, error) {
			req.Header().Set("Authorization", "Bearer "+token)
			return next(ctx, req)
		}
	})
	r := &remote{meetingID: meetingID, out: out, errw: m.Stderr, sent: map[string]bool{},
		minutes: v1.NewMinutesServiceClient(client, strings.TrimSuffix(server, "/"), connect.WithInterceptors(auth))}
	watchCtx, stop := context.WithCancel(ctx)
	watched := make(chan struct{})
	go func() {
		defer close(watched)
		r.watch(watchCtx)
	}()
	return r.run, func() {
		stop()
		<-watched
	}, nil
}

// runMeeting reads stdin line by line, runs each line and prints its
// reply. A refused command is reported and the next line runs; a server
// that cannot be reached or a token it refuses ends the run.
func (m *Main) runMeeting(ctx context.Context, meetingID string, run runner, out io.Writer) error {
	in := m.Stdin
	if in == nil {
		in = os.Stdin
	}
	interactive := isTerminal(in)
	if interactive {
		fmt.Fprintf(out, "Meeting %s: one command per line (help lists them; Ctrl-D leaves).\n", meetingID)
	}
	sc := bufio.NewScanner(in)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	failed, n := 0, 0
	for {
		if interactive {
			fmt.Fprint(out, meetingID+"> ")
		}
		if !sc.Scan() {
			break
		}
		n++
		reply, err := run(ctx, sc.Text())
		if err != nil {
			failed++
			where := ""
			if !interactive {
				where = fmt.Sprintf("line %d: ", n)
			}
			fmt.Fprintf(m.Stderr, "%s%s\n", where, commandError(err))
			if fatal(err) {
				return err
			}
			continue
		}
		if reply != "" {
			fmt.Fprintln(out, live.Plain(reply))
		}
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("reading commands: %w", err)
	}
	if interactive {
		fmt.Fprintln(out)
	}
	if failed > 0 {
		return fmt.Errorf("%d of %d commands were refused", failed, n)
	}
	return nil
}

// commandError is what a chair reads of a refused command.
func commandError(err error) string {
	var ce *connect.Error
	if errors.As(err, &ce) {
		return "refused: " + ce.Message()
	}
	return "refused: " + message(err)
}

// fatal reports errors that every following command would meet too.
func fatal(err error) bool {
	var ce *connect.Error
	if errors.As(err, &ce) {
		switch ce.Code() {
		case connect.CodeUnauthenticated, connect.CodeUnavailable, connect.CodeUnimplemented, connect.CodeUnknown, connect.CodeInternal:
			return true
		}
		return false
	}
	return alesco.ErrorCode(err) == alesco.EINTERNAL
}

// isTerminal reports whether r is a terminal (not a file or a pipe).
func isTerminal(r io.Reader) bool {
	f, ok := r.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}
