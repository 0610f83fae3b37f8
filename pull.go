package alesco

import (
	"fmt"
	"strings"
	"time"
)

// What alesco keeps of GitHub: the github adapter reconciles pull requests
// into these records and the store keeps them.

// PullRecord is a pull request as stored: the proposal it makes plus what a
// sync needs to skip requests for it next time.
type PullRecord struct {
	Proposal
	// Tracked: the pull request is a proposal (GitHubSettings.Tracks).
	Tracked bool
	// FilesSHA is the head SHA whose changed files and RFC header were last
	// read; a different HeadSHA means they must be read again.
	FilesSHA          string
	TrademarkApproval string
}

// CachedResponse is a GitHub API answer kept for conditional requests.
type CachedResponse struct {
	URL       string
	ETag      string
	Link      string
	Body      []byte
	FetchedAt time.Time
}

// SyncState is how a committee's last reconciliation with GitHub went.
type SyncState struct {
	LastSynced  time.Time // last success; zero if never
	LastAttempt time.Time
	LastError   string // "" when the last attempt succeeded
}

// SyncRecord is what one reconciliation writes.
type SyncRecord struct {
	CommitteeID string
	// Pulls are the pull requests whose stored row changed.
	Pulls []PullRecord
	// Responses are new or changed cached answers.
	Responses []CachedResponse
	// Err is the sync's error; nil for a success.
	Err error
	// Requests and NotModified count what was sent (for the audit detail).
	Requests, NotModified int
}

// SyncResult reports one reconciliation to its caller.
type SyncResult struct {
	Requests    int
	NotModified int
	Changed     int
	SyncedAt    time.Time
}

// Delivery is one webhook delivery.
type Delivery struct {
	ID          string // X-GitHub-Delivery
	CommitteeID string
	Event       string
	Action      string
	Number      int
}

// MaxPullNumber is the largest pull-request number alesco keeps: GitHub
// numbers them from 1, and the API carries them as int32.
const MaxPullNumber = 1<<31 - 1

// maxDeliveryID bounds a webhook delivery id (GitHub sends a GUID, 36
// characters).
const maxDeliveryID = 100

// Validate checks what GitHub said about a pull request before it is
// stored: a number in range, and every text field by the record's text
// rules (CleanText, CleanURL).
func (p PullRecord) Validate() error {
	if p.Number < 1 || p.Number > MaxPullNumber {
		return Errorf(EINVALID, "pull request number %d is out of range (1 to %d)", p.Number, MaxPullNumber)
	}
	check := func(field string, kind TextKind, s string) error {
		_, err := CleanText(fmt.Sprintf("pull request #%d: %s", p.Number, field), kind, s)
		return err
	}
	for _, f := range []struct {
		name string
		kind TextKind
		s    string
	}{
		{"title", LineText, p.Title}, {"author", NameText, p.AuthorLogin}, {"RFC number", NameText, p.RFCNumber},
		{"RFC path", LineText, p.RFCPath}, {"RFC status", NameText, p.HeaderStatus}, {"head SHA", NameText, p.HeadSHA},
		{"abstract", NoteText, p.Abstract}, {"trademark approval", ReasonText, p.TrademarkApproval},
	} {
		if err := check(f.name, f.kind, f.s); err != nil {
			return err
		}
	}
	for _, l := range p.Labels {
		if err := check("label", NameText, l); err != nil {
			return err
		}
	}
	for _, a := range p.Authors {
		if err := check("author", NameText, a); err != nil {
			return err
		}
	}
	if p.URL != "" {
		if _, err := CleanURL(fmt.Sprintf("pull request #%d: url", p.Number), p.URL); err != nil {
			return err
		}
	}
	return nil
}

// Validate checks a webhook delivery's id and pull-request number before
// anything is stored.
func (d Delivery) Validate() error {
	switch {
	case d.ID == "":
		return Errorf(EINVALID, "webhook delivery has no X-GitHub-Delivery id")
	case len(d.ID) > maxDeliveryID:
		return Errorf(EINVALID, "X-GitHub-Delivery is %d bytes long, at most %d", len(d.ID), maxDeliveryID)
	case strings.Trim(d.ID, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-") != "":
		return Errorf(EINVALID, "X-GitHub-Delivery %q holds characters other than letters, digits and dashes", d.ID)
	case d.Number < 1 || d.Number > MaxPullNumber:
		return Errorf(EINVALID, "pull request number %d is out of range (1 to %d)", d.Number, MaxPullNumber)
	}
	return nil
}
