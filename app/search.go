package app

import (
	"context"
	"encoding/base64"
	"slices"

	"github.com/almalinux/alesco"
)

// SearchMinutes finds what a committee discussed and decided: notes under
// their topics, decisions, action items and proposals holding every word
// of the query, best first (bm25), each with a snippet. Minutes that are
// not listed yet (a draft for a meeting still to come) are left out.
func (a *App) SearchMinutes(ctx context.Context, committeeID, query string, limit int) (*alesco.Committee, []alesco.SearchHit, error) {
	if _, err := a.Committees().Get(committeeID); err != nil {
		return nil, nil, err
	}
	terms, err := alesco.SearchTerms(query)
	if err != nil {
		return nil, nil, err
	}
	if limit, err = alesco.PageSizeOr(limit, 20); err != nil {
		return nil, nil, err
	}
	now := a.now()
	var hits []alesco.SearchHit
	var c *alesco.Committee
	err = a.store.View(ctx, func(tx alesco.ReadTx) error {
		var err error
		if c, err = a.committee(tx, committeeID); err != nil {
			return err
		}
		// Ask for a few more than the limit: hidden drafts are dropped
		// after ranking.
		all, err := tx.Search(c.ID, terms, limit+10)
		for _, h := range all {
			if h.Kind != alesco.SearchProposal && !(alesco.MinutesRef{Start: h.Start, Status: h.Status}).Listed(now) {
				continue
			}
			if len(hits) < limit {
				hits = append(hits, h)
			}
		}
		return err
	})
	return c, hits, err
}

// ListMinutesPage returns one page of a committee's listed minutes (see
// alesco.MinutesRef.Listed) in a date range, oldest first, and the token of
// the next page ("" after the last).
func (a *App) ListMinutesPage(ctx context.Context, committeeID string, q alesco.MinutesQuery) (*alesco.Committee, []*alesco.Minutes, string, error) {
	if _, err := a.Committees().Get(committeeID); err != nil {
		return nil, nil, "", err
	}
	size, err := alesco.PageSizeOr(q.PageSize, alesco.DefaultPageSize)
	if err != nil {
		return nil, nil, "", err
	}
	if !q.From.IsZero() && !q.To.IsZero() && q.To.Before(q.From) {
		return nil, nil, "", alesco.Errorf(alesco.EINVALID, "to_date %s is before from_date %s", q.To, q.From)
	}
	after := ""
	if q.PageToken != "" {
		b, err := base64.RawURLEncoding.DecodeString(q.PageToken)
		if err != nil || len(b) == 0 {
			return nil, nil, "", alesco.Errorf(alesco.EINVALID, "bad page_token: pass the next_page_token of the previous page")
		}
		after = string(b)
	}
	now := a.now()
	var page []*alesco.Minutes
	var c *alesco.Committee
	next := ""
	err = a.store.View(ctx, func(tx alesco.ReadTx) error {
		var err error
		if c, err = a.committee(tx, committeeID); err != nil {
			return err
		}
		refs, err := tx.MinutesRefs(c.ID)
		if err != nil {
			return err
		}
		refs = slices.DeleteFunc(refs, func(r alesco.MinutesRef) bool {
			return !r.Listed(now) || (!q.From.IsZero() && r.Date.Before(q.From)) || (!q.To.IsZero() && r.Date.After(q.To))
		})
		start := 0
		if after != "" {
			i := slices.IndexFunc(refs, func(r alesco.MinutesRef) bool { return r.MeetingID == after })
			if i < 0 {
				return alesco.Errorf(alesco.EINVALID, "bad page_token: its meeting is no longer listed; start again without one")
			}
			start = i + 1
		}
		end := min(start+size, len(refs))
		for _, r := range refs[start:end] {
			m, err := tx.Minutes(r.MeetingID)
			if err != nil {
				return err
			}
			page = append(page, m)
		}
		if end < len(refs) {
			next = base64.RawURLEncoding.EncodeToString([]byte(refs[end-1].MeetingID))
		}
		return nil
	})
	return c, page, next, err
}
