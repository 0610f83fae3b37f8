// Package sqlite stores alesco's state in one SQLite file (modernc.org/sqlite,
// pure Go). It implements alesco.Store: one writer connection takes every
// write in an IMMEDIATE transaction, a pool of read-only connections serves
// reads concurrently under WAL, and every use case runs in exactly one
// transaction. It holds SQL, not rules: the domain decides, the store keeps.
package sqlite

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"embed"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"runtime"
	"sort"
	"sync"
	"sync/atomic"
	"time"

	"github.com/almalinux/alesco"
	_ "modernc.org/sqlite" // registers the "sqlite" driver
)

//go:embed migrations/*.sql
var migrationFS embed.FS

// TimeLayout is how instants are stored: UTC, fixed width, sortable as text.
const TimeLayout = "2006-01-02T15:04:05.000000000Z"

// pollInterval is how often the store looks for writes made by other
// processes on the same file (the CLI beside a running server).
const pollInterval = 250 * time.Millisecond

// DB is the store.
type DB struct {
	write *sql.DB
	read  *sql.DB
	path  string
	// Now is the clock; tests replace it. A transaction reads it once.
	Now func() time.Time
	// Timed, when set (before the store is used), is told the duration
	// and outcome of every write transaction: metrics.
	Timed func(time.Duration, error)

	version atomic.Uint64
	mu      sync.Mutex
	changed chan struct{} // closed and replaced at every version bump
	// touches remembers what the last commits wrote (Touched), by
	// version, oldest first.
	touches []touch
	stop    chan struct{}
	done    chan struct{}

	closeOnce sync.Once
	closeErr  error

	derive    atomic.Pointer[func(context.Context, alesco.Tx) error]
	proposals proposalMemo
	// siteEvents keeps each committee's events site copy as last decoded
	// (events.go): decoding is a pure function of the stored text.
	siteEvents sync.Map // committee id -> siteMemo
}

var _ alesco.Store = (*DB)(nil)

// dsn builds a DSN whose pragmas apply to every connection the pool opens
// (setting them with Exec would reach one pooled connection only).
func dsn(path string, readOnly bool) string {
	q := url.Values{}
	q.Add("_pragma", "busy_timeout(10000)")
	q.Add("_pragma", "foreign_keys(1)")
	q.Add("_pragma", "synchronous(NORMAL)")
	if readOnly {
		q.Add("_pragma", "query_only(1)")
		q.Set("_txlock", "deferred")
	} else {
		q.Add("_pragma", "journal_mode(WAL)")
		q.Set("_txlock", "immediate")
	}
	return "file:" + path + "?" + q.Encode()
}

// Option sets up a database as it opens.
type Option func(*DB)

// WithClock sets the clock (DB.Now) before the migrations run, so the rows
// an upgrade writes (seals of old final minutes) carry its time, not the
// wall clock's.
func WithClock(now func() time.Time) Option { return func(db *DB) { db.Now = now } }

// Open opens (creating if needed) the database at path and applies pending
// migrations.
func Open(ctx context.Context, path string, opts ...Option) (*DB, error) {
	if path == "" {
		return nil, errors.New("sqlite: empty database path")
	}
	w, err := sql.Open("sqlite", dsn(path, false))
	if err != nil {
		return nil, fmt.Errorf("sqlite: open %s: %w", path, err)
	}
	w.SetMaxOpenConns(1)
	w.SetMaxIdleConns(1)
	w.SetConnMaxLifetime(0)
	db := &DB{write: w, path: path, Now: time.Now, changed: make(chan struct{}), stop: make(chan struct{}), done: make(chan struct{})}
	for _, o := range opts {
		o(db)
	}
	if err := db.migrate(ctx); err != nil {
		w.Close()
		return nil, err
	}
	r, err := sql.Open("sqlite", dsn(path, true))
	if err != nil {
		w.Close()
		return nil, fmt.Errorf("sqlite: open %s: %w", path, err)
	}
	n := max(4, runtime.NumCPU())
	r.SetMaxOpenConns(n)
	r.SetMaxIdleConns(n)
	db.read = r
	go db.poll()
	return db, nil
}

// OpenExisting opens a database that must already exist: commands that
// read a database refuse a mistyped path instead of creating an empty one.
func OpenExisting(ctx context.Context, path string, opts ...Option) (*DB, error) {
	if _, err := os.Stat(path); err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, alesco.Errorf(alesco.ENOTFOUND, "no database at %s: check --db (alesco serve creates a new one)", path)
		}
		return nil, fmt.Errorf("sqlite: %w", err)
	}
	return Open(ctx, path, opts...)
}

// Path returns the database file's path.
func (db *DB) Path() string { return db.path }

// Close stops watching for changes and closes the pools; closing again
// does nothing.
func (db *DB) Close() error {
	db.closeOnce.Do(func() {
		close(db.stop)
		<-db.done
		db.closeErr = errors.Join(db.read.Close(), db.write.Close())
	})
	return db.closeErr
}

func (db *DB) now() time.Time { return db.Now().UTC() }

// Version implements alesco.Store.
func (db *DB) Version() uint64 { return db.version.Load() }

// Changed implements alesco.Store.
func (db *DB) Changed() <-chan struct{} {
	db.mu.Lock()
	defer db.mu.Unlock()
	return db.changed
}

// bump moves the version on and wakes whoever waits for a change; t says
// what the commit wrote.
func (db *DB) bump(t touch) {
	db.mu.Lock()
	t.version = db.version.Add(1)
	if len(db.touches) == keptTouches {
		db.touches = append(db.touches[:0], db.touches[1:]...)
	}
	db.touches = append(db.touches, t)
	close(db.changed)
	db.changed = make(chan struct{})
	db.mu.Unlock()
}

// poll notices commits by other processes on the same file (the CLI
// beside a server): SQLite's data_version changes on a connection
// whenever another connection has committed, and stays put for the
// connection's own commits. It is read on the writer connection, whose
// commits bump announces at once, so each write moves the version once.
func (db *DB) poll() {
	defer close(db.done)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() {
		<-db.stop
		cancel()
	}()
	t := time.NewTicker(pollInterval)
	defer t.Stop()
	var last int64 = -1
	for {
		var v int64
		if err := db.write.QueryRowContext(ctx, `PRAGMA data_version`).Scan(&v); err == nil {
			if last >= 0 && v != last {
				db.bump(touch{all: true})
			}
			last = v
		}
		select {
		case <-db.stop:
			return
		case <-t.C:
		}
	}
}

// migrate applies the embedded migrations in file-name order, then the
// upgrade steps written in Go (upgrades). Migrations are append-only: an
// applied file whose content changed is an error.
func (db *DB) migrate(ctx context.Context) error {
	if _, err := db.write.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		name TEXT PRIMARY KEY, sha256 TEXT NOT NULL, applied_at TEXT NOT NULL)`); err != nil {
		return fmt.Errorf("sqlite: migrations table: %w", err)
	}
	names, err := fs.Glob(migrationFS, "migrations/*.sql")
	if err != nil {
		return err
	}
	sort.Strings(names)
	for _, name := range names {
		body, err := migrationFS.ReadFile(name)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(body)
		hash := hex.EncodeToString(sum[:])
		err = inTx(ctx, db.write, func(tx *sql.Tx) error {
			var got string
			switch err := tx.QueryRowContext(ctx, `SELECT sha256 FROM schema_migrations WHERE name = ?`, name).Scan(&got); {
			case err == nil:
				if got != hash {
					return fmt.Errorf("sqlite: migration %s changed after it was applied; add a new migration instead", name)
				}
				return nil
			case !errors.Is(err, sql.ErrNoRows):
				return err
			}
			if _, err := tx.ExecContext(ctx, string(body)); err != nil {
				return fmt.Errorf("sqlite: migration %s: %w", name, err)
			}
			_, err := tx.ExecContext(ctx, `INSERT INTO schema_migrations (name, sha256, applied_at) VALUES (?, ?, ?)`,
				name, hash, db.now().Format(TimeLayout))
			return err
		})
		if err != nil {
			return err
		}
	}
	return db.upgrade(ctx)
}

func inTx(ctx context.Context, pool *sql.DB, fn func(*sql.Tx) error) error {
	tx, err := pool.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("sqlite: begin: %w", err)
	}
	defer tx.Rollback()
	if err := fn(tx); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("sqlite: commit: %w", err)
	}
	return nil
}

// txn is one transaction as the domain sees it (alesco.ReadTx, alesco.Tx).
type txn struct {
	ctx context.Context
	tx  *sql.Tx
	now time.Time
	db  *DB
	// readOnly: a snapshot on the reader pool. Only what such a snapshot
	// reads may be remembered (a write transaction sees its own changes,
	// which may yet roll back).
	readOnly bool
	// changed: the transaction wrote something derived data may depend
	// on; writes made under quiet (tokens, the outbox, event texts
	// themselves) do not count, so the outbox worker's bookkeeping and the
	// calendar's own publishing do not derive everything again.
	changed bool
	quiet   int
	// frozen: the meetings whose minutes this transaction made final; the
	// audit row of the change seals them (sealFrozen).
	frozen []string
	// touched: the committees whose meetings (minutes, changes) this
	// transaction wrote (Touched).
	touched []string
}

var _ alesco.Tx = (*txn)(nil)

// Now implements alesco.Tx: the instant the transaction began.
func (t *txn) Now() time.Time { return t.now }

func (t *txn) exec(query string, args ...any) (sql.Result, error) {
	if t.quiet == 0 {
		t.changed = true
	}
	return t.tx.ExecContext(t.ctx, query, args...)
}

func (t *txn) queryRow(query string, args ...any) *sql.Row {
	return t.tx.QueryRowContext(t.ctx, query, args...)
}

// each runs fn on every row of query.
func (t *txn) each(query string, args []any, fn func(*sql.Rows) error) error {
	rows, err := t.tx.QueryContext(t.ctx, query, args...)
	if err != nil {
		return fmt.Errorf("sqlite: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		if err := fn(rows); err != nil {
			return err
		}
	}
	return rows.Err()
}

// View implements alesco.Store: fn reads one snapshot on the reader pool.
func (db *DB) View(ctx context.Context, fn func(alesco.ReadTx) error) error {
	return inTx(ctx, db.read, func(tx *sql.Tx) error {
		return fn(&txn{ctx: ctx, tx: tx, now: db.now(), db: db, readOnly: true})
	})
}

// Update implements alesco.Store: fn writes in an IMMEDIATE transaction,
// and the audit row of the change it returns is appended in the same
// transaction, so a write and its audit record commit together or not at
// all.
func (db *DB) Update(ctx context.Context, fn func(alesco.Tx) (alesco.Change, error)) error {
	return db.update(ctx, func(t *txn) (alesco.Change, error) { return fn(t) })
}

func (db *DB) update(ctx context.Context, fn func(*txn) (alesco.Change, error)) (err error) {
	if db.Timed != nil {
		start := time.Now()
		defer func() { db.Timed(time.Since(start), err) }()
	}
	var t *txn
	err = inTx(ctx, db.write, func(tx *sql.Tx) error {
		t = &txn{ctx: ctx, tx: tx, now: db.now(), db: db}
		if err := t.claimCommand(alesco.CommandOf(ctx)); err != nil {
			return err
		}
		ch, err := fn(t)
		if err != nil {
			return err
		}
		if ch.Action == "" || ch.Subject == "" {
			return fmt.Errorf("sqlite: a write without its audit action and subject")
		}
		detail, err := t.sealFrozen(ch)
		if err != nil {
			return err
		}
		db.runDerive(ctx, t)
		return t.appendAudit(alesco.ActorName(ctx), ch.Action, ch.Subject, detail)
	})
	if err == nil {
		if cmd := alesco.CommandOf(ctx); cmd != nil {
			cmd.Claim()
		}
		db.bump(touch{committees: t.touched})
	}
	return err
}

// OnWrite registers fn, which every write transaction that changed what
// derived data may show (txn.changed) runs after its change and before
// its audit row, so that data derived from what the
// write changed (the calendar's event texts) commits with it, whichever
// use case wrote (a person's request, a GitHub sync or webhook). A failing fn
// takes back only what it wrote (a savepoint): the write itself goes on,
// and fn's owner logs the failure.
func (db *DB) OnWrite(fn func(context.Context, alesco.Tx) error) {
	db.derive.Store(&fn)
}

func (db *DB) runDerive(ctx context.Context, t *txn) {
	fn := db.derive.Load()
	if fn == nil || !t.changed {
		return
	}
	t.quiet++
	defer func() { t.quiet-- }()
	if _, err := t.exec(`SAVEPOINT derive`); err != nil {
		return
	}
	if err := (*fn)(ctx, t); err != nil {
		t.exec(`ROLLBACK TO derive`)
	}
	t.exec(`RELEASE derive`)
}

// FormatTime formats t for storage ("" for the zero time).
func FormatTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(TimeLayout)
}

// ParseTime parses a stored time ("" gives the zero time).
func ParseTime(s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	if t, ok := parseStoredTime(s); ok {
		return t, nil
	}
	t, err := time.Parse(TimeLayout, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("sqlite: bad stored time %q: %w", s, err)
	}
	return t, nil
}

// parseStoredTime reads TimeLayout digit by digit: time.Parse is general
// and about ten times slower, and a listing of proposals parses six times
// per row. ok is false for anything else (time.Parse then reports it).
func parseStoredTime(s string) (t time.Time, ok bool) {
	if len(s) != len(TimeLayout) || s[4] != '-' || s[7] != '-' || s[10] != 'T' || s[13] != ':' || s[16] != ':' || s[19] != '.' || s[29] != 'Z' {
		return t, false
	}
	num := func(from, to int) int {
		n := 0
		for i := from; i < to; i++ {
			c := s[i]
			if c < '0' || c > '9' {
				ok = false
				return 0
			}
			n = n*10 + int(c-'0')
		}
		return n
	}
	ok = true
	y, mo, d := num(0, 4), time.Month(num(5, 7)), num(8, 10)
	h, mi, sec, ns := num(11, 13), num(14, 16), num(17, 19), num(20, 29)
	if !ok || mo < 1 || mo > 12 || d < 1 || h > 23 || mi > 59 || sec > 59 {
		return t, false
	}
	t = time.Date(y, mo, d, h, mi, sec, ns, time.UTC)
	return t, t.Day() == d // February 30 is no date
}

// Backup writes a consistent copy of the database to path (which must not
// exist), while the server keeps running: SQLite's VACUUM INTO reads one
// snapshot and writes a compact file.
func (db *DB) Backup(ctx context.Context, path string) error {
	if _, err := db.write.ExecContext(ctx, `VACUUM INTO ?`, path); err != nil {
		return fmt.Errorf("sqlite: backup to %s: %w", path, err)
	}
	return nil
}

// quietly marks the writes until the returned func runs as ones derived
// data does not depend on (txn.changed).
func (t *txn) quietly() func() {
	t.quiet++
	return func() { t.quiet-- }
}
