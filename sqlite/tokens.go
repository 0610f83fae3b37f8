package sqlite

import (
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/almalinux/alesco"
)

// TokenPrefix starts every token, so leaked tokens are easy to scan for.
const TokenPrefix = "alesco_"

func hashToken(secret string) []byte {
	h := sha256.Sum256([]byte(secret))
	return h[:]
}

// CreateToken implements alesco.Tx: only the token's SHA-256 is stored.
func (t *txn) CreateToken(tok alesco.Token) (alesco.Token, string, error) {
	defer t.quietly()()
	var raw [32]byte
	if _, err := rand.Read(raw[:]); err != nil {
		return alesco.Token{}, "", fmt.Errorf("sqlite: token entropy: %w", err)
	}
	secret := TokenPrefix + base64.RawURLEncoding.EncodeToString(raw[:])
	tok.Created, tok.Revoked = t.now, time.Time{}
	res, err := t.exec(`INSERT INTO tokens (hash, committee_id, role, member_id, label, created_at) VALUES (?, ?, ?, ?, ?, ?)`,
		hashToken(secret), tok.CommitteeID, string(tok.Role), tok.MemberID, tok.Label, FormatTime(tok.Created))
	if err != nil {
		return alesco.Token{}, "", fmt.Errorf("sqlite: create token: %w", err)
	}
	if tok.ID, err = res.LastInsertId(); err != nil {
		return alesco.Token{}, "", err
	}
	return tok, secret, nil
}

// RevokeToken implements alesco.Tx.
func (t *txn) RevokeToken(id int64) error {
	defer t.quietly()()
	res, err := t.exec(`UPDATE tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL`, FormatTime(t.now), id)
	if err != nil {
		return fmt.Errorf("sqlite: revoke token: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return alesco.Errorf(alesco.ENOTFOUND, "no active token with id %d", id)
	}
	return nil
}

const tokenColumns = `id, committee_id, role, member_id, label, created_at, COALESCE(revoked_at, '')`

func scanToken(r scanner) (alesco.Token, error) {
	var tok alesco.Token
	var created, revoked string
	if err := r.Scan(&tok.ID, &tok.CommitteeID, &tok.Role, &tok.MemberID, &tok.Label, &created, &revoked); err != nil {
		return tok, err
	}
	var err error
	if tok.Created, err = ParseTime(created); err != nil {
		return tok, err
	}
	tok.Revoked, err = ParseTime(revoked)
	return tok, err
}

// Token implements alesco.ReadTx.
func (t *txn) Token(secret string) (alesco.Token, error) {
	if !strings.HasPrefix(secret, TokenPrefix) {
		return alesco.Token{}, alesco.Errorf(alesco.EUNAUTHENTICATED, "invalid token")
	}
	tok, err := scanToken(t.queryRow(`SELECT `+tokenColumns+` FROM tokens WHERE hash = ? AND revoked_at IS NULL`, hashToken(secret)))
	if errors.Is(err, sql.ErrNoRows) {
		return alesco.Token{}, alesco.Errorf(alesco.EUNAUTHENTICATED, "invalid or revoked token")
	}
	return tok, err
}

// Tokens implements alesco.ReadTx.
func (t *txn) Tokens() ([]alesco.Token, error) {
	var out []alesco.Token
	err := t.each(`SELECT `+tokenColumns+` FROM tokens ORDER BY id`, nil, func(r *sql.Rows) error {
		tok, err := scanToken(r)
		out = append(out, tok)
		return err
	})
	return out, err
}
