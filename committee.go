package alesco

import (
	"sort"
	"strconv"
	"strings"
	"time"
)

// Committee is a steering committee or SIG as declared in configuration.
type Committee struct {
	ID        string
	Name      string
	ShortName string
	// TimeZone is the IANA zone name; Location is it loaded.
	TimeZone string
	Location *time.Location
	Links    Links
	Rules    Rules
	GitHub   GitHubSettings
	Series   []Series
	Members  []Member
	Chairs   []ChairTerm
	Board    []BoardMember
	// Wiki and Notify say where decisions are published (writeback.go).
	Wiki   WikiSettings
	Notify NotifySettings
	// EventSite says where the committee's events are listed (events.go).
	EventSite EventSiteSettings
	// Secretaries are the members (ids) who record meetings beside the
	// chair: in chat they may use the chair's commands.
	Secretaries []string
}

// Links are the committee's public places.
type Links struct {
	Chat       string
	Events     string
	Minutes    string // wiki folder of published minutes
	Website    string
	MinutesDir string // path of the minutes in the wiki repository, e.g. docs/alesco/meeting-minutes
}

// Rules are the committee's governing numbers (its charter).
type Rules struct {
	Quorum                   QuorumRule
	TieBreak                 string // "chair"
	ReviewPeriodDays         int
	ChairTermMonths          int
	ChairMaxConsecutiveTerms int
}

// QuorumRule: required = max(Minimum, ceil(Fraction*n + Plus)).
type QuorumRule struct {
	Fraction float64
	Plus     int
	Minimum  int
}

// TieBreakChair is the only tie-break rule charters use today.
const TieBreakChair = "chair"

// GitHubSettings say where the committee's RFCs live and which labels drive them.
type GitHubSettings struct {
	Repo            string // owner/name; empty when the committee does not use GitHub
	RFCPath         string // folder of RFC files, e.g. "rfcs/"
	DiscussionLabel string
	FCPLabel        string
	BoardInputLabel string
	// BoardInputGivenLabel marks that the board's input is on record.
	BoardInputGivenLabel string
	RejectedLabel        string
	WithdrawnLabel       string
	SupersededLabel      string
	// AcceptedLabel, when set, is added to an RFC the committee accepts.
	AcceptedLabel string
	// Write lets alesco write to GitHub: comments, labels and review
	// requests on RFCs, the minutes pull request to the wiki.
	Write bool
}

// Member is a person who is or was on the committee.
type Member struct {
	ID     string // stable slug: "andrew-lukoshko"
	Name   string
	GitHub string // login, used to match PR authors and async votes
	Chat   string
	Terms  []Term
}

// Term is a span of membership or chairmanship: from Start (inclusive) to
// End (exclusive: the first day no longer in office); a zero End is open.
type Term struct {
	Start Date
	End   Date
	// StartedIn and EndedIn name the meeting whose recorded decision
	// (an election, an appointment, a removal) started or ended the term;
	// "" where the configuration says so.
	StartedIn string
	EndedIn   string
}

// Contains reports whether d falls in the term.
func (t Term) Contains(d Date) bool {
	return !d.Before(t.Start) && (t.End.IsZero() || d.Before(t.End))
}

// Overlaps reports whether two terms share a day.
func (t Term) Overlaps(u Term) bool {
	return (u.End.IsZero() || t.Start.Before(u.End)) && (t.End.IsZero() || u.Start.Before(t.End))
}

// ChairTerm is one member's time in the chair.
type ChairTerm struct {
	MemberID string
	Term
}

// BoardMember is a known member of the foundation board.
type BoardMember struct {
	Name   string
	GitHub string
	// Chair marks the board's chair, whose review RFCs needing board
	// input request.
	Chair bool
}

// Member returns the member with the given id.
func (c *Committee) Member(id string) (*Member, bool) {
	for i := range c.Members {
		if c.Members[i].ID == id {
			return &c.Members[i], true
		}
	}
	return nil, false
}

// IsMemberOn reports whether the member is on the roster on d.
func (m *Member) IsMemberOn(d Date) bool {
	for _, t := range m.Terms {
		if t.Contains(d) {
			return true
		}
	}
	return false
}

// Today returns the current date in the committee's time zone.
func (c *Committee) Today(now time.Time) Date {
	return DateIn(now, c.loc())
}

func (c *Committee) loc() *time.Location {
	if c.Location == nil {
		return time.UTC
	}
	return c.Location
}

// PullURL is the address of pull request n in the committee's GitHub
// repository; "" when the committee has none.
func (c *Committee) PullURL(n int) string {
	if c.GitHub.Repo == "" || n <= 0 {
		return ""
	}
	return "https://github.com/" + c.GitHub.Repo + "/pull/" + strconv.Itoa(n)
}

// ChatChannel returns the team and channel of the committee's chat link
// (https://chat.almalinux.org/almalinux/channels/alesco gives "almalinux",
// "alesco"), as a chat server names them; "" when the link is no channel.
func (c *Committee) ChatChannel() (team, channel string) {
	rest := c.Links.Chat
	if i := strings.Index(rest, "://"); i >= 0 {
		rest = rest[i+3:]
	}
	parts := strings.Split(strings.Trim(rest, "/"), "/")
	if len(parts) != 4 || parts[2] != "channels" {
		return "", ""
	}
	return parts[1], parts[3]
}

// Committees is the set of committees one instance serves.
type Committees struct {
	list []*Committee
	byID map[string]*Committee
}

// NewCommittees indexes validated committees by id.
func NewCommittees(cs []*Committee) *Committees {
	r := &Committees{byID: make(map[string]*Committee, len(cs))}
	for _, c := range cs {
		r.list = append(r.list, c)
		r.byID[c.ID] = c
	}
	return r
}

// List returns the committees in declaration order.
func (r *Committees) List() []*Committee { return r.list }

// Get returns the committee with the given id, or ENOTFOUND.
func (r *Committees) Get(id string) (*Committee, error) {
	if id == "" {
		return nil, Errorf(EINVALID, "committee_id is required")
	}
	if c, ok := r.byID[id]; ok {
		return c, nil
	}
	return nil, Errorf(ENOTFOUND, "no committee %q (known: %s)", id, strings.Join(r.ids(), ", "))
}

func (r *Committees) ids() []string {
	ids := make([]string, 0, len(r.list))
	for _, c := range r.list {
		ids = append(ids, c.ID)
	}
	sort.Strings(ids)
	return ids
}

// ParseMeetingID splits "{committee}-{YYYY-MM-DD}[-N]" into its committee,
// local date and day number (1 for the first meeting of the day).
func (r *Committees) ParseMeetingID(id string) (*Committee, Date, int, error) {
	committeeID, d, n, err := SplitMeetingID(id)
	if err != nil {
		return nil, Date{}, 0, err
	}
	c, err := r.Get(committeeID)
	if err != nil {
		return nil, Date{}, 0, err
	}
	return c, d, n, nil
}

// SplitMeetingID checks the shape of a meeting id,
// "{committee}-{YYYY-MM-DD}[-N]", and splits it, whether or not the
// committee exists: EINVALID when it is not a meeting id at all. Committee
// ids may contain dashes, so the date is found from the right.
func SplitMeetingID(id string) (committeeID string, d Date, n int, err error) {
	bad := Errorf(EINVALID, "bad meeting id %q: want {committee}-{YYYY-MM-DD}, e.g. alesco-2026-12-03", id)
	rest, n := id, 1
	d, ok := trailingDate(rest)
	if !ok {
		i := strings.LastIndexByte(rest, '-')
		k, isNum := smallInt(rest[i+1:])
		if i < 0 || !isNum || k < 2 {
			return "", Date{}, 0, bad
		}
		rest, n = rest[:i], k
		if d, ok = trailingDate(rest); !ok {
			return "", Date{}, 0, bad
		}
	}
	return rest[:len(rest)-11], d, n, nil
}

func smallInt(s string) (int, bool) {
	n := 0
	for _, r := range s {
		if r < '0' || r > '9' {
			return 0, false
		}
		n = n*10 + int(r-'0')
	}
	return n, s != ""
}

// trailingDate parses the "-YYYY-MM-DD" that ends s, after at least one
// character of committee id.
func trailingDate(s string) (Date, bool) {
	if len(s) < 12 || s[len(s)-11] != '-' {
		return Date{}, false
	}
	d, err := ParseDate(s[len(s)-10:])
	return d, err == nil
}
