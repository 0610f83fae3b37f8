package alesco

import "time"

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
