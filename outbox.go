package alesco

import (
	"encoding/json"
	"time"
)

// The outbox: everything alesco tells the world (GitHub, the wiki, chat,
// mail) is first an Effect, written in the same transaction as the change
// that causes it, then delivered by a worker that retries with backoff.
// Each effect has a key, so it happens once: a delivery looks for an
// earlier one under its key before repeating it.

// EffectKind says what an effect does, and so which adapter delivers it.
type EffectKind string

// Kinds of effect.
const (
	// EffectComment is one comment on a pull request, created or, when the
	// effect is replaced (an amendment), edited in place; it carries the
	// hidden marker of its key.
	EffectComment EffectKind = "github.comment"
	// EffectLabels adds and removes labels of a pull request.
	EffectLabels EffectKind = "github.labels"
	// EffectReview requests reviews on a pull request.
	EffectReview EffectKind = "github.review"
	// EffectWiki is the minutes pull request to the wiki: one commit
	// adding the minutes file and its index line, on its own branch.
	EffectWiki EffectKind = "wiki.minutes"
	// EffectMail is an email.
	EffectMail EffectKind = "mail"
	// EffectChat is a chat post.
	EffectChat EffectKind = "chat"
)

// EffectKinds lists every kind, in a stable order.
var EffectKinds = []EffectKind{EffectComment, EffectLabels, EffectReview, EffectWiki, EffectMail, EffectChat}

// Replaceable reports whether enqueueing an effect again under the same
// key with different content replaces it (and delivers it again): a
// comment is edited, labels and the wiki pull request updated. Messages
// (mail, chat) and review requests happen once per key: enqueueing them
// again changes nothing.
func (k EffectKind) Replaceable() bool {
	return k == EffectComment || k == EffectLabels || k == EffectWiki
}

// Effect is one thing to tell the world. Exactly one of the payloads is
// set, the one of its Kind.
type Effect struct {
	// Key names the effect: one effect per key, ever ("github:outcome:
	// alesco-2026-12-03:17"). Comments carry it as a hidden marker.
	Key         string         `json:"key"`
	Kind        EffectKind     `json:"kind"`
	CommitteeID string         `json:"committee_id"`
	Comment     *CommentEffect `json:"comment,omitempty"`
	Labels      *LabelsEffect  `json:"labels,omitempty"`
	Review      *ReviewEffect  `json:"review,omitempty"`
	Wiki        *WikiEffect    `json:"wiki,omitempty"`
	Mail        *MailEffect    `json:"mail,omitempty"`
	Chat        *ChatEffect    `json:"chat,omitempty"`
}

// CommentEffect is a comment on a pull request (or issue).
type CommentEffect struct {
	Repo   string `json:"repo"` // owner/name
	Number int    `json:"number"`
	Body   string `json:"body"` // Markdown, without the marker
}

// LabelsEffect changes a pull request's labels; labels already there (or
// already gone) are left alone.
type LabelsEffect struct {
	Repo   string   `json:"repo"`
	Number int      `json:"number"`
	Add    []string `json:"add,omitempty"`
	Remove []string `json:"remove,omitempty"`
}

// ReviewEffect requests reviews on a pull request from GitHub users.
type ReviewEffect struct {
	Repo      string   `json:"repo"`
	Number    int      `json:"number"`
	Reviewers []string `json:"reviewers"`
}

// WikiEffect publishes a meeting's minutes to the wiki repository: one
// commit on Branch, made on top of the base branch, adding File and the
// index line at the top of the index's list (InsertIndexLine), and a pull
// request from Branch. Replacing it (an amendment) rebuilds the commit and
// updates the same branch and pull request.
type WikiEffect struct {
	Repo string `json:"repo"`
	// Base is the branch the pull request targets; "" is the repository's
	// default branch.
	Base      string `json:"base,omitempty"`
	Branch    string `json:"branch"`
	Date      string `json:"date"` // the meeting's, YYYY-MM-DD: where its index line goes
	File      string `json:"file"` // path of the minutes file
	Content   string `json:"content"`
	Index     string `json:"index"` // path of the index of minutes
	IndexLine string `json:"index_line"`
	Message   string `json:"message"` // commit message
	Title     string `json:"title"`   // pull-request title
	Body      string `json:"body"`    // pull-request body
}

// MailEffect is an email.
type MailEffect struct {
	To      []string `json:"to"`
	Subject string   `json:"subject"`
	Body    string   `json:"body"` // plain text
}

// ChatEffect is a chat post.
type ChatEffect struct {
	Text string `json:"text"` // Markdown as the chat renders it
}

// Same reports whether two effects say the same thing.
func (e Effect) Same(o Effect) bool {
	a, errA := json.Marshal(e)
	b, errB := json.Marshal(o)
	return errA == nil && errB == nil && string(a) == string(b)
}

// Marker is the hidden text a comment carries to be found again: an HTML
// comment GitHub does not render.
func Marker(key string) string { return "<!-- alesco:" + key + " -->" }

// OutboxStatus is where an effect stands.
type OutboxStatus string

// Outbox statuses.
const (
	OutboxPending OutboxStatus = "pending" // to deliver, at NextAttempt
	OutboxDone    OutboxStatus = "done"    // delivered
	OutboxParked  OutboxStatus = "parked"  // failed too often; waits for `alesco outbox retry`
	OutboxDropped OutboxStatus = "dropped" // an operator dropped it; never delivered
)

// ParseOutboxStatus parses a status name.
func ParseOutboxStatus(s string) (OutboxStatus, error) {
	switch st := OutboxStatus(s); st {
	case OutboxPending, OutboxDone, OutboxParked, OutboxDropped:
		return st, nil
	}
	return "", Errorf(EINVALID, "unknown outbox status %q (want pending, done, parked or dropped)", s)
}

// OutboxItem is an effect as the outbox keeps it.
type OutboxItem struct {
	ID int64
	Effect
	Status OutboxStatus
	// Revision rises each time the effect is replaced, so a delivery of an
	// older revision is not taken for the newer one.
	Revision    int
	Attempts    int // failed attempts since it was (re)queued
	NextAttempt time.Time
	LastError   string
	Result      string // what delivery did: "created comment 123"
	Created     time.Time
	Updated     time.Time
	Delivered   time.Time
}

// OutboxFilter selects outbox items: by id or key, by status, due by an
// instant.
type OutboxFilter struct {
	ID       int64
	Key      string
	Statuses []OutboxStatus
	DueBy    time.Time // with a zero value, any time
	Limit    int       // 0: no limit
}

// MaxDeliveryAttempts is how many times a delivery is tried before its
// effect is parked.
const MaxDeliveryAttempts = 8

// RetryDelay is the backoff before attempt n+1 after n failed attempts:
// 30 s doubling each time, at most an hour (30 s, 1 min, 2 min ... 64 min
// capped: about two hours from the first failure to parking).
func RetryDelay(failed int) time.Duration {
	d := 30 * time.Second
	for i := 1; i < failed && d < time.Hour; i++ {
		d *= 2
	}
	return min(d, time.Hour)
}

// PermanentFailure reports whether a delivery error will not go away by
// retrying: the effect is refused as invalid, its target does not exist, or
// alesco may not do it (a token without write access). Such effects are
// parked at once; an operator fixes the cause and retries them.
func PermanentFailure(err error) bool {
	switch ErrorCode(err) {
	case EINVALID, ENOTFOUND, EFORBIDDEN, EUNAUTHENTICATED:
		return true
	}
	return false
}

// MarkDelivered records a successful delivery and what it did.
func (it *OutboxItem) MarkDelivered(result string, now time.Time) {
	it.Status, it.Result, it.Delivered, it.LastError = OutboxDone, result, now, ""
}

// Retry queues an effect again at once, its attempts forgotten: an
// operator fixed what made it fail. Delivered effects are not retried.
func (it *OutboxItem) Retry(now time.Time) error {
	if it.Status == OutboxDone {
		return Errorf(EPRECONDITION, "outbox item %d (%s) was delivered on %s: nothing to retry", it.ID, it.Key, it.Delivered.UTC().Format(time.RFC3339))
	}
	it.Status, it.Attempts, it.NextAttempt, it.LastError = OutboxPending, 0, now, ""
	return nil
}

// Drop gives an effect up: it is kept, marked dropped, and never delivered
// (its key stays taken, so it is not queued again unless its content
// changes). Delivered effects cannot be dropped.
func (it *OutboxItem) Drop() error {
	switch it.Status {
	case OutboxDone:
		return Errorf(EPRECONDITION, "outbox item %d (%s) was already delivered", it.ID, it.Key)
	case OutboxDropped:
		return Errorf(EPRECONDITION, "outbox item %d (%s) is already dropped", it.ID, it.Key)
	}
	it.Status = OutboxDropped
	return nil
}

// Failed is THE retry rule: a failed delivery counts an attempt; a
// permanent failure or the MaxDeliveryAttempts-th one parks the effect
// with its error, any other is retried after RetryDelay.
func (it *OutboxItem) Failed(err error, now time.Time) {
	it.Attempts++
	it.LastError = ErrorMessage(err)
	if ErrorCode(err) == EINTERNAL {
		it.LastError = err.Error() // an operator reads it: the upstream's words
	}
	if PermanentFailure(err) || it.Attempts >= MaxDeliveryAttempts {
		it.Status = OutboxParked
		return
	}
	it.NextAttempt = now.Add(RetryDelay(it.Attempts))
}
