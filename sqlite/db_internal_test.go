package sqlite

import (
	"context"
	"database/sql"
	"path/filepath"
	"sync"
	"testing"
	"time"
)

// These tests look at the connections themselves, below the store's
// interface.

func openInternal(t *testing.T) *DB {
	t.Helper()
	db, err := Open(context.Background(), filepath.Join(t.TempDir(), "alesco.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// Pragmas are set per connection through the DSN, so every pooled reader
// and the writer see them.
func TestPragmasOnEveryConnection(t *testing.T) {
	db := openInternal(t)
	ctx := context.Background()
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs <- inTx(ctx, db.read, func(tx *sql.Tx) error {
				var mode string
				var fk, busy int
				if err := tx.QueryRowContext(ctx, `PRAGMA journal_mode`).Scan(&mode); err != nil {
					return err
				}
				if err := tx.QueryRowContext(ctx, `PRAGMA foreign_keys`).Scan(&fk); err != nil {
					return err
				}
				if err := tx.QueryRowContext(ctx, `PRAGMA busy_timeout`).Scan(&busy); err != nil {
					return err
				}
				if mode != "wal" || fk != 1 || busy < 1000 {
					t.Errorf("reader: journal_mode=%s foreign_keys=%d busy_timeout=%d", mode, fk, busy)
				}
				time.Sleep(5 * time.Millisecond) // hold the connection so the pool opens several
				return nil
			})
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	err := inTx(ctx, db.write, func(tx *sql.Tx) error {
		var fk int
		if err := tx.QueryRowContext(ctx, `PRAGMA foreign_keys`).Scan(&fk); err != nil {
			return err
		}
		if fk != 1 {
			t.Errorf("writer: foreign_keys=%d", fk)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestReadersCannotWrite(t *testing.T) {
	db := openInternal(t)
	ctx := context.Background()
	err := inTx(ctx, db.read, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO tokens (hash, committee_id, role, created_at) VALUES (x'00', 'a', 'admin', '')`)
		return err
	})
	if err == nil {
		t.Fatal("a read transaction wrote")
	}
}
