package sqlite

import (
	"database/sql"
	"errors"
	"fmt"

	"github.com/almalinux/alesco"
)

// The comments and reviews of RFC pull requests that alesco has read
// (decisions between meetings): SQL only; what they say is the domain's
// (alesco.Committee.Discussion).

func commentKind(review bool) string {
	if review {
		return "review"
	}
	return "comment"
}

// DiscussionComments implements alesco.ReadTx.
func (t *txn) DiscussionComments(committeeID string, number int) ([]alesco.DiscussionComment, error) {
	var out []alesco.DiscussionComment
	err := t.each(`SELECT kind, id, author, url, body, created_at, updated_at, late FROM discussion_comments
		WHERE committee_id = ? AND number = ? ORDER BY created_at, id`, []any{committeeID, number}, func(r *sql.Rows) error {
		cm := alesco.DiscussionComment{CommitteeID: committeeID, Number: number}
		var kind, created, updated string
		if err := r.Scan(&kind, &cm.ID, &cm.Author, &cm.URL, &cm.Body, &created, &updated, &cm.Late); err != nil {
			return fmt.Errorf("sqlite: discussion comment: %w", err)
		}
		cm.Review = kind == "review"
		var err error
		if cm.Created, err = ParseTime(created); err != nil {
			return err
		}
		if cm.Updated, err = ParseTime(updated); err != nil {
			return err
		}
		out = append(out, cm)
		return nil
	})
	return out, err
}

// DiscussionComment implements alesco.ReadTx.
func (t *txn) DiscussionComment(committeeID string, review bool, id int64) (alesco.DiscussionComment, bool, error) {
	cm := alesco.DiscussionComment{CommitteeID: committeeID, ID: id, Review: review}
	var created, updated string
	err := t.queryRow(`SELECT number, author, url, body, created_at, updated_at, late FROM discussion_comments
		WHERE committee_id = ? AND kind = ? AND id = ?`, committeeID, commentKind(review), id).
		Scan(&cm.Number, &cm.Author, &cm.URL, &cm.Body, &created, &updated, &cm.Late)
	if errors.Is(err, sql.ErrNoRows) {
		return cm, false, nil
	} else if err != nil {
		return cm, false, fmt.Errorf("sqlite: discussion comment: %w", err)
	}
	if cm.Created, err = ParseTime(created); err != nil {
		return cm, false, err
	}
	cm.Updated, err = ParseTime(updated)
	return cm, err == nil, err
}

// SaveDiscussionComment implements alesco.Tx.
func (t *txn) SaveDiscussionComment(cm alesco.DiscussionComment) error {
	_, err := t.exec(`INSERT INTO discussion_comments (committee_id, kind, id, number, author, url, body, created_at, updated_at, late)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (committee_id, kind, id) DO UPDATE SET number = excluded.number, author = excluded.author,
			url = excluded.url, body = excluded.body, created_at = excluded.created_at, updated_at = excluded.updated_at,
			late = excluded.late`,
		cm.CommitteeID, commentKind(cm.Review), cm.ID, cm.Number, cm.Author, cm.URL, cm.Body,
		FormatTime(cm.Created), FormatTime(cm.Updated), cm.Late)
	if err != nil {
		return fmt.Errorf("sqlite: save discussion comment: %w", err)
	}
	return nil
}

// DeleteDiscussionComment implements alesco.Tx.
func (t *txn) DeleteDiscussionComment(committeeID string, review bool, id int64) (bool, error) {
	res, err := t.exec(`DELETE FROM discussion_comments WHERE committee_id = ? AND kind = ? AND id = ?`,
		committeeID, commentKind(review), id)
	if err != nil {
		return false, fmt.Errorf("sqlite: delete discussion comment: %w", err)
	}
	n, err := res.RowsAffected()
	return n == 1, err
}
