package alesco

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"sync/atomic"
	"time"
)

// Store keeps alesco's state (the sqlite package implements it). Every use
// case runs in one transaction: View reads from one snapshot, Update writes
// and appends its audit row in the same transaction, so a change and its
// record commit together or not at all.
type Store interface {
	// View runs fn on one consistent snapshot.
	View(ctx context.Context, fn func(ReadTx) error) error
	// Update runs fn in one write transaction and appends the audit row
	// of the Change fn returns in the same transaction. A fn that returns
	// ErrUnchanged rolls back and writes no audit row; Update then
	// returns ErrUnchanged too.
	Update(ctx context.Context, fn func(Tx) (Change, error)) error
	// Version changes after every commit, by this process or another one
	// on the same database; caches key on it.
	Version() uint64
	// Changed returns a channel that is closed at the next change of
	// Version.
	Changed() <-chan struct{}
	// Touched says which committees' meetings the commits after version
	// since wrote (minutes, meeting changes), so that a watcher of a
	// meeting reads again only after a commit that may have changed it:
	// all is true when the store cannot tell (another process's commit,
	// or a version older than the store remembers).
	Touched(since uint64) (committees []string, all bool)
}

// Change is what one write did, for the audit log: "minutes.finalize" on
// "meeting/alesco-2026-12-03", with details.
type Change struct {
	Action  string
	Subject string
	Detail  any
}

// ErrUnchanged is returned by an Update whose function found nothing to
// change: it rolls back, leaving no audit row.
var ErrUnchanged = Errorf(EPRECONDITION, "nothing to change")

// ReadTx reads one snapshot.
type ReadTx interface {
	// Now is the instant the transaction began: the one clock of a use
	// case, for every rule that depends on time.
	Now() time.Time
	// MeetingOverlay is what a committee's schedule needs on top of its
	// series (Committee.Schedule): the stored changes and the ids of
	// meetings that have minutes.
	MeetingOverlay(committeeID string) (changes []MeetingChange, recorded map[string]bool, err error)
	// Minutes returns a meeting's minutes, or ENOTFOUND.
	Minutes(meetingID string) (*Minutes, error)
	// MeetingOfMotion and MeetingOfActionItem name the meeting whose
	// minutes hold a motion or action item, or ENOTFOUND.
	MeetingOfMotion(id int64) (string, error)
	MeetingOfActionItem(id int64) (string, error)
	// RosterDecisions returns a committee's passed chair elections,
	// appointments and removals, oldest first (Committee.WithDecisions'
	// input).
	RosterDecisions(committeeID string) ([]RosterDecision, error)
	// ListMinutes returns the minutes of a committee's meetings, oldest first.
	ListMinutes(committeeID string) ([]*Minutes, error)
	// MinutesRefs names the minutes of a committee's meetings, oldest
	// first, without loading them (to filter and page).
	MinutesRefs(committeeID string) ([]MinutesRef, error)
	// Search returns up to limit hits of a committee's record (notes,
	// decisions, action items, tracked proposals) holding every term,
	// best first, with snippets.
	Search(committeeID string, terms []string, limit int) ([]SearchHit, error)
	// PastMotions returns the closed motions of meetings that started
	// before an instant, and PastActionItems their open action items,
	// oldest meeting first (CarryOver's input).
	PastMotions(committeeID string, before time.Time) ([]PastMotion, error)
	PastActionItems(committeeID string, before time.Time) ([]PastActionItem, error)
	// Proposals returns a committee's tracked proposals in the given states
	// (all when none are given), newest pull request first.
	Proposals(committeeID string, states ...ProposalState) ([]Proposal, error)
	// Proposal returns one tracked proposal, or ENOTFOUND.
	Proposal(committeeID string, number int) (Proposal, error)
	// SyncState says how the last reconciliation with GitHub went.
	SyncState(committeeID string) (SyncState, error)
	// PullRequests returns every pull request kept of a committee's
	// repository by number, tracked or not, and the head SHA at which each
	// one's files were last read ("" when never): what a sync starts from.
	PullRequests(committeeID string) (pulls map[int]Proposal, filesRead map[int]string, err error)
	// PullRequest returns one kept pull request, tracked or not, and the
	// head SHA its files were read at; found is false when there is none.
	PullRequest(committeeID string, number int) (p Proposal, filesRead string, found bool, err error)
	// AgendaSnapshot returns the agenda on record for a meeting, if any.
	AgendaSnapshot(meetingID string) (body []byte, frozenAt time.Time, ok bool, err error)
	// LastWrite is the time of the newest write (zero when none).
	LastWrite() (time.Time, error)
	// Token returns the active token with the given secret, or
	// EUNAUTHENTICATED; Tokens lists every token, revoked ones too.
	Token(secret string) (Token, error)
	Tokens() ([]Token, error)
	// AuditLog returns audit rows after id afterID, oldest first, at most limit.
	AuditLog(afterID int64, limit int) ([]AuditEntry, error)
	// Outbox returns the outbox items f selects, oldest first (by next
	// attempt when f.DueBy is set).
	Outbox(f OutboxFilter) ([]OutboxItem, error)
	// AuditHead returns the head of the audit chain.
	AuditHead() (AuditHead, error)
	// EventTexts returns the texts of a committee's calendar events as last
	// published, by meeting id.
	EventTexts(committeeID string) (map[string]EventText, error)
	// EventSite returns what is kept of a committee's events site (the
	// zero EventSite when nothing is).
	EventSite(committeeID string) (EventSite, error)
	// DiscussionComments returns the comments and reviews kept of a pull
	// request, oldest first; DiscussionComment one of them (found false
	// when it is not kept).
	DiscussionComments(committeeID string, number int) ([]DiscussionComment, error)
	DiscussionComment(committeeID string, review bool, id int64) (cm DiscussionComment, found bool, err error)
	// AuditOf returns the newest audit rows (at most limit) an actor wrote
	// about a subject with one of the actions, newest first.
	AuditOf(subject, actor string, actions []string, limit int) ([]AuditEntry, error)
	// CommandReply returns the reply kept for a command a client sent
	// under its own id; found is false when no such command ran.
	CommandReply(meetingID, commandID string) (reply string, found bool, err error)
	// LastCommands returns the ids of the last commands (at most limit)
	// whose changes a meeting's record holds, oldest first.
	LastCommands(meetingID string, limit int) ([]string, error)
}

// LiveCommand is a command of a meeting run live that its client sent under
// an id of its own, the same on every retry (WithCommand): the first write
// transaction of the command records the id with its change, and a
// command whose id is on record already is refused with ErrCommandRan, so
// a retried command never runs twice.
type LiveCommand struct {
	MeetingID, ID string
	claimed       atomic.Bool
}

// Claimed reports whether the command's id went on record with a change.
func (c *LiveCommand) Claimed() bool { return c.claimed.Load() }

// Claim notes that the command's id went on record (the store calls it
// once the transaction committed).
func (c *LiveCommand) Claim() { c.claimed.Store(true) }

// ErrCommandRan refuses a command whose id is already on record: it ran.
var ErrCommandRan = Errorf(EEXISTS, "this command already ran")

type commandKey struct{}

// WithCommand returns ctx carrying the command being run.
func WithCommand(ctx context.Context, c *LiveCommand) context.Context {
	return context.WithValue(ctx, commandKey{}, c)
}

// CommandOf returns the command ctx carries, or nil.
func CommandOf(ctx context.Context) *LiveCommand {
	c, _ := ctx.Value(commandKey{}).(*LiveCommand)
	return c
}

// Tx is a write transaction. Its clock is read once: Now is the same
// instant for everything the transaction writes.
type Tx interface {
	ReadTx
	// SaveMinutes stores a meeting's minutes as given, creating them on the
	// first save; new notes, motions and action items get their ids. The
	// store refuses (EPRECONDITION) to change final minutes other than by
	// an amendment (the revision moves on by one) or by completing action
	// items.
	SaveMinutes(m *Minutes) error
	// SaveMeetingChange stores the latest state of a changed meeting and
	// returns it with its sequence bumped and its update time stamped.
	// ch.Sequence is the sequence the caller read (0 for a meeting never
	// changed): when the stored one differs the meeting was changed
	// meanwhile (ECONFLICT), or an added meeting's id is taken (EEXISTS).
	SaveMeetingChange(ch MeetingChange) (MeetingChange, error)
	// FreezeAgenda puts a meeting's agenda on record unless one already is
	// (ok false then, and nothing is written).
	FreezeAgenda(committeeID, meetingID string, body []byte) (ok bool, err error)
	// CreateToken stores a new token's hash and returns the token and its
	// secret (shown once, never stored); RevokeToken revokes one by id.
	CreateToken(t Token) (Token, string, error)
	RevokeToken(id int64) error
	// Enqueue puts an effect in the outbox, due now. An effect already
	// there under the same key is left alone, unless its kind is
	// Replaceable and its content differs: then it is replaced and due
	// again (revision + 1, attempts forgotten). queued reports whether
	// anything was written.
	Enqueue(e Effect) (queued bool, err error)
	// SaveOutboxItem stores a delivery's outcome (status, attempts, next
	// attempt, error, result, delivery time) unless the item was replaced
	// meanwhile (its Revision differs): saved is false then.
	SaveOutboxItem(it OutboxItem) (saved bool, err error)
	// SaveEventTexts stores calendar event texts as published now.
	SaveEventTexts(texts []EventText) error
	// SaveEventSite stores what is kept of a committee's events site.
	SaveEventSite(committeeID string, s EventSite) error
	// SaveCommandReply keeps the reply of a command on record
	// (CommandReply).
	SaveCommandReply(meetingID, commandID, reply string) error
	// SavePullRequest stores a pull request as last read from GitHub,
	// tracked or not, with the head SHA its files were read at.
	SavePullRequest(p Proposal, filesRead string) error
	// SaveSyncAttempt records a reconciliation with GitHub now: a success
	// when failure is "", else failure is what went wrong, in words for
	// the public, and what was synced before stays on record as such.
	SaveSyncAttempt(committeeID, failure string) error
	// RecordDelivery records a GitHub webhook delivery by its id; a
	// delivery recorded before changes nothing (recorded false).
	RecordDelivery(id, committeeID, event, action string, number int) (recorded bool, err error)
	// SaveDiscussionComment stores a comment or review of a pull request as
	// last read (replacing an earlier text); DeleteDiscussionComment
	// forgets one GitHub deleted (found false when none was kept).
	SaveDiscussionComment(cm DiscussionComment) error
	DeleteDiscussionComment(committeeID string, review bool, id int64) (found bool, err error)
}

// EventText is what a meeting's calendar event showed when it was last
// published: a fingerprint of its text and how often that text changed.
// A feed adds Sequence to the meeting's own, so that a client sees a
// higher SEQUENCE whenever the text it has is stale.
type EventText struct {
	MeetingID   string
	CommitteeID string
	Hash        string
	Sequence    int
	Updated     time.Time
}

// Token describes a stored token (never its secret).
type Token struct {
	ID          int64
	CommitteeID string
	Role        Role
	MemberID    string
	Label       string
	Created     time.Time
	Revoked     time.Time // zero while active
}

// AuditEntry is one row of the append-only audit log.
type AuditEntry struct {
	ID       int64
	At       string
	Actor    string
	Action   string
	Subject  string
	Detail   string
	PrevHash string
	Hash     string
}

// AuditHead is the head of the audit chain: how many rows it has and the
// hash of the last one. Published outside alesco ("alesco audit head"),
// it lets anyone later check that the log was neither cut nor rewritten.
type AuditHead struct {
	Rows int64
	Hash string
}

// String is the head as published: "ROWS:HASH".
func (h AuditHead) String() string { return fmt.Sprintf("%d:%s", h.Rows, h.Hash) }

// ParseAuditHead reads a published head, "ROWS:HASH".
func ParseAuditHead(s string) (AuditHead, error) {
	n, hash, ok := strings.Cut(strings.TrimSpace(s), ":")
	rows, err := strconv.ParseInt(n, 10, 64)
	if !ok || err != nil || rows < 1 || len(hash) != 64 || strings.Trim(hash, "0123456789abcdef") != "" {
		return AuditHead{}, Errorf(EINVALID, "bad audit head %q: want ROWS:SHA256 as alesco audit head prints it", s)
	}
	return AuditHead{Rows: rows, Hash: hash}, nil
}
