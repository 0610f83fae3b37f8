// Command alesco runs a steering committee's meeting cycle: RFC tracking,
// agendas, calendar feeds, minutes and votes, served over Connect/gRPC.
//
// Usage: alesco <command> [flags]; `alesco help` lists the commands.
//
// Exit codes: 0 success, 1 the command failed, 2 the command line was
// wrong; `meetings check`: 1 a meeting disagrees with the events site, 3
// the events site could not be read.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"
	_ "time/tzdata" // IANA zones even on hosts without /usr/share/zoneinfo

	"github.com/almalinux/alesco"
	"github.com/almalinux/alesco/app"
	"github.com/almalinux/alesco/config"
	"github.com/almalinux/alesco/indico"
	"github.com/almalinux/alesco/sqlite"
	"github.com/spf13/cobra"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	m := &Main{Stdout: os.Stdout, Stderr: os.Stderr, Stdin: os.Stdin, Getenv: os.Getenv}
	if err := m.Run(ctx, os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "alesco: "+message(err))
		os.Exit(exitCode(err))
	}
}

// message is what a person reads of an error: a domain error's message
// (without the package prefix), or the error itself.
func message(err error) string {
	var e *alesco.Error
	if errors.As(err, &e) && alesco.ErrorCode(err) != alesco.EINTERNAL {
		return strings.Replace(err.Error(), e.Error(), e.Message, 1)
	}
	return err.Error()
}

// Exit codes.
const (
	exitFailed = 1 // the command ran and failed
	exitUsage  = 2 // the command line was wrong
)

func exitCode(err error) int {
	if errors.Is(err, errUsage) {
		return exitUsage
	}
	var cf checkFailed
	if errors.As(err, &cf) {
		return cf.code
	}
	return exitFailed
}

var errUsage = errors.New("usage error")

// usageError marks err as a mistake on the command line (exit code 2).
func usageError(err error) error { return usage{err} }

type usage struct{ error }

func (u usage) Unwrap() []error { return []error{u.error, errUsage} }

// Main is the program, separate from process globals so tests run the same
// code path as the binary.
type Main struct {
	Stdout, Stderr io.Writer
	// Stdin is where `meeting run` reads commands (default os.Stdin).
	Stdin io.Reader
	// HTTPClient reaches a server (`meeting run --server`); default
	// http.DefaultClient.
	HTTPClient *http.Client
	Getenv     func(string) string
	// Ready, when set, is called with the listening address once serve
	// accepts connections (tests use it with --addr 127.0.0.1:0).
	Ready func(addr string)
	// Now is the clock (defaults to time.Now).
	Now func() time.Time
	// DeliveryHook, when set, is called around each outbox delivery of
	// serve (app.Options.DeliveryHook): tests stop or kill the server there.
	DeliveryHook func(stage string, it alesco.OutboxItem)
	// LogFlush is how often serve writes out its buffered log (default
	// logFlushInterval).
	LogFlush time.Duration
}

// Run runs one command line.
func (m *Main) Run(ctx context.Context, args []string) error {
	if m.Getenv == nil {
		m.Getenv = os.Getenv
	}
	if m.Now == nil {
		m.Now = time.Now
	}
	root := m.commands()
	root.SetArgs(args)
	return root.ExecuteContext(ctx)
}

// commands builds the command tree.
func (m *Main) commands() *cobra.Command {
	root := &cobra.Command{
		Use:   "alesco",
		Short: "Run a steering committee's meeting cycle: RFCs, agendas, calendars, minutes and votes",
		Long: `alesco runs a steering committee's meeting cycle: it tracks RFCs (GitHub pull
requests), builds each meeting's agenda, publishes iCal feeds, and records
minutes, attendance, quorum and votes in SQLite.

Every command takes --db and --config like serve, and works while a server
runs on the same database.

Exit codes: 0 success, 1 the command failed, 2 the command line was wrong.`,
		SilenceErrors: true,
		SilenceUsage:  true,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) > 0 {
				return usageError(fmt.Errorf("unknown command %q (see alesco help)", args[0]))
			}
			return nil
		},
		RunE:    func(cmd *cobra.Command, args []string) error { return cmd.Help() },
		Version: buildVersion(),
	}
	root.SetVersionTemplate("{{.Version}}")
	root.SetFlagErrorFunc(func(cmd *cobra.Command, err error) error { return usageError(err) })
	root.AddCommand(m.serveCommand(), m.configCommand(), m.tokenCommand(), m.meetingsCommand(), m.agendaCommand(),
		m.minutesCommand(), m.meetingCommand(), m.proposalsCommand(), m.auditCommand(), m.backupCommand(), m.outboxCommand())
	// Cobra adds its help and completion commands when it runs; added
	// here, they get usageErrors too. The completion command keeps the
	// output set when it is added, so the output is set first.
	root.SetOut(m.Stdout)
	root.SetErr(m.Stderr)
	root.InitDefaultHelpCmd()
	root.InitDefaultCompletionCmd()
	usageErrors(root)
	helpTopics(root)
	m.completions(root)
	return root
}

// helpTopics makes `alesco help TOPIC` a usage error when no command is
// called TOPIC: cobra's help command prints the root's help and exits 0.
func helpTopics(root *cobra.Command) {
	help, _, err := root.Find([]string{"help"})
	if err != nil || help == root || help.Run == nil {
		return
	}
	run := help.Run
	help.Run = nil
	help.RunE = func(cmd *cobra.Command, args []string) error {
		if target, rest, err := root.Find(args); err != nil || target == nil || len(rest) > 0 {
			return usageError(fmt.Errorf("no command %q (see alesco help)", strings.Join(args, " ")))
		}
		run(cmd, args)
		return nil
	}
}

// usageErrors marks what cobra finds wrong with a command line (arguments
// a command does not take, a required flag left out) as usage errors, on
// every command of the tree, cobra's own included: cobra returns them
// unmarked, and they would exit 1.
func usageErrors(c *cobra.Command) {
	if args := c.Args; args != nil {
		c.Args = func(cmd *cobra.Command, a []string) error {
			if err := args(cmd, a); err != nil {
				return usageError(err)
			}
			return nil
		}
	}
	// Cobra checks required flags after PreRunE, unmarked; checked here
	// first, they pass there.
	pre := c.PreRunE
	c.PreRunE = func(cmd *cobra.Command, a []string) error {
		if err := cmd.ValidateRequiredFlags(); err != nil {
			return usageError(err)
		}
		if err := cmd.ValidateFlagGroups(); err != nil {
			return usageError(err)
		}
		if pre != nil {
			return pre(cmd, a)
		}
		return nil
	}
	// A command that only groups others (cobra's completion) answers an
	// unknown subcommand with a usage error, as the root does, not with
	// its help and 0.
	if !c.Runnable() && c.HasSubCommands() {
		c.Args = func(cmd *cobra.Command, a []string) error {
			if len(a) > 0 {
				return usageError(fmt.Errorf("unknown command %q for %q (see %s --help)", a[0], cmd.CommandPath(), cmd.CommandPath()))
			}
			return nil
		}
		c.RunE = func(cmd *cobra.Command, _ []string) error { return cmd.Help() }
	}
	for _, sub := range c.Commands() {
		usageErrors(sub)
	}
}

// meetingArg checks that id is a meeting id at all (a usage error when
// not); whether that meeting exists is the command's to find out.
func meetingArg(id string) error {
	if _, _, _, err := alesco.SplitMeetingID(id); err != nil {
		return usageError(err)
	}
	return nil
}

// storeFlags are the flags of every command that opens the database.
type storeFlags struct {
	db     string
	config string
	// create: the command may start a new database (serve, and the imports
	// that fill one); every other command refuses a path with no database,
	// so a mistyped --db is an error, not an empty database that verifies.
	create bool
}

func (f *storeFlags) add(cmd *cobra.Command) {
	cmd.Flags().StringVar(&f.db, "db", "alesco.db", "SQLite database file (it must exist)")
	cmd.Flags().StringVar(&f.config, "config", "", "committee configuration YAML (default: the embedded ALESCo configuration)")
}

// addCreating adds the flags of a command that may create the database.
func (f *storeFlags) addCreating(cmd *cobra.Command) {
	f.create = true
	cmd.Flags().StringVar(&f.db, "db", "alesco.db", "SQLite database file (created if missing)")
	cmd.Flags().StringVar(&f.config, "config", "", "committee configuration YAML (default: the embedded ALESCo configuration)")
}

// load reads the configuration and opens the database; the caller
// closes the store.
func (m *Main) load(ctx context.Context, f storeFlags) (*alesco.Committees, *sqlite.DB, error) {
	cs, err := config.Load(f.config)
	if err != nil {
		return nil, nil, err
	}
	open := sqlite.OpenExisting
	if f.create {
		open = sqlite.Open
	}
	db, err := open(ctx, f.db, sqlite.WithClock(m.Now))
	if err != nil {
		return nil, nil, err
	}
	return alesco.NewCommittees(cs), db, nil
}

// newApp builds the application on a loaded configuration and store.
func (m *Main) newApp(cs *alesco.Committees, db *sqlite.DB, o app.Options) (*app.App, error) {
	o.Committees, o.Store, o.Now = cs, db, m.Now
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	return app.New(o)
}

// eventFetcher reads the events sites, through m.HTTPClient's transport
// when set (tests).
func (m *Main) eventFetcher(log *slog.Logger) *indico.Fetcher {
	o := indico.Options{Logger: log}
	if m.HTTPClient != nil {
		o.Transport = m.HTTPClient.Transport
	}
	return indico.New(o)
}

// openFor is open for a command on a meeting: the meeting's id is checked
// first (a usage error, before any file is read).
func (m *Main) openFor(ctx context.Context, f storeFlags, meetingID string) (*app.App, *sqlite.DB, error) {
	if err := meetingArg(meetingID); err != nil {
		return nil, nil, err
	}
	return m.open(ctx, f)
}

// open is load and newApp; the caller closes the store.
func (m *Main) open(ctx context.Context, f storeFlags) (*app.App, *sqlite.DB, error) {
	cs, db, err := m.load(ctx, f)
	if err != nil {
		return nil, nil, err
	}
	a, err := m.newApp(cs, db, app.Options{Events: m.eventFetcher(nil)})
	if err != nil {
		db.Close()
		return nil, nil, err
	}
	return a, db, nil
}

// openCommittee is open and the committee named by a --committee flag.
func (m *Main) openCommittee(ctx context.Context, f storeFlags, id string) (*app.App, *alesco.Committee, *sqlite.DB, error) {
	a, db, err := m.open(ctx, f)
	if err != nil {
		return nil, nil, nil, err
	}
	c, err := a.Committee(ctx, id)
	if err != nil {
		db.Close()
		return nil, nil, nil, err
	}
	return a, c, db, nil
}

// operator marks writes made from the command line: the operator on the
// server's machine acts as admin, and the audit log names them.
func operator(ctx context.Context) context.Context {
	user := os.Getenv("USER")
	if user == "" {
		user = "unknown"
	}
	return alesco.NewContext(ctx, alesco.Principal{Role: alesco.RoleAdmin, Name: "cli (" + user + ")"})
}

// exactArgs is cobra.ExactArgs with a usage error naming what is missing.
func exactArgs(n int, what string) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if len(args) != n {
			return usageError(fmt.Errorf("%s: want %s (see %s --help)", cmd.CommandPath(), what, cmd.CommandPath()))
		}
		return nil
	}
}

func logHandler(w io.Writer, format string) slog.Handler {
	opts := &slog.HandlerOptions{Level: slog.LevelInfo}
	if strings.EqualFold(format, "json") {
		return slog.NewJSONHandler(w, opts)
	}
	return slog.NewTextHandler(w, opts)
}
