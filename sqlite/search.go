package sqlite

import (
	"database/sql"
	"fmt"
	"regexp"
	"strings"

	"github.com/almalinux/alesco"
)

// MinutesRefs implements alesco.ReadTx.
func (t *txn) MinutesRefs(committeeID string) ([]alesco.MinutesRef, error) {
	var out []alesco.MinutesRef
	err := t.each(`SELECT meeting_id, meeting_date, start_time, status FROM minutes WHERE committee_id = ? ORDER BY start_time, meeting_id`,
		[]any{committeeID}, func(r *sql.Rows) error {
			var ref alesco.MinutesRef
			var date, start string
			if err := r.Scan(&ref.MeetingID, &date, &start, &ref.Status); err != nil {
				return err
			}
			var err error
			if ref.Date, err = alesco.ParseDate(date); err != nil {
				return err
			}
			ref.Start, err = ParseTime(start)
			out = append(out, ref)
			return err
		})
	if err != nil {
		return nil, fmt.Errorf("sqlite: list minutes: %w", err)
	}
	return out, nil
}

// Snippet markers: control characters never stored in the record's text
// (the domain refuses them), so they cannot be confused with it.
const (
	markOpen  = "\x02"
	markClose = "\x03"
)

// Search implements alesco.ReadTx: FTS5 over the index the 0801 migration
// keeps, every term required (porter-stemmed: "booted" finds "boot"),
// ranked by bm25 with a title (topic) match worth four body matches.
func (t *txn) Search(committeeID string, terms []string, limit int) ([]alesco.SearchHit, error) {
	quoted := make([]string, len(terms))
	for i, term := range terms {
		// Quoted, each term is a plain string to FTS5, never its syntax
		// (AND, NEAR, column filters); terms hold no quotes.
		quoted[i] = `"` + strings.ReplaceAll(term, `"`, `""`) + `"`
	}
	var out []alesco.SearchHit
	err := t.each(`SELECT search_index.kind, search_index.meeting_id, search_index.proposal_number, search_index.url, search_index.title,
			snippet(search_index, -1, char(2), char(3), '…', 24),
			COALESCE(m.meeting_date, ''), COALESCE(m.start_time, ''), COALESCE(m.status, '')
		FROM search_index LEFT JOIN minutes m ON m.meeting_id = search_index.meeting_id
		WHERE search_index MATCH ? AND search_index.committee_id = ?
		ORDER BY bm25(search_index, 0, 0, 0, 0, 0, 0, 4.0, 1.0), search_index.rowid
		LIMIT ?`, []any{strings.Join(quoted, " "), committeeID, limit}, func(r *sql.Rows) error {
		var h alesco.SearchHit
		var kind, snippet, date, start, status string
		if err := r.Scan(&kind, &h.MeetingID, &h.ProposalNumber, &h.URL, &h.Title, &snippet, &date, &start, &status); err != nil {
			return err
		}
		h.Kind, h.Status, h.Snippet = alesco.SearchKind(kind), alesco.MinutesStatus(status), snippetParts(snippet)
		var err error
		if date != "" {
			if h.Date, err = alesco.ParseDate(date); err != nil {
				return err
			}
		}
		h.Start, err = ParseTime(start)
		out = append(out, h)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("sqlite: search: %w", err)
	}
	return out, nil
}

// mdLinkTarget is the "](https://...)" of an inline Markdown link, maybe
// cut short by the snippet's end.
var mdLinkTarget = regexp.MustCompile(`\]\([^()\s]*\)?`)

// snippetParts splits FTS5's marked snippet into plain and matched text,
// reading the record's Markdown links as their text: a snippet is read,
// not followed.
func snippetParts(s string) []alesco.SnippetPart {
	s = mdLinkTarget.ReplaceAllString(s, "")
	s = strings.ReplaceAll(s, "[", "")
	s = strings.Join(strings.Fields(s), " ")
	var out []alesco.SnippetPart
	for s != "" {
		before, rest, found := strings.Cut(s, markOpen)
		if before != "" {
			out = append(out, alesco.SnippetPart{Text: before})
		}
		if !found {
			break
		}
		match, after, _ := strings.Cut(rest, markClose)
		if match != "" {
			out = append(out, alesco.SnippetPart{Text: match, Match: true})
		}
		s = after
	}
	return out
}
