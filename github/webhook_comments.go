package github

import (
	"bytes"
	"context"
	"io"
	"mime"
	"net/http"

	"github.com/almalinux/alesco"
	gh "github.com/google/go-github/v89/github"
)

// CommentApplier is the use case a verified comment or review delivery
// goes to (*app.App satisfies it): it records the delivery's id and keeps
// the comment's news (deleted: the comment is gone), in one transaction.
type CommentApplier interface {
	ApplyComment(ctx context.Context, deliveryID, event, action string, cm alesco.DiscussionComment, deleted bool) (applied bool, err error)
}

// commentActions are the issue_comment and pull_request_review actions
// that may change a discussion (a dismissed review keeps its words).
var commentActions = map[string]bool{"created": true, "edited": true, "deleted": true, "submitted": true}

// comment applies an issue_comment or pull_request_review delivery; it
// answers.
func (h *Webhook) comment(w http.ResponseWriter, r *http.Request, event string, body []byte, sig string) {
	ca, ok := h.app.(CommentApplier)
	if !ok {
		w.WriteHeader(http.StatusAccepted)
		io.WriteString(w, "ignored: event "+event+"\n")
		return
	}
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if ct == "" {
		ct = "application/json"
	}
	payload, err := gh.ValidatePayloadFromBody(ct, bytes.NewReader(body), sig, h.secret)
	if err != nil {
		http.Error(w, "bad webhook payload: "+err.Error(), http.StatusBadRequest)
		return
	}
	parsed, err := gh.ParseWebHook(event, payload)
	if err != nil {
		http.Error(w, "bad "+event+" payload: "+err.Error(), http.StatusBadRequest)
		return
	}
	var cm alesco.DiscussionComment
	var action, repo string
	var c *alesco.Committee
	switch ev := parsed.(type) {
	case *gh.IssueCommentEvent:
		action, repo = ev.GetAction(), ev.GetRepo().GetFullName()
		if ev.GetComment() == nil || !ev.GetIssue().IsPullRequest() {
			w.WriteHeader(http.StatusAccepted)
			io.WriteString(w, "ignored: a comment on an issue, not a pull request\n")
			return
		}
		if c = h.committeeOf(repo); c != nil {
			cm = CommentFromAPI(c, ev.GetIssue().GetNumber(), ev.GetComment())
		}
	case *gh.PullRequestReviewEvent:
		action, repo = ev.GetAction(), ev.GetRepo().GetFullName()
		if ev.GetReview() == nil {
			http.Error(w, "pull_request_review payload without a review", http.StatusBadRequest)
			return
		}
		if c = h.committeeOf(repo); c != nil {
			cm = ReviewFromAPI(c, ev.GetPullRequest().GetNumber(), ev.GetReview())
		}
	default:
		http.Error(w, "bad "+event+" payload", http.StatusBadRequest)
		return
	}
	switch {
	case !commentActions[action]:
		w.WriteHeader(http.StatusAccepted)
		io.WriteString(w, "ignored: action "+action+"\n")
		return
	case c == nil:
		w.WriteHeader(http.StatusAccepted)
		io.WriteString(w, "ignored: no committee tracks "+repo+"\n")
		return
	}
	h.applyComment(w, r, ca, event, action, cm)
}

// applyComment checks the comment and hands it to the use case; it answers.
func (h *Webhook) applyComment(w http.ResponseWriter, r *http.Request, ca CommentApplier, event, action string, cm alesco.DiscussionComment) {
	delivery := gh.DeliveryID(r)
	if err := checkDelivery(delivery, cm.Number); err != nil {
		http.Error(w, "bad webhook delivery: "+alesco.ErrorMessage(err), http.StatusBadRequest)
		return
	}
	if cm.ID <= 0 || cm.Author == "" || cm.Created.IsZero() {
		http.Error(w, "bad "+event+" payload: the comment has no id, author or creation time", http.StatusBadRequest)
		return
	}
	if _, err := alesco.CleanText("comment author", alesco.NameText, cm.Author); err != nil {
		http.Error(w, "bad "+event+" payload: "+alesco.ErrorMessage(err), http.StatusBadRequest)
		return
	}
	if cm.Updated.IsZero() || cm.Updated.Before(cm.Created) {
		cm.Updated = cm.Created
	}
	ctx := alesco.NewContext(r.Context(), alesco.Principal{Name: "github webhook " + delivery})
	applied, err := ca.ApplyComment(ctx, delivery, event, action, cm, action == "deleted")
	h.answerApplied(ctx, w, delivery, applied, err)
}
