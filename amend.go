package alesco

import (
	"fmt"
	"slices"
	"strings"
)

// Amendment says what an amendment changed, for the person who made it
// (and the audit log): what an amended text added and removed, or that
// the minutes were reopened.
type Amendment struct {
	Revision           int // the revision the amendment made
	Reopened           bool
	AttendeesAdded     []string // "Luna Jernberg (community)"
	AttendeesRemoved   []string
	AttendeesChanged   []string // present/absent or note changed
	DecisionsAdded     []string
	DecisionsRemoved   []string
	TopicsAdded        []string
	TopicsRemoved      []string
	TopicsChanged      []string // same topic, other text
	ActionItemsAdded   []string
	ActionItemsRemoved []string
	NamesChanged       bool // recorded by, edited by
}

// Summary says the amendment in sentences, one per kind of change.
func (a Amendment) Summary() []string {
	if a.Reopened {
		return []string{fmt.Sprintf("reopened as a draft of revision %d; the final text is kept as revision %d", a.Revision, a.Revision-1)}
	}
	var out []string
	add := func(what string, added, removed []string) {
		var parts []string
		if len(added) > 0 {
			parts = append(parts, "added "+strings.Join(quoteAll(added), ", "))
		}
		if len(removed) > 0 {
			parts = append(parts, "removed "+strings.Join(quoteAll(removed), ", "))
		}
		if len(parts) > 0 {
			out = append(out, what+": "+strings.Join(parts, "; "))
		}
	}
	add("attendance", a.AttendeesAdded, a.AttendeesRemoved)
	if len(a.AttendeesChanged) > 0 {
		out = append(out, "attendance: changed "+strings.Join(quoteAll(a.AttendeesChanged), ", "))
	}
	add("decisions", a.DecisionsAdded, a.DecisionsRemoved)
	add("topics", a.TopicsAdded, a.TopicsRemoved)
	if len(a.TopicsChanged) > 0 {
		out = append(out, "notes changed under "+strings.Join(quoteAll(a.TopicsChanged), ", "))
	}
	add("action items", a.ActionItemsAdded, a.ActionItemsRemoved)
	if a.NamesChanged {
		out = append(out, "recorded/edited by changed")
	}
	if len(out) == 0 {
		out = []string{"the text changed only in form; the record is the same"}
	}
	return out
}

func quoteAll(in []string) []string {
	out := make([]string, len(in))
	for i, s := range in {
		out[i] = fmt.Sprintf("%q", s)
	}
	return out
}

// CompareMinutes says what an amendment changed between the record before
// (as its final text reads) and after it.
func CompareMinutes(before, after *Minutes) Amendment {
	a := Amendment{Revision: after.Revision, Reopened: after.Status == MinutesDraft}
	if a.Reopened {
		return a
	}
	who := func(x Attendee) string { return x.Name + " (" + string(x.Kind) + ")" }
	state := func(x Attendee) string { return fmt.Sprint(x.Absent, "|", x.Note) }
	was := map[string]string{}
	for _, x := range before.Attendees {
		was[who(x)] = state(x)
	}
	is := map[string]bool{}
	for _, x := range after.Attendees {
		is[who(x)] = true
		switch s, ok := was[who(x)]; {
		case !ok:
			a.AttendeesAdded = append(a.AttendeesAdded, who(x))
		case s != state(x):
			a.AttendeesChanged = append(a.AttendeesChanged, who(x))
		}
	}
	for _, x := range before.Attendees {
		if !is[who(x)] {
			a.AttendeesRemoved = append(a.AttendeesRemoved, who(x))
		}
	}
	text := func(ds []Decision) []string {
		var out []string
		for _, d := range ds {
			out = append(out, d.Text)
		}
		return out
	}
	a.DecisionsAdded, a.DecisionsRemoved = listDiff(text(before.Decisions), text(after.Decisions))
	notes := func(ns []Note) (order []string, byTopic map[string]string) {
		byTopic = map[string]string{}
		for _, n := range ns {
			t := n.Topic
			if t == "" {
				t = "(no topic)"
			}
			if _, ok := byTopic[t]; !ok {
				order = append(order, t)
			}
			byTopic[t] += n.Text + "\n"
		}
		return order, byTopic
	}
	beforeTopics, beforeText := notes(before.Notes)
	afterTopics, afterText := notes(after.Notes)
	a.TopicsAdded, a.TopicsRemoved = listDiff(beforeTopics, afterTopics)
	for _, t := range afterTopics {
		if old, ok := beforeText[t]; ok && old != afterText[t] {
			a.TopicsChanged = append(a.TopicsChanged, t)
		}
	}
	items := func(is []ActionItem) []string {
		var out []string
		for _, i := range is {
			out = append(out, strings.TrimPrefix(i.Owner+": "+i.Text, ": "))
		}
		return out
	}
	a.ActionItemsAdded, a.ActionItemsRemoved = listDiff(items(before.ActionItems), items(after.ActionItems))
	a.NamesChanged = !slices.Equal(before.RecordedBy, after.RecordedBy) || !slices.Equal(before.EditedBy, after.EditedBy)
	return a
}

// listDiff returns what after has more of than before, and what less
// (as multisets, in order).
func listDiff(before, after []string) (added, removed []string) {
	count := map[string]int{}
	for _, s := range before {
		count[s]++
	}
	for _, s := range after {
		if count[s] > 0 {
			count[s]--
		} else {
			added = append(added, s)
		}
	}
	for _, s := range before {
		if count[s] > 0 {
			count[s]--
			removed = append(removed, s)
		}
	}
	return added, removed
}
