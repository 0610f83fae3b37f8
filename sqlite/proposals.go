package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/almalinux/alesco"
)

// Proposals, the pull requests behind them and the GitHub sync's state
// are written by the use cases through alesco.Tx; the github adapter's
// cache of GitHub's answers is kept here too (github.ResponseCache).

// proposalColumns are the columns of a proposal.
const proposalColumns = `committee_id, number, title, url, author_login, authors, rfc_number, rfc_path, header_status,
	state, open, draft, merged, labels, needs_board_input, board_input_reason, board_input_recorded,
	created_at, updated_at, closed_at, merged_at, discussion_at, fcp_at, head_sha, abstract, trademark_approval, tracked`

// scanProposal reads the proposalColumns, then the extra columns given
// (files_sha, say).
func scanProposal(r scanner, p *alesco.Proposal, extra ...any) error {
	var authors, labels, state string
	var times [6]string
	err := r.Scan(append([]any{&p.CommitteeID, &p.Number, &p.Title, &p.URL, &p.AuthorLogin, &authors, &p.RFCNumber, &p.RFCPath,
		&p.HeaderStatus, &state, &p.Open, &p.Draft, &p.Merged, &labels, &p.NeedsBoardInput, &p.BoardInputReason,
		&p.BoardInputRecorded, &times[0], &times[1], &times[2], &times[3], &times[4], &times[5], &p.HeadSHA, &p.Abstract,
		&p.TrademarkApproval, &p.Tracked}, extra...)...)
	if err != nil {
		return err
	}
	return decodeProposal(p, authors, labels, state, times)
}

// decodeProposal fills in the columns stored as text: the JSON lists, the
// state and the times (created, updated, closed, merged, discussion, FCP).
func decodeProposal(p *alesco.Proposal, authors, labels, state string, times [6]string) error {
	var err error
	if p.Authors, err = stringList(authors); err != nil {
		return fmt.Errorf("sqlite: proposal %d authors: %w", p.Number, err)
	}
	if p.Labels, err = stringList(labels); err != nil {
		return fmt.Errorf("sqlite: proposal %d labels: %w", p.Number, err)
	}
	if p.State, err = parseProposalState(state); err != nil {
		return fmt.Errorf("sqlite: proposal %d: %w", p.Number, err)
	}
	for i, t := range []*time.Time{&p.Created, &p.Updated, &p.Closed, &p.MergedAt, &p.DiscussionTime, &p.FCPTime} {
		if *t, err = ParseTime(times[i]); err != nil {
			return err
		}
	}
	return nil
}

// stateByName spares ParseProposalState's case folding for the names the
// store itself wrote.
var stateByName = func() map[string]alesco.ProposalState {
	m := map[string]alesco.ProposalState{}
	for s := alesco.ProposalSubmitted; s.String() != "unknown"; s++ {
		m[s.String()] = s
	}
	return m
}()

func parseProposalState(name string) (alesco.ProposalState, error) {
	if s, ok := stateByName[name]; ok {
		return s, nil
	}
	return alesco.ParseProposalState(name)
}

// SavePullRequest implements alesco.Tx.
func (t *txn) SavePullRequest(p alesco.Proposal, filesRead string) error {
	_, err := t.exec(`INSERT OR REPLACE INTO proposals (`+proposalColumns+`, files_sha)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		p.CommitteeID, p.Number, p.Title, p.URL, p.AuthorLogin, jsonList(p.Authors), p.RFCNumber, p.RFCPath,
		p.HeaderStatus, p.State.String(), p.Open, p.Draft, p.Merged, jsonList(p.Labels), p.NeedsBoardInput,
		p.BoardInputReason, p.BoardInputRecorded, FormatTime(p.Created), FormatTime(p.Updated), FormatTime(p.Closed),
		FormatTime(p.MergedAt), FormatTime(p.DiscussionTime), FormatTime(p.FCPTime), p.HeadSHA, p.Abstract,
		p.TrademarkApproval, p.Tracked, filesRead)
	if err != nil {
		return fmt.Errorf("sqlite: save proposal %d: %w", p.Number, err)
	}
	return nil
}

// PullRequest implements alesco.ReadTx.
func (t *txn) PullRequest(committeeID string, number int) (p alesco.Proposal, filesRead string, found bool, err error) {
	err = scanProposal(t.queryRow(`SELECT `+proposalColumns+`, files_sha FROM proposals WHERE committee_id = ? AND number = ?`,
		committeeID, number), &p, &filesRead)
	if errors.Is(err, sql.ErrNoRows) {
		return alesco.Proposal{}, "", false, nil
	}
	return p, filesRead, err == nil, err
}

// PullRequests implements alesco.ReadTx.
func (t *txn) PullRequests(committeeID string) (map[int]alesco.Proposal, map[int]string, error) {
	pulls, filesRead := map[int]alesco.Proposal{}, map[int]string{}
	err := t.each(`SELECT `+proposalColumns+`, files_sha FROM proposals WHERE committee_id = ?`, []any{committeeID}, func(r *sql.Rows) error {
		var p alesco.Proposal
		var sha string
		err := scanProposal(r, &p, &sha)
		pulls[p.Number], filesRead[p.Number] = p, sha
		return err
	})
	if err != nil {
		return nil, nil, fmt.Errorf("sqlite: pull requests: %w", err)
	}
	return pulls, filesRead, nil
}

// Proposals implements alesco.ReadTx. A read-only snapshot reuses the
// proposals it decoded before while proposals_generation (maintained by
// triggers, read in the same snapshot) has not moved.
func (t *txn) Proposals(committeeID string, states ...alesco.ProposalState) ([]alesco.Proposal, error) {
	var all []alesco.Proposal
	if t.readOnly {
		var gen int64
		if err := t.queryRow(`SELECT generation FROM proposals_generation WHERE id = 1`).Scan(&gen); err != nil {
			return nil, fmt.Errorf("sqlite: proposals generation: %w", err)
		}
		var ok bool
		if all, ok = t.db.proposals.get(committeeID, gen); !ok {
			var err error
			if all, err = t.trackedProposals(committeeID); err != nil {
				return nil, err
			}
			t.db.proposals.put(committeeID, gen, all)
		}
	} else {
		var err error
		if all, err = t.trackedProposals(committeeID); err != nil {
			return nil, err
		}
	}
	out := make([]alesco.Proposal, 0, len(all))
	for _, p := range all {
		if len(states) == 0 || slices.Contains(states, p.State) {
			out = append(out, p)
		}
	}
	return out, nil
}

// trackedProposals decodes a committee's tracked proposals, newest pull
// request first.
func (t *txn) trackedProposals(committeeID string) ([]alesco.Proposal, error) {
	out := make([]alesco.Proposal, 0, 64)
	err := t.each(`SELECT `+proposalColumns+` FROM proposals WHERE committee_id = ? AND tracked = 1 ORDER BY number DESC`,
		[]any{committeeID}, func(r *sql.Rows) error {
			out = append(out, alesco.Proposal{})
			return scanProposal(r, &out[len(out)-1])
		})
	if err != nil {
		return nil, fmt.Errorf("sqlite: proposals: %w", err)
	}
	return out, nil
}

// proposalMemo keeps each committee's decoded proposals with the
// generation they were read at. The slices are shared read-only: callers
// get copies of the structs, and the lists inside them (authors, labels)
// are never written to.
type proposalMemo struct {
	mu  sync.Mutex
	gen int64
	by  map[string][]alesco.Proposal
}

func (m *proposalMemo) get(committeeID string, gen int64) ([]alesco.Proposal, bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	ps, ok := m.by[committeeID]
	return ps, ok && m.gen == gen
}

func (m *proposalMemo) put(committeeID string, gen int64, ps []alesco.Proposal) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if gen < m.gen {
		return // an older snapshot finished late
	}
	if gen > m.gen || m.by == nil {
		m.gen, m.by = gen, map[string][]alesco.Proposal{}
	}
	m.by[committeeID] = ps
}

// Proposal implements alesco.ReadTx.
func (t *txn) Proposal(committeeID string, number int) (alesco.Proposal, error) {
	p, _, ok, err := t.PullRequest(committeeID, number)
	if err != nil {
		return alesco.Proposal{}, err
	}
	if !ok || !p.Tracked {
		return alesco.Proposal{}, alesco.Errorf(alesco.ENOTFOUND, "no proposal #%d in %s (not synced yet, or not an RFC)", number, committeeID)
	}
	return p, nil
}

// CachedResponse is one of GitHub's answers kept for conditional
// requests. It is an alias of an unnamed struct of standard types, like
// github.CachedResponse: the two name the same type, so DB satisfies
// github.ResponseCache without either package importing the other.
type CachedResponse = struct {
	URL       string
	ETag      string
	Link      string
	Body      []byte
	FetchedAt time.Time
}

// CachedResponses returns every cached GitHub answer by URL.
func (db *DB) CachedResponses(ctx context.Context) (map[string]CachedResponse, error) {
	out := map[string]CachedResponse{}
	err := db.View(ctx, func(rt alesco.ReadTx) error {
		return rt.(*txn).each(`SELECT url, etag, link, body, fetched_at FROM github_responses`, nil, func(r *sql.Rows) error {
			var c CachedResponse
			var at string
			if err := r.Scan(&c.URL, &c.ETag, &c.Link, &c.Body, &at); err != nil {
				return err
			}
			var err error
			c.FetchedAt, err = ParseTime(at)
			out[c.URL] = c
			return err
		})
	})
	return out, err
}

// SaveCachedResponses keeps new or changed GitHub answers, in one
// transaction. A cache is no change to the committee's record: no audit
// row, and the version (which empties the render cache) stays.
func (db *DB) SaveCachedResponses(ctx context.Context, rs []CachedResponse) error {
	if len(rs) == 0 {
		return nil
	}
	return inTx(ctx, db.write, func(tx *sql.Tx) error {
		for _, c := range rs {
			if _, err := tx.ExecContext(ctx, `INSERT OR REPLACE INTO github_responses (url, etag, link, body, fetched_at)
				VALUES (?, ?, ?, ?, ?)`, c.URL, c.ETag, c.Link, c.Body, FormatTime(c.FetchedAt)); err != nil {
				return fmt.Errorf("sqlite: cache response: %w", err)
			}
		}
		return nil
	})
}

// SyncState implements alesco.ReadTx.
func (t *txn) SyncState(committeeID string) (alesco.SyncState, error) {
	var s alesco.SyncState
	var ok, attempt string
	err := t.queryRow(`SELECT last_synced_at, last_attempt_at, last_error FROM github_sync WHERE committee_id = ?`,
		committeeID).Scan(&ok, &attempt, &s.LastError)
	if errors.Is(err, sql.ErrNoRows) {
		return s, nil
	} else if err != nil {
		return s, fmt.Errorf("sqlite: sync state: %w", err)
	}
	if s.LastSynced, err = ParseTime(ok); err != nil {
		return s, err
	}
	s.LastAttempt, err = ParseTime(attempt)
	return s, err
}

// SaveSyncAttempt implements alesco.Tx.
func (t *txn) SaveSyncAttempt(committeeID, failure string) error {
	now := FormatTime(t.now)
	var err error
	if failure == "" {
		_, err = t.exec(`INSERT INTO github_sync (committee_id, last_synced_at, last_attempt_at, last_error)
			VALUES (?, ?, ?, '') ON CONFLICT (committee_id) DO UPDATE SET last_synced_at = excluded.last_synced_at,
			last_attempt_at = excluded.last_attempt_at, last_error = ''`, committeeID, now, now)
	} else {
		_, err = t.exec(`INSERT INTO github_sync (committee_id, last_attempt_at, last_error)
			VALUES (?, ?, ?) ON CONFLICT (committee_id) DO UPDATE SET last_attempt_at = excluded.last_attempt_at,
			last_error = excluded.last_error`, committeeID, now, failure)
	}
	if err != nil {
		return fmt.Errorf("sqlite: sync state: %w", err)
	}
	return nil
}

// RecordDelivery implements alesco.Tx.
func (t *txn) RecordDelivery(id, committeeID, event, action string, number int) (bool, error) {
	res, err := t.exec(`INSERT INTO github_deliveries (delivery_id, committee_id, event, action, number, received_at)
		VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (delivery_id) DO NOTHING`,
		id, committeeID, event, action, number, FormatTime(t.now))
	if err != nil {
		return false, fmt.Errorf("sqlite: record delivery: %w", err)
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// AgendaSnapshot implements alesco.ReadTx.
func (t *txn) AgendaSnapshot(meetingID string) (body []byte, frozenAt time.Time, ok bool, err error) {
	var at string
	err = t.queryRow(`SELECT body, frozen_at FROM agenda_snapshots WHERE meeting_id = ?`, meetingID).Scan(&body, &at)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, time.Time{}, false, nil
	} else if err != nil {
		return nil, time.Time{}, false, fmt.Errorf("sqlite: agenda snapshot: %w", err)
	}
	frozenAt, err = ParseTime(at)
	return body, frozenAt, err == nil, err
}

// FreezeAgenda implements alesco.Tx.
func (t *txn) FreezeAgenda(committeeID, meetingID string, body []byte) (bool, error) {
	res, err := t.exec(`INSERT INTO agenda_snapshots (meeting_id, committee_id, frozen_at, body)
		VALUES (?, ?, ?, ?) ON CONFLICT (meeting_id) DO NOTHING`, meetingID, committeeID, FormatTime(t.now), body)
	if err != nil {
		return false, fmt.Errorf("sqlite: freeze agenda: %w", err)
	}
	n, err := res.RowsAffected()
	return n == 1, err
}
