package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/almalinux/alesco"
)

// The github adapter keeps pull requests, cached GitHub answers, the sync
// state and applied webhook deliveries here (the DB methods taking a
// context); use cases read proposals through alesco.ReadTx.

const pullColumns = `committee_id, number, tracked, files_sha, title, url, author_login, authors, rfc_number, rfc_path,
	header_status, trademark_approval, state, open, draft, merged, labels, needs_board_input, board_input_reason,
	board_input_recorded, created_at, updated_at, closed_at, merged_at, discussion_at, fcp_at, head_sha, abstract`

func scanPull(r scanner) (alesco.PullRecord, error) {
	var p alesco.PullRecord
	var authors, labels, state, created, updated, closed, merged, disc, fcp string
	err := r.Scan(&p.CommitteeID, &p.Number, &p.Tracked, &p.FilesSHA, &p.Title, &p.URL, &p.AuthorLogin, &authors,
		&p.RFCNumber, &p.RFCPath, &p.HeaderStatus, &p.TrademarkApproval, &state, &p.Open, &p.Draft, &p.Merged, &labels,
		&p.NeedsBoardInput, &p.BoardInputReason, &p.BoardInputRecorded, &created, &updated, &closed, &merged, &disc, &fcp,
		&p.HeadSHA, &p.Abstract)
	if err != nil {
		return p, err
	}
	err = decodeProposal(&p.Proposal, authors, labels, state, [6]string{created, updated, closed, merged, disc, fcp})
	return p, err
}

// proposalColumns are the columns of a proposal (pullColumns less what
// only a sync needs): agendas read a thousand rows at a time.
const proposalColumns = `committee_id, number, title, url, author_login, authors, rfc_number, rfc_path, header_status,
	state, open, draft, merged, labels, needs_board_input, board_input_reason, board_input_recorded,
	created_at, updated_at, closed_at, merged_at, discussion_at, fcp_at, head_sha, abstract`

func scanProposal(r scanner, p *alesco.Proposal) error {
	var authors, labels, state string
	var times [6]string
	err := r.Scan(&p.CommitteeID, &p.Number, &p.Title, &p.URL, &p.AuthorLogin, &authors, &p.RFCNumber, &p.RFCPath,
		&p.HeaderStatus, &state, &p.Open, &p.Draft, &p.Merged, &labels, &p.NeedsBoardInput, &p.BoardInputReason,
		&p.BoardInputRecorded, &times[0], &times[1], &times[2], &times[3], &times[4], &times[5], &p.HeadSHA, &p.Abstract)
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

func (t *txn) putPull(p alesco.PullRecord) error {
	_, err := t.exec(`INSERT OR REPLACE INTO proposals (`+pullColumns+`)
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

func (t *txn) getPull(committeeID string, number int) (alesco.PullRecord, bool, error) {
	p, err := scanPull(t.queryRow(`SELECT `+pullColumns+` FROM proposals WHERE committee_id = ? AND number = ?`, committeeID, number))
	if errors.Is(err, sql.ErrNoRows) {
		return alesco.PullRecord{}, false, nil
	}
	return p, err == nil, err
}

// Pulls returns every stored pull request of a committee, tracked or not,
// by number.
func (db *DB) Pulls(ctx context.Context, committeeID string) (map[int]alesco.PullRecord, error) {
	out := map[int]alesco.PullRecord{}
	err := db.View(ctx, func(rt alesco.ReadTx) error {
		return rt.(*txn).each(`SELECT `+pullColumns+` FROM proposals WHERE committee_id = ?`, []any{committeeID}, func(r *sql.Rows) error {
			p, err := scanPull(r)
			out[p.Number] = p
			return err
		})
	})
	return out, err
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
	p, ok, err := t.getPull(committeeID, number)
	if err != nil {
		return alesco.Proposal{}, err
	}
	if !ok || !p.Tracked {
		return alesco.Proposal{}, alesco.Errorf(alesco.ENOTFOUND, "no proposal #%d in %s (not synced yet, or not an RFC)", number, committeeID)
	}
	return p.Proposal, nil
}

// CachedResponses returns every cached GitHub answer by URL.
func (db *DB) CachedResponses(ctx context.Context) (map[string]alesco.CachedResponse, error) {
	out := map[string]alesco.CachedResponse{}
	err := db.View(ctx, func(rt alesco.ReadTx) error {
		return rt.(*txn).each(`SELECT url, etag, link, body, fetched_at FROM github_responses`, nil, func(r *sql.Rows) error {
			var c alesco.CachedResponse
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

// SaveSync stores one reconciliation in one transaction: changed pull
// requests, new cached answers and the sync state. A failed sync keeps
// what is stored and records only its error and the attempt time.
func (db *DB) SaveSync(ctx context.Context, r alesco.SyncRecord) error {
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
	change := alesco.Change{Action: "proposals.sync", Subject: "committee/" + r.CommitteeID, Detail: detail}
	return db.update(ctx, func(t *txn) (alesco.Change, error) {
		now := FormatTime(t.now)
		for _, p := range r.Pulls {
			if err := db.storePull(t, p); err != nil {
				return change, err
			}
		}
		for _, c := range r.Responses {
			if _, err := t.exec(`INSERT OR REPLACE INTO github_responses (url, etag, link, body, fetched_at)
				VALUES (?, ?, ?, ?, ?)`, c.URL, c.ETag, c.Link, c.Body, FormatTime(c.FetchedAt)); err != nil {
				return change, fmt.Errorf("sqlite: cache response: %w", err)
			}
		}
		var err error
		if r.Err == nil {
			_, err = t.exec(`INSERT INTO github_sync (committee_id, last_synced_at, last_attempt_at, last_error)
				VALUES (?, ?, ?, '') ON CONFLICT (committee_id) DO UPDATE SET last_synced_at = excluded.last_synced_at,
				last_attempt_at = excluded.last_attempt_at, last_error = ''`, r.CommitteeID, now, now)
		} else {
			_, err = t.exec(`INSERT INTO github_sync (committee_id, last_attempt_at, last_error)
				VALUES (?, ?, ?) ON CONFLICT (committee_id) DO UPDATE SET last_attempt_at = excluded.last_attempt_at,
				last_error = excluded.last_error`, r.CommitteeID, now, errText)
		}
		if err != nil {
			return change, fmt.Errorf("sqlite: sync state: %w", err)
		}
		return change, nil
	})
}

// storePull stores a pull request's row and enqueues the effects its
// change causes (PullEffects), in transaction t.
func (db *DB) storePull(t *txn, next alesco.PullRecord) error {
	var prev alesco.PullRecord
	found := false
	if db.PullEffects != nil {
		var err error
		if prev, found, err = t.getPull(next.CommitteeID, next.Number); err != nil {
			return err
		}
	}
	if err := t.putPull(next); err != nil {
		return err
	}
	if db.PullEffects == nil {
		return nil
	}
	effects, err := db.PullEffects(t, prev, found, next)
	if err != nil {
		return err
	}
	for _, e := range effects {
		if _, err := t.Enqueue(e); err != nil {
			return err
		}
	}
	return nil
}

// errDuplicate rolls back a redelivered webhook's transaction.
var errDuplicate = errors.New("sqlite: duplicate delivery")

// ApplyDelivery records a webhook delivery and applies it to one pull
// request in the same transaction: apply gets the stored row (found false
// when none) and returns the new row and whether to write it. A delivery
// already recorded changes nothing (applied false, no audit row).
func (db *DB) ApplyDelivery(ctx context.Context, d alesco.Delivery, apply func(prev alesco.PullRecord, found bool) (alesco.PullRecord, bool)) (applied bool, err error) {
	if d.ID == "" {
		return false, alesco.Errorf(alesco.EINVALID, "webhook delivery has no X-GitHub-Delivery id")
	}
	detail := map[string]any{"delivery": d.ID, "event": d.Event, "action": d.Action}
	subject := "proposal/" + d.CommitteeID + "/" + strconv.Itoa(d.Number)
	change := alesco.Change{Action: "proposals.webhook", Subject: subject, Detail: detail}
	err = db.update(ctx, func(t *txn) (alesco.Change, error) {
		res, err := t.exec(`INSERT INTO github_deliveries (delivery_id, committee_id, event, action, number, received_at)
			VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (delivery_id) DO NOTHING`,
			d.ID, d.CommitteeID, d.Event, d.Action, d.Number, FormatTime(t.now))
		if err != nil {
			return change, fmt.Errorf("sqlite: record delivery: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return change, errDuplicate
		}
		prev, found, err := t.getPull(d.CommitteeID, d.Number)
		if err != nil {
			return change, err
		}
		if next, write := apply(prev, found); write {
			return change, db.storePull(t, next)
		}
		return change, nil
	})
	if errors.Is(err, errDuplicate) {
		return false, nil
	}
	return err == nil, err
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
