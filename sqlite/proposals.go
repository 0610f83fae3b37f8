package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/almalinux/alesco"
)

// StoredPull is a pull request as stored: the proposal it makes plus what a
// sync needs to skip requests for it next time.
type StoredPull struct {
	alesco.Proposal
	// Tracked: the pull request is a proposal (alesco.GitHubSettings.Tracks).
	Tracked bool
	// FilesSHA is the head SHA whose changed files and RFC header were last
	// read; a different HeadSHA means they must be read again.
	FilesSHA          string
	TrademarkApproval string
}

const pullColumns = `committee_id, number, tracked, files_sha, title, url, author_login, authors, rfc_number, rfc_path,
	header_status, trademark_approval, state, open, draft, merged, labels, needs_board_input, board_input_reason,
	board_input_recorded, created_at, updated_at, closed_at, merged_at, discussion_at, fcp_at, head_sha, abstract`

func scanPull(r scanner) (StoredPull, error) {
	var p StoredPull
	var authors, labels, state, created, updated, closed, merged, disc, fcp string
	err := r.Scan(&p.CommitteeID, &p.Number, &p.Tracked, &p.FilesSHA, &p.Title, &p.URL, &p.AuthorLogin, &authors,
		&p.RFCNumber, &p.RFCPath, &p.HeaderStatus, &p.TrademarkApproval, &state, &p.Open, &p.Draft, &p.Merged, &labels,
		&p.NeedsBoardInput, &p.BoardInputReason, &p.BoardInputRecorded, &created, &updated, &closed, &merged, &disc, &fcp,
		&p.HeadSHA, &p.Abstract)
	if err != nil {
		return p, err
	}
	if err := json.Unmarshal([]byte(authors), &p.Authors); err != nil {
		return p, fmt.Errorf("sqlite: proposal %d authors: %w", p.Number, err)
	}
	if err := json.Unmarshal([]byte(labels), &p.Labels); err != nil {
		return p, fmt.Errorf("sqlite: proposal %d labels: %w", p.Number, err)
	}
	if p.State, err = alesco.ParseProposalState(state); err != nil {
		return p, fmt.Errorf("sqlite: proposal %d: %w", p.Number, err)
	}
	for _, f := range []struct {
		s string
		t *time.Time
	}{{created, &p.Created}, {updated, &p.Updated}, {closed, &p.Closed}, {merged, &p.MergedAt}, {disc, &p.DiscussionTime}, {fcp, &p.FCPTime}} {
		if *f.t, err = ParseTime(f.s); err != nil {
			return p, err
		}
	}
	return p, nil
}

func jsonList(v []string) string {
	if v == nil {
		v = []string{}
	}
	b, _ := json.Marshal(v) // a []string always marshals
	return string(b)
}

func putPull(ctx context.Context, tx *sql.Tx, p StoredPull) error {
	_, err := tx.ExecContext(ctx, `INSERT OR REPLACE INTO proposals (`+pullColumns+`)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		p.CommitteeID, p.Number, p.Tracked, p.FilesSHA, p.Title, p.URL, p.AuthorLogin, jsonList(p.Authors),
		p.RFCNumber, p.RFCPath, p.HeaderStatus, p.TrademarkApproval, p.State.String(), p.Open, p.Draft, p.Merged,
		jsonList(p.Labels), p.NeedsBoardInput, p.BoardInputReason, p.BoardInputRecorded, FormatTime(p.Created),
		FormatTime(p.Updated), FormatTime(p.Closed), FormatTime(p.MergedAt), FormatTime(p.DiscussionTime),
		FormatTime(p.FCPTime), p.HeadSHA, p.Abstract)
	if err != nil {
		return fmt.Errorf("sqlite: save proposal %d: %w", p.Number, err)
	}
	return nil
}

func getPull(ctx context.Context, tx *sql.Tx, committeeID string, number int) (StoredPull, bool, error) {
	p, err := scanPull(tx.QueryRowContext(ctx, `SELECT `+pullColumns+` FROM proposals WHERE committee_id = ? AND number = ?`, committeeID, number))
	if errors.Is(err, sql.ErrNoRows) {
		return StoredPull{}, false, nil
	}
	return p, err == nil, err
}

// Pulls returns every stored pull request of a committee, tracked or not,
// by number.
func (db *DB) Pulls(ctx context.Context, committeeID string) (map[int]StoredPull, error) {
	out := map[int]StoredPull{}
	err := db.View(ctx, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT `+pullColumns+` FROM proposals WHERE committee_id = ?`, committeeID)
		if err != nil {
			return fmt.Errorf("sqlite: pulls: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			p, err := scanPull(rows)
			if err != nil {
				return err
			}
			out[p.Number] = p
		}
		return rows.Err()
	})
	return out, err
}

// Proposals returns a committee's tracked proposals in the given states (all
// states when none are given), newest pull request first.
func (db *DB) Proposals(ctx context.Context, committeeID string, states ...alesco.ProposalState) ([]alesco.Proposal, error) {
	q := `SELECT ` + pullColumns + ` FROM proposals WHERE committee_id = ? AND tracked = 1`
	args := []any{committeeID}
	if len(states) > 0 {
		q += ` AND state IN (?` + strings.Repeat(", ?", len(states)-1) + `)`
		for _, s := range states {
			args = append(args, s.String())
		}
	}
	q += ` ORDER BY number DESC`
	var out []alesco.Proposal
	err := db.View(ctx, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, q, args...)
		if err != nil {
			return fmt.Errorf("sqlite: proposals: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			p, err := scanPull(rows)
			if err != nil {
				return err
			}
			out = append(out, p.Proposal)
		}
		return rows.Err()
	})
	return out, err
}

// Proposal returns one tracked proposal, or ENOTFOUND.
func (db *DB) Proposal(ctx context.Context, committeeID string, number int) (alesco.Proposal, error) {
	var p StoredPull
	var ok bool
	err := db.View(ctx, func(tx *sql.Tx) error {
		var err error
		p, ok, err = getPull(ctx, tx, committeeID, number)
		return err
	})
	if err != nil {
		return alesco.Proposal{}, err
	}
	if !ok || !p.Tracked {
		return alesco.Proposal{}, alesco.Errorf(alesco.ENOTFOUND, "no proposal #%d in %s (not synced yet, or not an RFC)", number, committeeID)
	}
	return p.Proposal, nil
}

// CachedResponse is a GitHub API answer kept for conditional requests.
type CachedResponse struct {
	URL       string
	ETag      string
	Link      string
	Body      []byte
	FetchedAt time.Time
}

// CachedResponses returns every cached GitHub answer by URL.
func (db *DB) CachedResponses(ctx context.Context) (map[string]CachedResponse, error) {
	out := map[string]CachedResponse{}
	err := db.View(ctx, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT url, etag, link, body, fetched_at FROM github_responses`)
		if err != nil {
			return fmt.Errorf("sqlite: cached responses: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			var c CachedResponse
			var at string
			if err := rows.Scan(&c.URL, &c.ETag, &c.Link, &c.Body, &at); err != nil {
				return err
			}
			if c.FetchedAt, err = ParseTime(at); err != nil {
				return err
			}
			out[c.URL] = c
		}
		return rows.Err()
	})
	return out, err
}

// SyncState is how a committee's last reconciliation with GitHub went.
type SyncState struct {
	LastSynced  time.Time // last success; zero if never
	LastAttempt time.Time
	LastError   string // "" when the last attempt succeeded
}

// SyncState returns the committee's sync state (zero if never synced).
func (db *DB) SyncState(ctx context.Context, committeeID string) (SyncState, error) {
	var s SyncState
	err := db.View(ctx, func(tx *sql.Tx) error {
		var ok, attempt string
		err := tx.QueryRowContext(ctx, `SELECT last_synced_at, last_attempt_at, last_error FROM github_sync WHERE committee_id = ?`,
			committeeID).Scan(&ok, &attempt, &s.LastError)
		if errors.Is(err, sql.ErrNoRows) {
			return nil
		} else if err != nil {
			return fmt.Errorf("sqlite: sync state: %w", err)
		}
		if s.LastSynced, err = ParseTime(ok); err != nil {
			return err
		}
		s.LastAttempt, err = ParseTime(attempt)
		return err
	})
	return s, err
}

// SyncRecord is what one reconciliation writes.
type SyncRecord struct {
	CommitteeID string
	// Pulls are the pull requests whose stored row changed.
	Pulls []StoredPull
	// Responses are new or changed cached answers.
	Responses []CachedResponse
	// Err is the sync's error; nil for a success.
	Err error
	// Requests and NotModified count what was sent (for the audit detail).
	Requests, NotModified int
}

// SaveSync stores one reconciliation in one transaction: changed pull
// requests, new cached answers and the sync state. A failed sync keeps
// what is stored and records only its error and the attempt time.
func (db *DB) SaveSync(ctx context.Context, r SyncRecord) error {
	errText := ""
	if r.Err != nil {
		errText = r.Err.Error()
	}
	changed := make([]int, 0, len(r.Pulls))
	for _, p := range r.Pulls {
		changed = append(changed, p.Number)
	}
	detail := map[string]any{"changed": changed, "requests": r.Requests, "not_modified": r.NotModified}
	if errText != "" {
		detail["error"] = errText
	}
	return db.Update(ctx, "proposals.sync", "committee/"+r.CommitteeID, detail, func(tx *sql.Tx) error {
		now := FormatTime(db.now())
		for _, p := range r.Pulls {
			if err := putPull(ctx, tx, p); err != nil {
				return err
			}
		}
		for _, c := range r.Responses {
			if _, err := tx.ExecContext(ctx, `INSERT OR REPLACE INTO github_responses (url, etag, link, body, fetched_at)
				VALUES (?, ?, ?, ?, ?)`, c.URL, c.ETag, c.Link, c.Body, FormatTime(c.FetchedAt)); err != nil {
				return fmt.Errorf("sqlite: cache response: %w", err)
			}
		}
		var err error
		if r.Err == nil {
			_, err = tx.ExecContext(ctx, `INSERT INTO github_sync (committee_id, last_synced_at, last_attempt_at, last_error)
				VALUES (?, ?, ?, '') ON CONFLICT (committee_id) DO UPDATE SET last_synced_at = excluded.last_synced_at,
				last_attempt_at = excluded.last_attempt_at, last_error = ''`, r.CommitteeID, now, now)
		} else {
			_, err = tx.ExecContext(ctx, `INSERT INTO github_sync (committee_id, last_attempt_at, last_error)
				VALUES (?, ?, ?) ON CONFLICT (committee_id) DO UPDATE SET last_attempt_at = excluded.last_attempt_at,
				last_error = excluded.last_error`, r.CommitteeID, now, errText)
		}
		if err != nil {
			return fmt.Errorf("sqlite: sync state: %w", err)
		}
		return nil
	})
}

// Delivery is one webhook delivery.
type Delivery struct {
	ID          string // X-GitHub-Delivery
	CommitteeID string
	Event       string
	Action      string
	Number      int
}

// errDuplicate rolls back a redelivered webhook's transaction.
var errDuplicate = errors.New("sqlite: duplicate delivery")

// ApplyDelivery records a webhook delivery and applies it to one pull
// request in the same transaction: apply gets the stored row (found false
// when none) and returns the new row and whether to write it. A delivery
// already recorded changes nothing (applied false, no audit row).
func (db *DB) ApplyDelivery(ctx context.Context, d Delivery, apply func(prev StoredPull, found bool) (StoredPull, bool)) (applied bool, err error) {
	if d.ID == "" {
		return false, alesco.Errorf(alesco.EINVALID, "webhook delivery has no X-GitHub-Delivery id")
	}
	detail := map[string]any{"delivery": d.ID, "event": d.Event, "action": d.Action}
	subject := "proposal/" + d.CommitteeID + "/" + strconv.Itoa(d.Number)
	err = db.Update(ctx, "proposals.webhook", subject, detail, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `INSERT INTO github_deliveries (delivery_id, committee_id, event, action, number, received_at)
			VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (delivery_id) DO NOTHING`,
			d.ID, d.CommitteeID, d.Event, d.Action, d.Number, FormatTime(db.now()))
		if err != nil {
			return fmt.Errorf("sqlite: record delivery: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return errDuplicate
		}
		prev, found, err := getPull(ctx, tx, d.CommitteeID, d.Number)
		if err != nil {
			return err
		}
		next, write := apply(prev, found)
		if write {
			return putPull(ctx, tx, next)
		}
		return nil
	})
	if errors.Is(err, errDuplicate) {
		return false, nil
	}
	return err == nil, err
}

// AgendaSnapshot returns the agenda on record for a meeting, if frozen.
func (db *DB) AgendaSnapshot(ctx context.Context, meetingID string) (body []byte, frozenAt time.Time, ok bool, err error) {
	err = db.View(ctx, func(tx *sql.Tx) error {
		var at string
		err := tx.QueryRowContext(ctx, `SELECT body, frozen_at FROM agenda_snapshots WHERE meeting_id = ?`, meetingID).Scan(&body, &at)
		if errors.Is(err, sql.ErrNoRows) {
			return nil
		} else if err != nil {
			return fmt.Errorf("sqlite: agenda snapshot: %w", err)
		}
		ok = true
		frozenAt, err = ParseTime(at)
		return err
	})
	return body, frozenAt, ok, err
}

// FreezeAgenda puts a meeting's agenda on record unless one already is, and
// returns the one on record (the first stored wins a race).
func (db *DB) FreezeAgenda(ctx context.Context, committeeID, meetingID string, body []byte) ([]byte, time.Time, error) {
	if b, at, ok, err := db.AgendaSnapshot(ctx, meetingID); err != nil || ok {
		return b, at, err
	}
	err := db.Update(ctx, "agenda.freeze", "meeting/"+meetingID, map[string]any{"bytes": len(body)}, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `INSERT INTO agenda_snapshots (meeting_id, committee_id, frozen_at, body)
			VALUES (?, ?, ?, ?) ON CONFLICT (meeting_id) DO NOTHING`, meetingID, committeeID, FormatTime(db.now()), body)
		if err != nil {
			return fmt.Errorf("sqlite: freeze agenda: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return errDuplicate
		}
		return nil
	})
	if err != nil && !errors.Is(err, errDuplicate) {
		return nil, time.Time{}, err
	}
	b, at, _, err := db.AgendaSnapshot(ctx, meetingID)
	return b, at, err
}
