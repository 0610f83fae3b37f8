package server

import (
	"context"

	"connectrpc.com/connect"
	"github.com/almalinux/alesco"
	alescov1 "github.com/almalinux/alesco/gen/alesco/v1"
)

type committeeService struct{ *Server }

func (s *committeeService) ListCommittees(ctx context.Context, req *connect.Request[alescov1.ListCommitteesRequest]) (*connect.Response[alescov1.ListCommitteesResponse], error) {
	out := &alescov1.ListCommitteesResponse{}
	for _, c := range s.committees.List() {
		out.Committees = append(out.Committees, CommitteeProto(c, c.Today(s.now())))
	}
	return connect.NewResponse(out), nil
}

func (s *committeeService) GetCommittee(ctx context.Context, req *connect.Request[alescov1.GetCommitteeRequest]) (*connect.Response[alescov1.GetCommitteeResponse], error) {
	c, err := s.committees.Get(req.Msg.CommitteeId)
	if err != nil {
		return nil, err
	}
	return connect.NewResponse(&alescov1.GetCommitteeResponse{Committee: CommitteeProto(c, c.Today(s.now()))}), nil
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
		pm := &alescov1.Member{Id: m.ID, Name: m.Name, GithubLogin: m.GitHub, ChatUrl: m.Chat, Current: m.IsMemberOn(d)}
		for _, t := range m.Terms {
			pm.Terms = append(pm.Terms, &alescov1.Term{StartDate: t.Start.String(), EndDate: t.End.String()})
		}
		out.Members = append(out.Members, pm)
	}
	for _, t := range c.Chairs {
		out.ChairTerms = append(out.ChairTerms, &alescov1.ChairTerm{MemberId: t.MemberID, StartDate: t.Start.String(), EndDate: t.End.String(), DueDate: c.ChairTermDue(t).String()})
	}
	if t, ok := c.ChairOn(d); ok {
		out.CurrentChairId = t.MemberID
		if m, ok := c.Member(t.MemberID); ok {
			out.CurrentChairName = m.Name
		}
	}
	out.ChairTermExpired, _ = c.ChairElectionDue(d)
	for _, b := range c.Board {
		out.BoardMembers = append(out.BoardMembers, &alescov1.BoardMember{Name: b.Name, GithubLogin: b.GitHub})
	}
	for _, sr := range c.Series {
		out.Series = append(out.Series, &alescov1.MeetingSeries{
			Id: sr.ID, Title: sr.Title, FirstDate: sr.First.String(), StartTime: fmt2(sr.Hour) + ":" + fmt2(sr.Minute),
			TimeZone: sr.TimeZone, DurationMinutes: int32(sr.Duration.Minutes()), IntervalWeeks: int32(sr.IntervalWeeks), LastDate: sr.Last.String(),
		})
	}
	return out
}

func fmt2(n int) string { return string([]byte{byte('0' + n/10), byte('0' + n%10)}) }
