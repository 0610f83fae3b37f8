package github

import (
	"bufio"
	"github.com/almalinux/alesco"
	"regexp"
	"strings"
	"time"
)

// RFCHeader is what an RFC file's header and Scope section say
// (rfcs/0000-template.md). Real files vary: "Approved" for "Accepted",
// trailing commas after the last author, "(Assigned by the repository
// maintainers)" after the number, XXXX/0000 while unassigned.
type RFCHeader struct {
	Title string
	// Number is the assigned RFC number ("0007"); empty while unassigned.
	Number  string
	Authors []string
	// Status is the Status field as written; State is what it means (0 when
	// it names no known state, e.g. "Draft").
	Status           string
	State            alesco.ProposalState
	Created, Updated time.Time
	Abstract         string
	// Scope fields, as written (sub-bullets joined with "; ").
	ProposalOwners    string
	OtherDevelopers   string
	Policies          string
	TrademarkApproval string
}

var (
	// fieldLine matches "* **Key:** value" (and "- **Key**: value").
	fieldLine   = regexp.MustCompile(`^\s*[*-]\s+\*\*([^*]+?):?\*\*:?\s*(.*)$`)
	mdLinkText  = regexp.MustCompile(`\[([^\]]*)\]`)
	headerTimes = []string{"2006-01-02 15:04 MST", "2006-01-02 15:04:05 MST", "2006-01-02 15:04", "2006-01-02T15:04:05Z07:00", "2006-01-02"}
)

// ParseRFCHeader reads an RFC file. It never fails on odd values (they are
// kept as written or left empty); it reports EINVALID only when the text has
// no RFC header at all.
func ParseRFCHeader(text string) (RFCHeader, error) {
	var h RFCHeader
	found := false
	section := ""
	var abstract []string
	var scopeKey *string // the Scope field collecting sub-bullets
	sc := bufio.NewScanner(strings.NewReader(text))
	sc.Buffer(make([]byte, 0, 64*1024), 1<<20)
	for sc.Scan() {
		line := strings.TrimRight(sc.Text(), " \t\r")
		trimmed := strings.TrimSpace(line)
		if strings.HasPrefix(trimmed, "#") {
			level := len(trimmed) - len(strings.TrimLeft(trimmed, "#"))
			title := strings.TrimSpace(trimmed[level:])
			if level == 1 && h.Title == "" {
				h.Title = strings.TrimSpace(strings.TrimPrefix(strings.TrimPrefix(title, "RFC:"), "RFC -"))
				continue
			}
			section = strings.ToLower(title)
			scopeKey = nil
			continue
		}
		if section == "abstract" {
			if trimmed != "" || len(abstract) > 0 {
				abstract = append(abstract, trimmed)
			}
			continue
		}
		m := fieldLine.FindStringSubmatch(line)
		if m != nil && leadingSpaces(line) < 2 {
			key, val := strings.ToLower(strings.TrimSpace(m[1])), strings.TrimSpace(m[2])
			scopeKey = nil
			switch {
			case section == "" && key == "rfc number":
				h.Number, found = rfcNumber(val), true
			case section == "" && (key == "author(s)" || key == "authors" || key == "author"):
				h.Authors, found = parseAuthors(val), true
			case section == "" && key == "status":
				h.Status, found = strings.Trim(val, "`[] "), true
				h.State = alesco.HeaderState(h.Status)
			case section == "" && key == "created":
				h.Created, found = parseHeaderTime(val), true
			case section == "" && key == "updated":
				h.Updated, found = parseHeaderTime(val), true
			case section == "scope" && key == "proposal owners":
				h.ProposalOwners, scopeKey = val, &h.ProposalOwners
			case section == "scope" && key == "other developers":
				h.OtherDevelopers, scopeKey = val, &h.OtherDevelopers
			case section == "scope" && key == "policies and guidelines":
				h.Policies, scopeKey = val, &h.Policies
			case section == "scope" && key == "trademark approval":
				h.TrademarkApproval, scopeKey = val, &h.TrademarkApproval
			}
			continue
		}
		// Sub-bullets of a Scope field belong to it.
		if scopeKey != nil && trimmed != "" {
			item := strings.TrimSpace(strings.TrimLeft(trimmed, "*-+ "))
			if *scopeKey == "" {
				*scopeKey = item
			} else {
				*scopeKey += "; " + item
			}
		}
	}
	h.Abstract = strings.TrimSpace(strings.Join(abstract, "\n"))
	if !found {
		return h, alesco.Errorf(alesco.EINVALID, "no RFC header found (want lines like \"* **RFC Number:** `0001`\")")
	}
	return h, nil
}

func leadingSpaces(s string) int { return len(s) - len(strings.TrimLeft(s, " \t")) }

// rfcNumber returns the digits of "`0007` (Assigned by...)"; empty for
// XXXX, 0000 or anything that is not a number.
func rfcNumber(v string) string {
	v = strings.TrimSpace(v)
	if i := strings.IndexAny(v, " ("); i > 0 {
		v = v[:i]
	}
	v = strings.Trim(v, "`[]*_ ")
	if v == "" || strings.Trim(v, "0") == "" {
		return ""
	}
	for _, r := range v {
		if r < '0' || r > '9' {
			return ""
		}
	}
	return v
}

// parseAuthors reads "[Name](mail), [Other](mail)," or "Name, Other".
func parseAuthors(v string) []string {
	var out []string
	add := func(s string) {
		s = strings.TrimSpace(s)
		if i := strings.IndexByte(s, '<'); i > 0 {
			s = strings.TrimSpace(s[:i])
		}
		s = strings.Trim(s, ",;`*_ ")
		if s != "" {
			out = append(out, s)
		}
	}
	if ms := mdLinkText.FindAllStringSubmatch(v, -1); len(ms) > 0 {
		for _, m := range ms {
			add(m[1])
		}
		return out
	}
	for _, part := range strings.FieldsFunc(v, func(r rune) bool { return r == ',' || r == ';' }) {
		add(part)
	}
	return out
}

func parseHeaderTime(v string) time.Time {
	v = strings.Trim(strings.TrimSpace(v), "[]`")
	for _, layout := range headerTimes {
		if t, err := time.Parse(layout, v); err == nil {
			return t.UTC()
		}
	}
	return time.Time{}
}
