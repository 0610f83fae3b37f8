package sqlite

import (
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/almalinux/alesco"
)

// siteEventJSON is how a SiteEvent is kept in event_sites.events.
type siteEventJSON struct {
	UID       string    `json:"uid,omitempty"`
	Title     string    `json:"title"`
	URL       string    `json:"url,omitempty"`
	Start     time.Time `json:"start"`
	End       time.Time `json:"end"`
	Cancelled bool      `json:"cancelled,omitempty"`
}

// EventSite implements alesco.ReadTx.
func (t *txn) EventSite(committeeID string) (alesco.EventSite, error) {
	var s alesco.EventSite
	var events, read, attempt string
	err := t.queryRow(`SELECT url, etag, last_modified, events, read_at, attempt_at, error FROM event_sites WHERE committee_id = ?`,
		committeeID).Scan(&s.URL, &s.ETag, &s.LastModified, &events, &read, &attempt, &s.Error)
	if errors.Is(err, sql.ErrNoRows) {
		return s, nil
	} else if err != nil {
		return s, fmt.Errorf("sqlite: event site: %w", err)
	}
	if s.Events, err = t.db.decodeSiteEvents(committeeID, events); err != nil {
		return s, err
	}
	if s.Read, err = ParseTime(read); err != nil {
		return s, err
	}
	s.Attempt, err = ParseTime(attempt)
	return s, err
}

// siteMemo is a committee's stored events as last decoded.
type siteMemo struct {
	raw    string
	events []alesco.SiteEvent
}

// decodeSiteEvents decodes the stored events, or returns those decoded
// last from the same text: every feed, page and write reads them, and a
// category's export holds hundreds (BenchmarkFeedEventsSite). Callers
// share the slice and never change it.
func (db *DB) decodeSiteEvents(committeeID, raw string) ([]alesco.SiteEvent, error) {
	if m, ok := db.siteEvents.Load(committeeID); ok && m.(siteMemo).raw == raw {
		return m.(siteMemo).events, nil
	}
	var kept []siteEventJSON
	if err := json.Unmarshal([]byte(raw), &kept); err != nil {
		return nil, fmt.Errorf("sqlite: event site events: %w", err)
	}
	var events []alesco.SiteEvent
	for _, e := range kept {
		events = append(events, alesco.SiteEvent{UID: e.UID, Title: e.Title, URL: e.URL, Start: e.Start, End: e.End, Cancelled: e.Cancelled})
	}
	db.siteEvents.Store(committeeID, siteMemo{raw: raw, events: events})
	return events, nil
}

// SaveEventSite implements alesco.Tx.
func (t *txn) SaveEventSite(committeeID string, s alesco.EventSite) error {
	kept := make([]siteEventJSON, 0, len(s.Events))
	for _, e := range s.Events {
		kept = append(kept, siteEventJSON{UID: e.UID, Title: e.Title, URL: e.URL, Start: e.Start.UTC(), End: e.End.UTC(), Cancelled: e.Cancelled})
	}
	events, err := json.Marshal(kept)
	if err != nil {
		return fmt.Errorf("sqlite: event site events: %w", err)
	}
	read := ""
	if !s.Read.IsZero() {
		read = FormatTime(s.Read)
	}
	attempt := ""
	if !s.Attempt.IsZero() {
		attempt = FormatTime(s.Attempt)
	}
	_, err = t.exec(`INSERT INTO event_sites (committee_id, url, etag, last_modified, events, read_at, attempt_at, error)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (committee_id) DO UPDATE SET url = excluded.url, etag = excluded.etag,
		last_modified = excluded.last_modified, events = excluded.events, read_at = excluded.read_at,
		attempt_at = excluded.attempt_at, error = excluded.error`,
		committeeID, s.URL, s.ETag, s.LastModified, string(events), read, attempt, s.Error)
	if err != nil {
		return fmt.Errorf("sqlite: save event site: %w", err)
	}
	return nil
}
