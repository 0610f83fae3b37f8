// Package protoconv converts the domain's values to the API's messages
// (proto/alesco/v1), in one place: the server answers with them, and the
// CLI prints them as JSON in the API's own shape. Enum numbers come from
// one table per enum (enums.go).
package protoconv

import (
	"time"

	"github.com/almalinux/alesco"
	"github.com/almalinux/alesco/agenda"
	alescov1 "github.com/almalinux/alesco/gen/alesco/v1"
	"github.com/almalinux/alesco/minutesmd"
	"google.golang.org/protobuf/types/known/timestamppb"
)

// Timestamp is t as a message; nil for the zero time.
func Timestamp(t time.Time) *timestamppb.Timestamp {
	if t.IsZero() {
		return nil
	}
	return timestamppb.New(t)
}

// CommitteeProto converts a committee, evaluated on date d, to its API form.
func CommitteeProto(c *alesco.Committee, d alesco.Date) *alescov1.Committee {
	q := c.QuorumOn(d)
	out := &alescov1.Committee{
		Id: c.ID, Name: c.Name, ShortName: c.ShortName, TimeZone: c.TimeZone,
		Links: &alescov1.CommitteeLinks{ChatUrl: c.Links.Chat, EventsUrl: c.Links.Events, MinutesUrl: c.Links.Minutes, WebsiteUrl: c.Links.Website},
		Rules: &alescov1.Rules{
			Quorum:                   &alescov1.QuorumRule{Fraction: c.Rules.Quorum.Fraction, Plus: int32(c.Rules.Quorum.Plus), Minimum: int32(c.Rules.Quorum.Minimum)},
			TieBreak:                 c.Rules.TieBreak,
			ReviewPeriodDays:         int32(c.Rules.ReviewPeriodDays),
			ChairTermMonths:          int32(c.Rules.ChairTermMonths),
			ChairMaxConsecutiveTerms: int32(c.Rules.ChairMaxConsecutiveTerms),
		},
		AsOfDate:       d.String(),
		RosterSize:     int32(q.RosterSize),
		QuorumRequired: int32(q.Required),
	}
	if c.GitHub.Repo != "" {
		g := c.GitHub
		out.Github = &alescov1.GitHubSettings{Repo: g.Repo, RfcPath: g.RFCPath, DiscussionLabel: g.DiscussionLabel, FcpLabel: g.FCPLabel, BoardInputLabel: g.BoardInputLabel}
	}
	for _, m := range c.Members {
		pm := &alescov1.Member{Id: m.ID, Name: m.Name, GithubLogin: m.GitHub, ChatUrl: m.Chat, Current: m.IsMemberOn(d), Source: alescov1.RosterSource_ROSTER_SOURCE_CONFIG}
		for i, t := range m.Terms {
			pm.Terms = append(pm.Terms, &alescov1.Term{StartDate: t.Start.String(), EndDate: t.End.String(), Source: termSource(t),
				StartedInMeetingId: t.StartedIn, EndedInMeetingId: t.EndedIn})
			if i == 0 && t.StartedIn != "" {
				pm.Source = alescov1.RosterSource_ROSTER_SOURCE_DECISION
			}
		}
		out.Members = append(out.Members, pm)
	}
	for _, t := range c.Chairs {
		out.ChairTerms = append(out.ChairTerms, &alescov1.ChairTerm{MemberId: t.MemberID, StartDate: t.Start.String(), EndDate: t.End.String(), DueDate: c.ChairTermDue(t).String(),
			Source: termSource(t.Term), StartedInMeetingId: t.StartedIn, EndedInMeetingId: t.EndedIn})
	}
	if t, ok := c.ChairOn(d); ok {
		out.CurrentChairId = t.MemberID
		out.CurrentChairSource, out.CurrentChairElectedInMeetingId = termSource(t.Term), t.StartedIn
		if m, ok := c.Member(t.MemberID); ok {
			out.CurrentChairName = m.Name
		}
	}
	out.SecretaryIds = c.Secretaries
	out.ChairTermExpired, _ = c.ChairElectionDue(d)
	for _, b := range c.Board {
		out.BoardMembers = append(out.BoardMembers, &alescov1.BoardMember{Name: b.Name, GithubLogin: b.GitHub})
	}
	for _, sr := range c.Series {
		out.Series = append(out.Series, &alescov1.MeetingSeries{
			Id: sr.ID, Title: sr.Title, FirstDate: sr.First.String(), StartTime: time.Date(0, 1, 1, sr.Hour, sr.Minute, 0, 0, time.UTC).Format("15:04"),
			TimeZone: sr.TimeZone, DurationMinutes: int32(sr.Duration.Minutes()), IntervalWeeks: int32(sr.IntervalWeeks), LastDate: sr.Last.String(),
			Location: sr.Venue, JoinUrl: sr.JoinURL,
		})
	}
	return out
}

// termSource says where a term's start comes from.
func termSource(t alesco.Term) alescov1.RosterSource {
	if t.StartedIn != "" {
		return alescov1.RosterSource_ROSTER_SOURCE_DECISION
	}
	return alescov1.RosterSource_ROSTER_SOURCE_CONFIG
}

// MeetingProto converts a meeting to its API form, with its links.
func MeetingProto(m alesco.Meeting, l alesco.MeetingLinks) *alescov1.Meeting {
	loc := m.Location
	if loc == nil {
		loc = time.UTC
	}
	return &alescov1.Meeting{
		Id: m.ID, CommitteeId: m.CommitteeID, Title: m.Title,
		StartTime: timestamppb.New(m.Start), EndTime: timestamppb.New(m.End), TimeZone: m.TimeZone,
		Status: MeetingStatus(m.Status), CancelReason: m.CancelReason, SeriesId: m.SeriesID,
		OriginalStartTime: timestamppb.New(m.OriginalStart), Sequence: int32(m.Sequence),
		LocalStart: m.Start.In(loc).Format("2006-01-02T15:04"),
		Links:      &alescov1.MeetingLinks{AgendaUrl: l.Agenda, MinutesUrl: l.Minutes, FeedUrl: l.Feed, IcsUrl: l.ICS, PageUrl: l.Page},
		AllDay:     m.AllDay, Location: m.Venue, JoinUrl: m.JoinURL, EventUrl: m.EventURL,
	}
}

// ProposalProto converts a proposal to its API form.
func ProposalProto(p alesco.Proposal) *alescov1.Proposal {
	return &alescov1.Proposal{
		CommitteeId: p.CommitteeID, Number: int32(p.Number), Title: p.Title, Url: p.URL, AuthorLogin: p.AuthorLogin,
		Authors: p.Authors, RfcNumber: p.RFCNumber, RfcPath: p.RFCPath, HeaderStatus: p.HeaderStatus,
		State: ProposalState(p.State), Draft: p.Draft, Labels: p.Labels,
		NeedsBoardInput: p.NeedsBoardInput, BoardInputReason: p.BoardInputReason,
		CreatedTime: Timestamp(p.Created), UpdatedTime: Timestamp(p.Updated), ClosedTime: Timestamp(p.Closed),
		MergedTime: Timestamp(p.MergedAt), DiscussionTime: Timestamp(p.DiscussionTime), FcpTime: Timestamp(p.FCPTime),
		HeadSha: p.HeadSHA, Abstract: p.Abstract,
	}
}

// DiscussedProposalProto converts a proposal with what its GitHub
// discussion says: the binding votes, then the non-binding ones, and the
// concerns.
func DiscussedProposalProto(p alesco.Proposal, d alesco.Discussion) *alescov1.Proposal {
	out := ProposalProto(p)
	for _, v := range append(append([]alesco.AsyncVote(nil), d.Votes...), d.NonBinding...) {
		out.AsyncVotes = append(out.AsyncVotes, &alescov1.AsyncVote{Login: v.Login, MemberId: v.MemberID, MemberName: v.MemberName,
			Value: Vote(v.Value), Url: v.URL, CastTime: Timestamp(v.Cast), Binding: v.Binding})
	}
	for _, c := range d.Concerns {
		out.Concerns = append(out.Concerns, &alescov1.Concern{Text: c.Text, MemberId: c.MemberID, MemberName: c.MemberName, Url: c.URL,
			Resolved: c.Resolved, ResolvedBy: c.ResolvedBy, ResolvedUrl: c.ResolvedURL})
	}
	return out
}

// AgendaProto converts an agenda to its API form (with its Markdown).
func AgendaProto(a agenda.Agenda) *alescov1.Agenda {
	out := &alescov1.Agenda{
		MeetingId: a.MeetingID, CommitteeId: a.CommitteeID, Title: a.Title, StartTime: timestamppb.New(a.Start),
		Votes: itemsProto(a.Votes), Discussion: itemsProto(a.Discussion), CarriedOver: itemsProto(a.CarriedOver),
		NewSubmissions: itemsProto(a.NewSubmissions), Frozen: a.Frozen, Markdown: a.Markdown(), FrozenTime: Timestamp(a.FrozenAt),
		Decided: itemsProto(a.Decided),
	}
	if a.ChairElection.Due {
		out.ChairElection = &alescov1.ChairElection{Due: true, CurrentChairId: a.ChairElection.CurrentChairID, Reason: a.ChairElection.Reason,
			CannotStand: a.ChairElection.CannotStand}
	}
	return out
}

func itemsProto(items []agenda.Item) []*alescov1.AgendaItem {
	out := make([]*alescov1.AgendaItem, 0, len(items))
	for _, it := range items {
		out = append(out, &alescov1.AgendaItem{
			Kind: alescov1.AgendaItemKind(it.Kind), Number: int32(it.Number), Title: it.Title, Url: it.URL, Authors: it.Authors,
			State: ProposalState(it.State), Draft: it.Draft, DaysInFcp: int32(it.DaysInFCP), DaysInReview: int32(it.DaysInReview),
			BoardInputNeeded: it.BoardInputNeeded, ReviewPeriodOpen: it.ReviewPeriodOpen, Warnings: it.Warnings,
			SourceMeetingId: it.SourceMeetingID, Owner: it.Owner, Note: it.Note, Outcome: Outcome(it.Outcome),
		})
	}
	return out
}

// MinutesProto converts minutes to their API form, with the roster and
// quorum on the meeting's date.
func MinutesProto(c *alesco.Committee, m *alesco.Minutes) *alescov1.Minutes {
	q, present := m.Quorum(c)
	out := &alescov1.Minutes{
		MeetingId: m.MeetingID, CommitteeId: m.CommitteeID, Date: m.Date.String(), Status: MinutesStatus(m.Status),
		Revision: int32(m.Revision), RecordedBy: m.RecordedBy, EditedBy: m.EditedBy,
		RosterSize: int32(q.RosterSize), QuorumRequired: int32(q.Required), MembersPresent: int32(present), QuorumMet: q.Met(present),
		Markdown: minutesmd.Text(c, m), FinalizedTime: Timestamp(m.Finalized),
	}
	for _, a := range m.Attendees {
		out.Attendees = append(out.Attendees, &alescov1.Attendee{Kind: AttendeeKind(a.Kind), MemberId: a.MemberID, Name: a.Name, Absent: a.Absent, Note: a.Note,
			ArrivedTime: Timestamp(a.Arrived), LeftTime: Timestamp(a.Left)})
	}
	for _, d := range m.Decisions {
		out.Decisions = append(out.Decisions, &alescov1.Decision{Text: d.Text, Details: d.Details, MotionId: d.MotionID,
			ProposalNumber: int32(d.ProposalNumber), Outcome: Outcome(d.Outcome)})
	}
	for _, n := range m.Notes {
		out.Notes = append(out.Notes, NoteProto(n))
	}
	for i := range m.Motions {
		out.Motions = append(out.Motions, MotionProto(m.Motions[i]))
	}
	for _, a := range m.ActionItems {
		out.ActionItems = append(out.ActionItems, ActionItemProto(a))
	}
	for _, r := range m.Revisions {
		out.Revisions = append(out.Revisions, &alescov1.MinutesRevision{Revision: int32(r.Revision), Reason: r.Reason, Markdown: r.Markdown, FinalizedTime: Timestamp(r.Finalized)})
	}
	return out
}

// MinutesSummary is one line of ListMinutes.
func MinutesSummary(c *alesco.Committee, m *alesco.Minutes) *alescov1.MinutesSummary {
	q, present := m.Quorum(c)
	sum := &alescov1.MinutesSummary{MeetingId: m.MeetingID, Date: m.Date.String(), Status: MinutesStatus(m.Status),
		MembersPresent: int32(present), RosterSize: int32(q.RosterSize), QuorumMet: q.Met(present)}
	for _, d := range m.Decisions {
		sum.Decisions = append(sum.Decisions, d.Text)
	}
	return sum
}

// NoteProto converts a note.
func NoteProto(n alesco.Note) *alescov1.Note {
	return &alescov1.Note{Id: n.ID, Topic: n.Topic, ProposalNumber: int32(n.ProposalNumber), Text: n.Text}
}

// ActionItemProto converts an action item.
func ActionItemProto(a alesco.ActionItem) *alescov1.ActionItem {
	return &alescov1.ActionItem{Id: a.ID, Number: int32(a.Number), MeetingId: a.MeetingID, Owner: a.Owner, Text: a.Text, Done: a.Done, CompletedTime: Timestamp(a.Completed)}
}

// MotionProto converts a motion with its votes.
func MotionProto(m alesco.Motion) *alescov1.Motion {
	t := m.Tally()
	out := &alescov1.Motion{
		Id: m.ID, Number: int32(m.Number), MeetingId: m.MeetingID, Title: m.Title, ProposalNumber: int32(m.ProposalNumber),
		Status: MotionStatus(m.Status), Outcome: Outcome(m.Outcome), Unanimous: m.Unanimous,
		Tally:      &alescov1.Tally{Yes: int32(t.Yes), Abstain: int32(t.Abstain), No: int32(t.No)},
		OpenedTime: Timestamp(m.Opened), ClosedTime: Timestamp(m.Closed),
		Topic: m.Topic, Kind: MotionKind(m.Kind), SubjectMemberId: m.SubjectID, SubjectName: m.SubjectName,
	}
	for _, v := range m.Votes {
		out.Votes = append(out.Votes, VoteProto(v))
	}
	if m.Deciding != nil {
		out.DecidingVote = VoteProto(*m.Deciding)
	}
	return out
}

// VoteProto converts a vote.
func VoteProto(v alesco.Vote) *alescov1.Vote {
	return &alescov1.Vote{MemberId: v.MemberID, MemberName: v.MemberName, ReferenceUrl: v.ReferenceURL, CastTime: Timestamp(v.Cast),
		Source: VoteSource(v.Source), Value: Vote(v.Value)}
}

// Attendees reads the attendees of a request; an unknown kind is EINVALID.
func Attendees(in []*alescov1.Attendee) ([]alesco.Attendee, error) {
	out := make([]alesco.Attendee, 0, len(in))
	for i, a := range in {
		kind, err := AttendeeKindFrom(a.Kind)
		if err != nil {
			return nil, alesco.Errorf(alesco.EINVALID, "attendee %d: %s", i+1, alesco.ErrorMessage(err))
		}
		out = append(out, alesco.Attendee{Kind: kind, MemberID: a.MemberId, Name: a.Name, Absent: a.Absent, Note: a.Note})
	}
	return out, nil
}

// SearchResultProto is a search hit as the API returns it; url is where to
// read it (the meeting's page or the proposal's pull request).
func SearchResultProto(h alesco.SearchHit, url string) *alescov1.SearchResult {
	out := &alescov1.SearchResult{Kind: SearchKind(h.Kind), MeetingId: h.MeetingID,
		ProposalNumber: int32(h.ProposalNumber), Title: h.Title, Snippet: h.SnippetText(), Url: url}
	if !h.Date.IsZero() {
		out.Date = h.Date.String()
	}
	for _, p := range h.Snippet {
		out.SnippetParts = append(out.SnippetParts, &alescov1.SnippetPart{Text: p.Text, Match: p.Match})
	}
	return out
}

// AmendmentProto converts what an amendment changed.
func AmendmentProto(a alesco.Amendment) *alescov1.AmendmentSummary {
	return &alescov1.AmendmentSummary{
		Revision: int32(a.Revision), Reopened: a.Reopened,
		AttendeesAdded: a.AttendeesAdded, AttendeesRemoved: a.AttendeesRemoved, AttendeesChanged: a.AttendeesChanged,
		DecisionsAdded: a.DecisionsAdded, DecisionsRemoved: a.DecisionsRemoved,
		TopicsAdded: a.TopicsAdded, TopicsRemoved: a.TopicsRemoved, TopicsChanged: a.TopicsChanged,
		ActionItemsAdded: a.ActionItemsAdded, ActionItemsRemoved: a.ActionItemsRemoved,
		NamesChanged: a.NamesChanged, Lines: a.Summary(),
	}
}
