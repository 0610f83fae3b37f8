package sqlite

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"

	"github.com/almalinux/alesco"
)

// TokenPrefix starts every token, so leaked tokens are easy to scan for.
const TokenPrefix = "alesco_"

// Token describes a stored token (never its secret).
type Token struct {
	ID          int64
	CommitteeID string
	Role        alesco.Role
	MemberID    string
	Label       string
	CreatedAt   string
	RevokedAt   string
}

func hashToken(secret string) []byte {
	h := sha256.Sum256([]byte(secret))
	return h[:]
}

// CreateToken stores a new token's hash and returns the token and its secret,
// which is shown once and never stored.
func (db *DB) CreateToken(ctx context.Context, t Token) (Token, string, error) {
	var raw [32]byte
	if _, err := rand.Read(raw[:]); err != nil {
		return Token{}, "", fmt.Errorf("sqlite: token entropy: %w", err)
	}
	secret := TokenPrefix + base64.RawURLEncoding.EncodeToString(raw[:])
	t.CreatedAt = FormatTime(db.now())
	err := db.Update(ctx, "token.create", "token", map[string]any{"committee": t.CommitteeID, "role": t.Role, "member": t.MemberID, "label": t.Label},
		func(tx *sql.Tx) error {
			res, err := tx.ExecContext(ctx, `INSERT INTO tokens (hash, committee_id, role, member_id, label, created_at) VALUES (?, ?, ?, ?, ?, ?)`,
				hashToken(secret), t.CommitteeID, string(t.Role), t.MemberID, t.Label, t.CreatedAt)
			if err != nil {
				return fmt.Errorf("sqlite: create token: %w", err)
			}
			t.ID, err = res.LastInsertId()
			return err
		})
	if err != nil {
		return Token{}, "", err
	}
	return t, secret, nil
}

// RevokeToken revokes a token by id.
func (db *DB) RevokeToken(ctx context.Context, id int64) error {
	return db.Update(ctx, "token.revoke", fmt.Sprintf("token/%d", id), nil, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL`, FormatTime(db.now()), id)
		if err != nil {
			return fmt.Errorf("sqlite: revoke token: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return alesco.Errorf(alesco.ENOTFOUND, "no active token with id %d", id)
		}
		return nil
	})
}

// LookupToken returns the active token with the given secret, or
// EUNAUTHENTICATED.
func (db *DB) LookupToken(ctx context.Context, secret string) (Token, error) {
	var t Token
	if !strings.HasPrefix(secret, TokenPrefix) {
		return t, alesco.Errorf(alesco.EUNAUTHENTICATED, "invalid token")
	}
	err := db.View(ctx, func(tx *sql.Tx) error {
		var role string
		err := tx.QueryRowContext(ctx, `SELECT id, committee_id, role, member_id, label, created_at FROM tokens
			WHERE hash = ? AND revoked_at IS NULL`, hashToken(secret)).Scan(&t.ID, &t.CommitteeID, &role, &t.MemberID, &t.Label, &t.CreatedAt)
		if errors.Is(err, sql.ErrNoRows) {
			return alesco.Errorf(alesco.EUNAUTHENTICATED, "invalid or revoked token")
		}
		t.Role = alesco.Role(role)
		return err
	})
	return t, err
}

// ListTokens lists every token, revoked ones included.
func (db *DB) ListTokens(ctx context.Context) ([]Token, error) {
	var out []Token
	err := db.View(ctx, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT id, committee_id, role, member_id, label, created_at, COALESCE(revoked_at, '') FROM tokens ORDER BY id`)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var t Token
			var role string
			if err := rows.Scan(&t.ID, &t.CommitteeID, &role, &t.MemberID, &t.Label, &t.CreatedAt, &t.RevokedAt); err != nil {
				return err
			}
			t.Role = alesco.Role(role)
			out = append(out, t)
		}
		return rows.Err()
	})
	return out, err
}
