package alesco

import (
	"sort"
	"strings"
)

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
