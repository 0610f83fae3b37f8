// Package config reads committee declarations from YAML (go.yaml.in/yaml/v3)
// into domain committees, and reports every problem with file:line.
package config

import (
	"bytes"
	_ "embed"
	"errors"
	"fmt"
	"os"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/almalinux/alesco"
	"go.yaml.in/yaml/v3"
)

//go:embed alesco.yaml
var defaultYAML []byte

// DefaultName is the name errors use for the embedded configuration.
const DefaultName = "embedded:alesco.yaml"

// Default returns the embedded configuration: the real ALESCo committee.
func Default() ([]*alesco.Committee, error) {
	return Parse(DefaultName, defaultYAML)
}

// DefaultYAML returns the embedded configuration's text.
func DefaultYAML() []byte { return bytes.Clone(defaultYAML) }

// Load reads and validates a configuration file; path "" means the default.
func Load(path string) ([]*alesco.Committee, error) {
	if path == "" {
		return Default()
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("config: %w", err)
	}
	return Parse(path, data)
}

// Error lists every problem found in one file, each with its line.
type Error struct {
	File     string
	Problems []Problem
}

// Problem is one configuration error at a line (0 when unknown).
type Problem struct {
	Line    int
	Message string
}

func (e *Error) Error() string {
	var b strings.Builder
	for i, p := range e.Problems {
		if i > 0 {
			b.WriteByte('\n')
		}
		if p.Line > 0 {
			fmt.Fprintf(&b, "%s:%d: %s", e.File, p.Line, p.Message)
		} else {
			fmt.Fprintf(&b, "%s: %s", e.File, p.Message)
		}
	}
	return b.String()
}

type fileYAML struct {
	Committees []committeeYAML `yaml:"committees"`
}

type committeeYAML struct {
	ID          string       `yaml:"id"`
	Name        string       `yaml:"name"`
	ShortName   string       `yaml:"short_name"`
	TimeZone    string       `yaml:"time_zone"`
	Links       linksYAML    `yaml:"links"`
	Rules       rulesYAML    `yaml:"rules"`
	GitHub      githubYAML   `yaml:"github"`
	Meetings    []seriesYAML `yaml:"meetings"`
	Members     []memberYAML `yaml:"members"`
	Chairs      []chairYAML  `yaml:"chairs"`
	Board       []boardYAML  `yaml:"board"`
	Secretaries []string     `yaml:"secretaries"`
	Wiki        wikiYAML     `yaml:"wiki"`
	Notify      notifyYAML   `yaml:"notify"`
	Events      eventsYAML   `yaml:"events"`
}

// eventsYAML names the committee's events site export (alesco.EventSiteSettings).
type eventsYAML struct {
	ICS   string `yaml:"ics"`
	Match string `yaml:"match"`
}

type linksYAML struct {
	Chat       string `yaml:"chat"`
	Events     string `yaml:"events"`
	Minutes    string `yaml:"minutes"`
	MinutesDir string `yaml:"minutes_dir"`
	Website    string `yaml:"website"`
}

type rulesYAML struct {
	Quorum struct {
		Fraction *float64 `yaml:"fraction"`
		Plus     *int     `yaml:"plus"`
		Minimum  *int     `yaml:"minimum"`
	} `yaml:"quorum"`
	TieBreak                 string `yaml:"tie_break"`
	ReviewPeriodDays         *int   `yaml:"review_period_days"`
	ChairTermMonths          *int   `yaml:"chair_term_months"`
	ChairMaxConsecutiveTerms *int   `yaml:"chair_max_consecutive_terms"`
}

type githubYAML struct {
	Repo    string `yaml:"repo"`
	RFCPath string `yaml:"rfc_path"`
	Write   bool   `yaml:"write"`
	Labels  struct {
		Discussion      string `yaml:"discussion"`
		FCP             string `yaml:"fcp"`
		BoardInput      string `yaml:"board_input"`
		BoardInputGiven string `yaml:"board_input_given"`
		Rejected        string `yaml:"rejected"`
		Withdrawn       string `yaml:"withdrawn"`
		Superseded      string `yaml:"superseded"`
		Accepted        string `yaml:"accepted"`
	} `yaml:"labels"`
}

type seriesYAML struct {
	ID            string `yaml:"id"`
	Title         string `yaml:"title"`
	First         string `yaml:"first"`
	Time          string `yaml:"time"`
	TimeZone      string `yaml:"time_zone"`
	Duration      string `yaml:"duration"`
	IntervalWeeks int    `yaml:"interval_weeks"`
	Until         string `yaml:"until"`
	// Location is where the meetings take place, as people read it; URL
	// the link to join them (calendars show both).
	Location string `yaml:"location"`
	URL      string `yaml:"url"`
}

type memberYAML struct {
	ID     string     `yaml:"id"`
	Name   string     `yaml:"name"`
	GitHub string     `yaml:"github"`
	Chat   string     `yaml:"chat"`
	Joined string     `yaml:"joined"`
	Left   string     `yaml:"left"`
	Terms  []termYAML `yaml:"terms"`
}

type termYAML struct {
	Joined string `yaml:"joined"`
	Left   string `yaml:"left"`
}

type chairYAML struct {
	Member string `yaml:"member"`
	From   string `yaml:"from"`
	Until  string `yaml:"until"`
}

type boardYAML struct {
	Name   string `yaml:"name"`
	GitHub string `yaml:"github"`
	Chair  bool   `yaml:"chair"`
}

// Parse decodes and validates one configuration document. name is used in
// error messages (a file path, usually).
func Parse(name string, data []byte) ([]*alesco.Committee, error) {
	cerr := &Error{File: name}
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil {
		cerr.Problems = yamlProblems(err)
		return nil, cerr
	}
	lines := map[string]int{}
	indexLines(&root, "", lines)

	var f fileYAML
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&f); err != nil {
		cerr.Problems = yamlProblems(err)
		return nil, cerr
	}
	if len(f.Committees) == 0 {
		cerr.Problems = append(cerr.Problems, Problem{Line: 1, Message: "no committees declared (want a top-level `committees:` list)"})
		return nil, cerr
	}
	var out []*alesco.Committee
	ids := map[string]bool{}
	for i, cy := range f.Committees {
		prefix := fmt.Sprintf("committees[%d]", i)
		add := func(path, format string, args ...any) {
			cerr.Problems = append(cerr.Problems, Problem{Line: lineOf(lines, prefix+"."+path), Message: fmt.Sprintf(format, args...)})
		}
		c := cy.toDomain(add)
		if ids[c.ID] {
			add("id", "committee id %q is declared twice", c.ID)
		}
		ids[c.ID] = true
		for _, fe := range c.Validate() {
			add(yamlPath(fe.Path), "committee %s: %s", c.ID, fe.Message)
		}
		out = append(out, c)
	}
	if len(cerr.Problems) > 0 {
		sort.SliceStable(cerr.Problems, func(i, j int) bool { return cerr.Problems[i].Line < cerr.Problems[j].Line })
		return nil, cerr
	}
	return out, nil
}

// adder reports a problem at a YAML path of the committee.
type adder func(path, format string, args ...any)

func (cy committeeYAML) toDomain(add adder) *alesco.Committee {
	c := cy.settings()
	c.Series = cy.series(add)
	c.Members = cy.members(add)
	for i, ch := range cy.Chairs {
		p := fmt.Sprintf("chairs[%d]", i)
		c.Chairs = append(c.Chairs, alesco.ChairTerm{MemberID: ch.Member,
			Term: alesco.Term{Start: add.date(p+".from", ch.From, true), End: add.date(p+".until", ch.Until, false)}})
	}
	for _, b := range cy.Board {
		c.Board = append(c.Board, alesco.BoardMember{Name: b.Name, GitHub: b.GitHub, Chair: b.Chair})
	}
	cy.writeBack(c, add)
	c.Secretaries = cy.Secretaries
	return c
}

// date reads a date at path, reporting a bad or missing one.
func (add adder) date(path, s string, required bool) alesco.Date {
	if s == "" {
		if required {
			add(path, "date is required")
		}
		return alesco.Date{}
	}
	d, err := alesco.ParseDate(s)
	if err != nil {
		add(path, "bad date %q: want YYYY-MM-DD", s)
	}
	return d
}

func intOr(p *int, def int) int {
	if p == nil {
		return def
	}
	return *p
}

// settings are the committee's own fields, rules and repository, with
// their defaults.
func (cy committeeYAML) settings() *alesco.Committee {
	c := &alesco.Committee{
		ID: cy.ID, Name: cy.Name, ShortName: cy.ShortName, TimeZone: cy.TimeZone,
		Links: alesco.Links{Chat: cy.Links.Chat, Events: cy.Links.Events, Minutes: cy.Links.Minutes,
			MinutesDir: cy.Links.MinutesDir, Website: cy.Links.Website},
		Rules: alesco.Rules{
			TieBreak:                 cy.Rules.TieBreak,
			ReviewPeriodDays:         intOr(cy.Rules.ReviewPeriodDays, 14),
			ChairTermMonths:          intOr(cy.Rules.ChairTermMonths, 6),
			ChairMaxConsecutiveTerms: intOr(cy.Rules.ChairMaxConsecutiveTerms, 2),
		},
		GitHub: alesco.GitHubSettings{
			Repo: cy.GitHub.Repo, RFCPath: cy.GitHub.RFCPath,
			DiscussionLabel: cy.GitHub.Labels.Discussion, FCPLabel: cy.GitHub.Labels.FCP,
			BoardInputLabel: cy.GitHub.Labels.BoardInput, BoardInputGivenLabel: cy.GitHub.Labels.BoardInputGiven, RejectedLabel: cy.GitHub.Labels.Rejected,
			WithdrawnLabel: cy.GitHub.Labels.Withdrawn, SupersededLabel: cy.GitHub.Labels.Superseded,
		},
		EventSite: alesco.EventSiteSettings{ICS: strings.TrimSpace(cy.Events.ICS), Match: cy.Events.Match},
	}
	if c.ShortName == "" {
		c.ShortName = strings.ToUpper(c.ID)
	}
	if c.Rules.TieBreak == "" {
		c.Rules.TieBreak = alesco.TieBreakChair
	}
	q := &c.Rules.Quorum
	q.Fraction, q.Plus, q.Minimum = 0.5, 1, 4
	if cy.Rules.Quorum.Fraction != nil {
		q.Fraction = *cy.Rules.Quorum.Fraction
	}
	q.Plus = intOr(cy.Rules.Quorum.Plus, q.Plus)
	q.Minimum = intOr(cy.Rules.Quorum.Minimum, q.Minimum)
	gh := &c.GitHub
	if gh.Repo != "" {
		gh.RFCPath = strings.TrimPrefix(cmpOr(gh.RFCPath, "rfcs/"), "/")
		if !strings.HasSuffix(gh.RFCPath, "/") {
			gh.RFCPath += "/"
		}
		gh.DiscussionLabel = cmpOr(gh.DiscussionLabel, "accepted for discussion")
		gh.FCPLabel = cmpOr(gh.FCPLabel, "vote at next meeting")
		gh.BoardInputLabel = cmpOr(gh.BoardInputLabel, "board input required")
		gh.BoardInputGivenLabel = cmpOr(gh.BoardInputGivenLabel, "board input received")
		gh.RejectedLabel = cmpOr(gh.RejectedLabel, "rejected")
		gh.WithdrawnLabel = cmpOr(gh.WithdrawnLabel, "withdrawn")
		gh.SupersededLabel = cmpOr(gh.SupersededLabel, "superseded")
	}
	return c
}

// series reads the meeting series.
func (cy committeeYAML) series(add adder) []alesco.Series {
	var out []alesco.Series
	for i, sy := range cy.Meetings {
		p := fmt.Sprintf("meetings[%d]", i)
		s := alesco.Series{ID: sy.ID, Title: sy.Title, TimeZone: sy.TimeZone, IntervalWeeks: sy.IntervalWeeks,
			First: add.date(p+".first", sy.First, true), Last: add.date(p+".until", sy.Until, false),
			Place: alesco.Place{Venue: strings.TrimSpace(sy.Location), JoinURL: strings.TrimSpace(sy.URL)}}
		if s.IntervalWeeks == 0 {
			s.IntervalWeeks = 1
		}
		hh, mm, ok := parseClock(sy.Time)
		if !ok {
			add(p+".time", "bad time %q: want HH:MM (24-hour, local to the series' time zone)", sy.Time)
		}
		s.Hour, s.Minute = hh, mm
		s.Duration = time.Hour
		if sy.Duration != "" {
			d, err := time.ParseDuration(sy.Duration)
			if err != nil || d <= 0 {
				add(p+".duration", "bad duration %q: want e.g. 1h or 45m", sy.Duration)
			} else {
				s.Duration = d
			}
		}
		out = append(out, s)
	}
	return out
}

// members reads the members and their terms (joined/left, or terms).
func (cy committeeYAML) members(add adder) []alesco.Member {
	var out []alesco.Member
	for i, my := range cy.Members {
		p := fmt.Sprintf("members[%d]", i)
		m := alesco.Member{ID: my.ID, Name: my.Name, GitHub: my.GitHub, Chat: my.Chat}
		if my.Joined != "" || my.Left != "" {
			if len(my.Terms) > 0 {
				add(p, "member %q: use either joined/left or terms, not both", my.ID)
			}
			m.Terms = append(m.Terms, alesco.Term{Start: add.date(p+".joined", my.Joined, true), End: add.date(p+".left", my.Left, false)})
		}
		for j, ty := range my.Terms {
			tp := fmt.Sprintf("%s.terms[%d]", p, j)
			m.Terms = append(m.Terms, alesco.Term{Start: add.date(tp+".joined", ty.Joined, true), End: add.date(tp+".left", ty.Left, false)})
		}
		out = append(out, m)
	}
	return out
}

func cmpOr(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

func parseClock(s string) (int, int, bool) {
	t, err := time.Parse("15:04", s)
	if err != nil {
		return 0, 0, false
	}
	return t.Hour(), t.Minute(), true
}

// indexLines records the line of every mapping value and sequence item,
// keyed by a path such as "committees[0].members[2].joined".
func indexLines(n *yaml.Node, path string, lines map[string]int) {
	switch n.Kind {
	case yaml.DocumentNode:
		for _, c := range n.Content {
			indexLines(c, path, lines)
		}
	case yaml.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			p := n.Content[i].Value
			if path != "" {
				p = path + "." + p
			}
			lines[p] = n.Content[i].Line
			indexLines(n.Content[i+1], p, lines)
		}
	case yaml.SequenceNode:
		for i, c := range n.Content {
			p := fmt.Sprintf("%s[%d]", path, i)
			lines[p] = c.Line
			indexLines(c, p, lines)
		}
	}
}

// yamlKeys name, by the Committee's field names, the keys that declare
// those fields in the file.
var yamlKeys = map[string]string{
	"ID": "id", "Name": "name", "TimeZone": "time_zone", "Rules": "rules", "Quorum": "quorum", "Fraction": "fraction",
	"TieBreak": "tie_break", "GitHub": "github", "Repo": "repo", "Members": "members", "Terms": "terms", "Chairs": "chairs",
	"MemberID": "member", "Secretaries": "secretaries", "Series": "meetings", "First": "first", "Last": "until",
	"IntervalWeeks": "interval_weeks", "Duration": "duration", "Hour": "time", "Venue": "location", "JoinURL": "url",
	"Board": "board", "Chair": "chair", "Wiki": "wiki", "MinutesDir": "minutes_dir", "Index": "index", "Notify": "notify",
	"BoardEmail": "board_email", "Chat": "chat", "AgendaBefore": "agenda_before", "ReminderBefore": "reminder_before",
	"EventSite": "events", "ICS": "ics", "Match": "match",
}

// fieldKeyRE matches a field name in a domain path.
var fieldKeyRE = regexp.MustCompile(`[A-Za-z]+`)

// yamlPath maps a domain field path (alesco.FieldError.Path) to the YAML
// key that declares it: "Series[0].IntervalWeeks" is
// "meetings[0].interval_weeks"; a member's single term is written as
// joined/left on the member itself.
func yamlPath(p string) string {
	p = fieldKeyRE.ReplaceAllStringFunc(p, func(name string) string {
		if k, ok := yamlKeys[name]; ok {
			return k
		}
		return name
	})
	return strings.NewReplacer(".terms[0]", "").Replace(p)
}

// lineOf finds the line of path, or of its nearest declared ancestor.
func lineOf(lines map[string]int, path string) int {
	for path != "" {
		if l, ok := lines[path]; ok {
			return l
		}
		i := strings.LastIndexAny(path, ".[")
		if i < 0 {
			break
		}
		path = path[:i]
	}
	return 0
}

var yamlLineRE = regexp.MustCompile(`^\s*(?:yaml: )?line (\d+): (.*)$`)
var notFoundRE = regexp.MustCompile(`field (\S+) not found in type config\.(\w+)`)

// yamlProblems turns the yaml package's errors into Problems with lines and
// wording for people editing the file.
func yamlProblems(err error) []Problem {
	var msgs []string
	var te *yaml.TypeError
	if errors.As(err, &te) {
		msgs = te.Errors
	} else {
		msgs = []string{err.Error()}
	}
	var out []Problem
	for _, m := range msgs {
		p := Problem{Message: strings.TrimPrefix(m, "yaml: ")}
		if g := yamlLineRE.FindStringSubmatch(m); g != nil {
			p.Line, _ = strconv.Atoi(g[1])
			p.Message = g[2]
		}
		if g := notFoundRE.FindStringSubmatch(p.Message); g != nil {
			p.Message = fmt.Sprintf("unknown key %q in %s", g[1], strings.TrimSuffix(g[2], "YAML"))
		}
		out = append(out, p)
	}
	return out
}
