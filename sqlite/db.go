// Package sqlite stores alesco's state in one SQLite file (modernc.org/sqlite,
// pure Go). One writer connection takes every write in an IMMEDIATE
// transaction; a pool of read-only connections serves reads concurrently
// under WAL. Every store method runs in exactly one transaction.
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
	"runtime"
	"sort"
	"time"

	_ "modernc.org/sqlite" // registers the "sqlite" driver
)

//go:embed migrations/*.sql
var migrationFS embed.FS

// TimeLayout is how instants are stored: UTC, fixed width, sortable as text.
const TimeLayout = "2006-01-02T15:04:05.000000000Z"

// DB is the store.
type DB struct {
	write *sql.DB
	read  *sql.DB
	path  string
	// Now is the clock; tests replace it.
	Now func() time.Time
}

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

// Open opens (creating if needed) the database at path and applies pending
// migrations.
func Open(ctx context.Context, path string) (*DB, error) {
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
	db := &DB{write: w, path: path, Now: time.Now}
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
	return db, nil
}

// Path returns the database file's path.
func (db *DB) Path() string { return db.path }

// Close closes both pools.
func (db *DB) Close() error {
	return errors.Join(db.read.Close(), db.write.Close())
}

func (db *DB) now() time.Time { return db.Now().UTC() }

// migrate applies the embedded migrations in file-name order. Migrations are
// append-only: an applied file whose content changed is an error.
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
		err = db.tx(ctx, db.write, func(tx *sql.Tx) error {
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
	return nil
}

func (db *DB) tx(ctx context.Context, pool *sql.DB, fn func(*sql.Tx) error) error {
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

// View runs fn in a read-only transaction on the reader pool.
func (db *DB) View(ctx context.Context, fn func(*sql.Tx) error) error {
	return db.tx(ctx, db.read, fn)
}

// Update runs fn in an IMMEDIATE write transaction and appends one audit
// row (action, subject, detail) in the same transaction, so a write and its
// audit record commit together or not at all.
func (db *DB) Update(ctx context.Context, action, subject string, detail any, fn func(*sql.Tx) error) error {
	return db.tx(ctx, db.write, func(tx *sql.Tx) error {
		if err := fn(tx); err != nil {
			return err
		}
		return db.appendAudit(ctx, tx, action, subject, detail)
	})
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
	t, err := time.Parse(TimeLayout, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("sqlite: bad stored time %q: %w", s, err)
	}
	return t, nil
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
