package alesco

import (
	"sort"
	"strings"
)

// This file finds people by what others call them: the live command
// language (`present neal`, `vote @ngompa13 +1`), chat (a speaker's
// username) and action-item owners all name members the same ways.

// ChatHandle returns the member's chat handle: the @name that ends their
// chat link (https://chat.almalinux.org/almalinux/messages/@ngompa13 gives
// "ngompa13"); "" when they have no such link.
func (m *Member) ChatHandle() string {
	i := strings.LastIndexByte(m.Chat, '@')
	if i < 0 {
		return ""
	}
	h := m.Chat[i+1:]
	if j := strings.IndexAny(h, "/?#"); j >= 0 {
		h = h[:j]
	}
	return h
}

// normName folds a name for comparison: lower case, single spaces.
func normName(s string) string { return strings.Join(strings.Fields(strings.ToLower(s)), " ") }

// MemberByChat finds the member whose chat handle is handle (a leading @
// is ignored, case is not significant).
func (c *Committee) MemberByChat(handle string) (*Member, bool) {
	h := strings.ToLower(strings.TrimPrefix(strings.TrimSpace(handle), "@"))
	if h == "" {
		return nil, false
	}
	for i := range c.Members {
		if strings.ToLower(c.Members[i].ChatHandle()) == h {
			return &c.Members[i], true
		}
	}
	return nil, false
}

// FindMember finds the member ref names: their id, full name, GitHub
// login or chat handle (with or without @), or a first or last name that
// only one member on the roster on d has. Case and extra spaces do not
// matter. Anyone else is ENOTFOUND, with the names that would work.
func (c *Committee) FindMember(ref string, d Date) (*Member, error) {
	want := normName(strings.TrimPrefix(strings.TrimSpace(ref), "@"))
	if want == "" {
		return nil, Errorf(EINVALID, "name a member: id, full name, GitHub login or chat handle")
	}
	for i := range c.Members {
		m := &c.Members[i]
		if want == m.ID || want == normName(m.Name) || (m.GitHub != "" && want == strings.ToLower(m.GitHub)) ||
			(m.ChatHandle() != "" && want == strings.ToLower(m.ChatHandle())) {
			return m, nil
		}
	}
	var matches []*Member
	if !strings.Contains(want, " ") {
		for i := range c.Members {
			m := &c.Members[i]
			if !m.IsMemberOn(d) {
				continue
			}
			words := strings.Fields(strings.ToLower(m.Name))
			if len(words) > 0 && (words[0] == want || words[len(words)-1] == want) {
				matches = append(matches, m)
			}
		}
	}
	switch len(matches) {
	case 1:
		return matches[0], nil
	case 0:
		return nil, Errorf(ENOTFOUND, "no member %q in %s: name one by id, full name, GitHub login or chat handle (%s)", strings.TrimSpace(ref), c.ShortName, c.rosterNames(d))
	}
	names := make([]string, len(matches))
	for i, m := range matches {
		names[i] = m.Name
	}
	return nil, Errorf(EINVALID, "%q could be %s: use the full name", strings.TrimSpace(ref), strings.Join(names, " or "))
}

// FindMembers finds every member a list names: "andrew, ben and neal",
// "Andrew Lukoshko Ben Thomas" or "alukoshko @ngompa13". Without commas
// the longest run of words that names a member is taken each time, so
// full names need no quoting.
func (c *Committee) FindMembers(list string, d Date) ([]*Member, error) {
	var parts []string
	if strings.Contains(list, ",") || strings.Contains(list, " and ") {
		for _, p := range strings.FieldsFunc(strings.ReplaceAll(list, " and ", ","), func(r rune) bool { return r == ',' }) {
			if p = strings.TrimSpace(p); p != "" {
				parts = append(parts, p)
			}
		}
	} else {
		words := strings.Fields(list)
		for i := 0; i < len(words); {
			j := len(words)
			for ; j > i+1; j-- {
				if _, err := c.FindMember(strings.Join(words[i:j], " "), d); err == nil {
					break
				}
			}
			parts = append(parts, strings.Join(words[i:j], " "))
			i = j
		}
	}
	if len(parts) == 0 {
		return nil, Errorf(EINVALID, "name at least one member (%s)", c.rosterNames(d))
	}
	var out []*Member
	for _, p := range parts {
		m, err := c.FindMember(p, d)
		if err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	return out, nil
}

// DisplayName is how the minutes write a person someone named: a member's
// full name when ref names a member, else ref as written (an action item
// may belong to someone outside the committee).
func (c *Committee) DisplayName(ref string, d Date) string {
	ref = strings.TrimSpace(ref)
	if m, err := c.FindMember(ref, d); err == nil {
		return m.Name
	}
	return ref
}

// rosterNames lists the names on the roster on d, for messages.
func (c *Committee) rosterNames(d Date) string {
	var names []string
	for _, m := range c.Roster(d) {
		names = append(names, m.Name)
	}
	sort.Strings(names)
	return strings.Join(names, ", ")
}

// IsSecretary reports whether the member records meetings for the
// committee (the configuration's secretaries).
func (c *Committee) IsSecretary(memberID string) bool {
	for _, id := range c.Secretaries {
		if id == memberID {
			return true
		}
	}
	return false
}
