package server

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"time"

	"connectrpc.com/connect"
	"github.com/almalinux/alesco"
	"github.com/almalinux/alesco/agenda"
	alescov1 "github.com/almalinux/alesco/gen/alesco/v1"
	v1 "github.com/almalinux/alesco/gen/alesco/v1/alescov1connect"
	"google.golang.org/protobuf/types/known/timestamppb"
)

// agendaService implements AgendaService.
type agendaService struct {
	*Server
	v1.UnimplementedAgendaServiceHandler
}

// freezeGrace is how long after a meeting ends its agenda may still be put
// on record; an older meeting without one never had its agenda recorded.
const freezeGrace = 24 * time.Hour

// GetAgenda returns a meeting's agenda, structured and as Markdown.
func (s *agendaService) GetAgenda(ctx context.Context, req *connect.Request[alescov1.GetAgendaRequest]) (*connect.Response[alescov1.GetAgendaResponse], error) {
	c, m, err := s.agendaMeeting(ctx, req.Msg.MeetingId, req.Msg.CommitteeId)
	if err != nil {
		return nil, err
	}
	rep, err := s.agendaJSON(ctx, c, m)
	if err != nil {
		return nil, err
	}
	resp := connect.NewResponse(&alescov1.GetAgendaResponse{})
	if err := checkNotModified(req.Header(), resp.Header(), rep.ETag); err != nil {
		return nil, err
	}
	var a agenda.Agenda
	if err := json.Unmarshal(rep.Body, &a); err != nil {
		return nil, fmt.Errorf("server: agenda %s: %w", m.ID, err)
	}
	resp.Msg.Agenda = AgendaProto(a)
	return resp, nil
}

// agendaMeeting resolves a meeting id, or "next" (or empty) with a committee.
func (s *Server) agendaMeeting(ctx context.Context, meetingID, committeeID string) (*alesco.Committee, alesco.Meeting, error) {
	if meetingID == "" || meetingID == "next" {
		if committeeID == "" && len(s.committees.List()) == 1 {
			committeeID = s.committees.List()[0].ID
		}
		c, err := s.committees.Get(committeeID)
		if err != nil {
			return nil, alesco.Meeting{}, err
		}
		m, err := s.nextMeeting(ctx, c, s.now())
		return c, m, err
	}
	c, m, err := s.meeting(ctx, meetingID)
	if err == nil && committeeID != "" && committeeID != c.ID {
		return nil, alesco.Meeting{}, alesco.Errorf(alesco.EINVALID, "meeting %s belongs to %s, not %q", meetingID, c.ID, committeeID)
	}
	return c, m, err
}

// agendaJSON returns the agenda as JSON, cached until the data changes.
func (s *Server) agendaJSON(ctx context.Context, c *alesco.Committee, m alesco.Meeting) (Rendered, error) {
	version, err := s.store.DataVersion(ctx)
	if err != nil {
		return Rendered{}, err
	}
	started := !s.now().Before(m.Start)
	return s.cache.get("agenda.json/"+m.ID, fmt.Sprintf("%s/%t/%d", version, started, m.Start.Unix()), func() (Rendered, error) {
		a, err := s.buildAgenda(ctx, c, m, true)
		if err != nil {
			return Rendered{}, err
		}
		body, err := json.Marshal(a)
		if err != nil {
			return Rendered{}, fmt.Errorf("server: agenda %s: %w", m.ID, err)
		}
		return Rendered{Body: body, ContentType: "application/json"}, nil
	})
}

// buildAgenda returns the agenda on record for a started meeting, or builds
// it from the store. With freeze, the first build at or after the start is
// put on record and served unchanged from then on.
func (s *Server) buildAgenda(ctx context.Context, c *alesco.Committee, m alesco.Meeting, freeze bool) (agenda.Agenda, error) {
	if body, at, ok, err := s.store.AgendaSnapshot(ctx, m.ID); err != nil {
		return agenda.Agenda{}, err
	} else if ok {
		return decodeSnapshot(m.ID, body, at)
	}
	now := s.now()
	started := !now.Before(m.Start)
	if started && now.After(m.End.Add(freezeGrace)) {
		return agenda.Agenda{}, alesco.Errorf(alesco.ENOTFOUND, "no agenda on record for %s: the meeting ended before its agenda was recorded", m.ID)
	}
	proposals, err := s.store.Proposals(ctx, c.ID, alesco.ProposalSubmitted, alesco.ProposalDiscussion, alesco.ProposalFCP)
	if err != nil {
		return agenda.Agenda{}, err
	}
	carried, err := s.store.OpenItemsBefore(ctx, c.ID, m.Start)
	if err != nil {
		return agenda.Agenda{}, err
	}
	a := agenda.Build(c, m, proposals, carried)
	if !started || !freeze {
		return a, nil
	}
	a.Frozen, a.FrozenAt = true, now.UTC()
	body, err := json.Marshal(a)
	if err != nil {
		return agenda.Agenda{}, fmt.Errorf("server: agenda %s: %w", m.ID, err)
	}
	body, at, err := s.store.FreezeAgenda(alesco.NewContext(ctx, alesco.Principal{Name: "alesco (agenda on record)"}), c.ID, m.ID, body)
	if err != nil {
		return agenda.Agenda{}, err
	}
	return decodeSnapshot(m.ID, body, at)
}

func decodeSnapshot(id string, body []byte, at time.Time) (agenda.Agenda, error) {
	var a agenda.Agenda
	if err := json.Unmarshal(body, &a); err != nil {
		return a, fmt.Errorf("server: agenda on record for %s: %w", id, err)
	}
	a.Frozen, a.FrozenAt = true, at
	return a, nil
}

// FreezeStartedAgendas puts on record the agendas of meetings that started
// within the last day and have none yet, so an agenda is kept even when
// nobody asked for it during the meeting. The background loop calls it.
func (s *Server) FreezeStartedAgendas(ctx context.Context) error {
	now := s.now()
	for _, c := range s.committees.List() {
		ms, err := s.meetings(ctx, c, now.Add(-freezeGrace), now.Add(time.Minute))
		if err != nil {
			return err
		}
		for _, m := range ms {
			if m.Status == alesco.MeetingCancelled || now.Before(m.Start) {
				continue
			}
			if _, err := s.buildAgenda(ctx, c, m, true); err != nil && alesco.ErrorCode(err) != alesco.ENOTFOUND {
				return err
			}
		}
	}
	return nil
}

// handleAgendaMarkdown serves GET /agenda/{meeting_id}.md (and
// /agenda/next.md?committee=ID).
func (s *Server) handleAgendaMarkdown(w http.ResponseWriter, r *http.Request) {
	id, ok := strings.CutSuffix(r.PathValue("file"), ".md")
	if !ok {
		s.httpError(w, r, alesco.Errorf(alesco.ENOTFOUND, "no agenda %q: want /agenda/{meeting_id}.md", r.PathValue("file")))
		return
	}
	c, m, err := s.agendaMeeting(r.Context(), id, r.URL.Query().Get("committee"))
	if err != nil {
		s.httpError(w, r, err)
		return
	}
	rep, err := s.agendaJSON(r.Context(), c, m)
	if err != nil {
		s.httpError(w, r, err)
		return
	}
	var a agenda.Agenda
	if err := json.Unmarshal(rep.Body, &a); err != nil {
		s.httpError(w, r, err)
		return
	}
	md := []byte(a.Markdown())
	writeRendered(w, r, Rendered{Body: md, ETag: ETag(md), ContentType: "text/markdown; charset=utf-8"}, time.Minute)
}

// agendaSummary is the short agenda text a meeting's calendar event carries:
// the agenda on record for a started meeting, the live agenda for the next
// meeting, and nothing for later or unrecorded ones.
func (s *Server) agendaSummary(ctx context.Context, c *alesco.Committee, m alesco.Meeting) (string, error) {
	if m.Status == alesco.MeetingCancelled {
		return "", nil
	}
	now := s.now()
	if now.Before(m.Start) {
		// Only the next meeting carries the live agenda; skip the schedule
		// lookup for meetings that cannot be it.
		if m.Start.Sub(now) > 62*24*time.Hour {
			return "", nil
		}
		next, err := s.nextMeeting(ctx, c, now)
		if err != nil || next.ID != m.ID {
			return "", nil
		}
	} else if _, _, ok, err := s.store.AgendaSnapshot(ctx, m.ID); err != nil || !ok {
		return "", err
	}
	a, err := s.buildAgenda(ctx, c, m, false)
	if err != nil {
		return "", err
	}
	return a.Summary(), nil
}

// AgendaProto converts an agenda to its API form (with its Markdown).
func AgendaProto(a agenda.Agenda) *alescov1.Agenda {
	out := &alescov1.Agenda{
		MeetingId: a.MeetingID, CommitteeId: a.CommitteeID, Title: a.Title, StartTime: timestamppb.New(a.Start),
		Votes: itemsProto(a.Votes), Discussion: itemsProto(a.Discussion), CarriedOver: itemsProto(a.CarriedOver),
		NewSubmissions: itemsProto(a.NewSubmissions), Frozen: a.Frozen, Markdown: a.Markdown(),
	}
	if a.ChairElection.Due {
		out.ChairElection = &alescov1.ChairElection{Due: true, CurrentChairId: a.ChairElection.CurrentChairID, Reason: a.ChairElection.Reason}
	}
	if !a.FrozenAt.IsZero() {
		out.FrozenTime = timestamppb.New(a.FrozenAt)
	}
	return out
}

func itemsProto(items []agenda.Item) []*alescov1.AgendaItem {
	out := make([]*alescov1.AgendaItem, 0, len(items))
	for _, it := range items {
		out = append(out, &alescov1.AgendaItem{
			Kind: alescov1.AgendaItemKind(it.Kind), Number: int32(it.Number), Title: it.Title, Url: it.URL, Authors: it.Authors,
			State: alescov1.ProposalState(it.State), Draft: it.Draft, DaysInFcp: int32(it.DaysInFCP), DaysInReview: int32(it.DaysInReview),
			BoardInputNeeded: it.BoardInputNeeded, ReviewPeriodOpen: it.ReviewPeriodOpen, Warnings: it.Warnings,
			SourceMeetingId: it.SourceMeetingID, Owner: it.Owner, Note: it.Note,
		})
	}
	return out
}

// Agenda returns the agenda of a meeting (an id, or "next" with a
// committee), as GetAgenda does: from the store, on record once started.
func (s *Server) Agenda(ctx context.Context, meetingID, committeeID string) (agenda.Agenda, error) {
	c, m, err := s.agendaMeeting(ctx, meetingID, committeeID)
	if err != nil {
		return agenda.Agenda{}, err
	}
	return s.buildAgenda(ctx, c, m, true)
}
