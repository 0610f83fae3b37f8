// Command alesco runs a steering committee's meeting cycle: RFC tracking,
// agendas, calendar feeds, minutes and votes, served over Connect/gRPC.
//
// Usage: alesco <command> [flags]; `alesco help` lists the commands.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"sort"
	"strings"
	"syscall"
	"time"
	_ "time/tzdata" // IANA zones even on hosts without /usr/share/zoneinfo

	"github.com/almalinux/alesco"
	"github.com/almalinux/alesco/config"
	"github.com/almalinux/alesco/sqlite"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	m := &Main{Stdout: os.Stdout, Stderr: os.Stderr, Getenv: os.Getenv}
	if err := m.Run(ctx, os.Args[1:]); err != nil {
		if !errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(os.Stderr, "alesco:", err)
		}
		os.Exit(exitCode(err))
	}
}

func exitCode(err error) int {
	if errors.Is(err, flag.ErrHelp) || errors.Is(err, errUsage) {
		return 2
	}
	return 1
}

var errUsage = errors.New("usage error")

// Main is the program, separate from process globals so tests run the same
// code path as the binary.
type Main struct {
	Stdout, Stderr io.Writer
	Getenv         func(string) string
	// Ready, when set, is called with the listening address once serve
	// accepts connections (tests use it with --addr 127.0.0.1:0).
	Ready func(addr string)
	// Now is the clock (defaults to time.Now).
	Now func() time.Time
}

type command struct {
	summary string
	run     func(ctx context.Context, m *Main, args []string) error
}

// commands is the CLI's table of contents.
var commands = map[string]command{
	"serve":     {"run the server", runServe},
	"config":    {"check a configuration file, or print the default one", runConfig},
	"token":     {"create, list or revoke API tokens", runToken},
	"meetings":  {"list meetings; cancel, move or add one", runMeetings},
	"agenda":    {"print a meeting's agenda", runAgenda},
	"minutes":   {"export, import or list minutes", runMinutes},
	"proposals": {"list proposals or sync them from GitHub", runProposals},
	"audit":     {"verify the audit log's hash chain", runAudit},
	"backup":    {"copy the database consistently while the server runs", runBackup},
}

// Run runs one command.
func (m *Main) Run(ctx context.Context, args []string) error {
	if m.Getenv == nil {
		m.Getenv = os.Getenv
	}
	if m.Now == nil {
		m.Now = time.Now
	}
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		m.usage()
		if len(args) == 0 {
			return errUsage
		}
		return nil
	}
	c, ok := commands[args[0]]
	if !ok {
		m.usage()
		return fmt.Errorf("unknown command %q", args[0])
	}
	return c.run(ctx, m, args[1:])
}

func (m *Main) usage() {
	fmt.Fprintln(m.Stderr, "usage: alesco <command> [flags]\n\ncommands:")
	names := make([]string, 0, len(commands))
	for n := range commands {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(m.Stderr, "  %-10s %s\n", n, commands[n].summary)
	}
	fmt.Fprintln(m.Stderr, "\nRun `alesco <command> -h` for a command's flags.")
}

// common are the flags every command that touches state takes.
type common struct {
	db     string
	config string
}

func (m *Main) flags(name string, c *common) *flag.FlagSet {
	fs := flag.NewFlagSet("alesco "+name, flag.ContinueOnError)
	fs.SetOutput(m.Stderr)
	if c != nil {
		fs.StringVar(&c.db, "db", "alesco.db", "SQLite database file (created if missing)")
		fs.StringVar(&c.config, "config", "", "committee configuration YAML (default: the embedded ALESCo configuration)")
	}
	return fs
}

// open loads the configuration and opens the database.
func (m *Main) open(ctx context.Context, c common) (*alesco.Committees, *sqlite.DB, error) {
	cs, err := config.Load(c.config)
	if err != nil {
		return nil, nil, err
	}
	db, err := sqlite.Open(ctx, c.db)
	if err != nil {
		return nil, nil, err
	}
	db.Now = m.Now
	return alesco.NewCommittees(cs), db, nil
}

// openCommittee is open plus the committee named by a --committee flag.
func (m *Main) openCommittee(ctx context.Context, c common, id string) (*alesco.Committees, *alesco.Committee, *sqlite.DB, error) {
	cs, db, err := m.open(ctx, c)
	if err != nil {
		return nil, nil, nil, err
	}
	com, err := cs.Get(id)
	if err != nil {
		db.Close()
		return nil, nil, nil, err
	}
	return cs, com, db, nil
}

// cliContext marks writes made from the command line in the audit log.
func cliContext(ctx context.Context) context.Context {
	user := os.Getenv("USER")
	if user == "" {
		user = "unknown"
	}
	return alesco.NewContext(ctx, alesco.Principal{Role: alesco.RoleAdmin, Name: "cli (" + user + ")"})
}

func (m *Main) logger(format string) *slog.Logger {
	opts := &slog.HandlerOptions{Level: slog.LevelInfo}
	if strings.EqualFold(format, "json") {
		return slog.New(slog.NewJSONHandler(m.Stderr, opts))
	}
	return slog.New(slog.NewTextHandler(m.Stderr, opts))
}
