package github

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"mime"
	"net/http"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/almalinux/alesco"
	gh "github.com/google/go-github/v89/github"
)

// MaxWebhookBytes caps a delivery's body. pull_request payloads are tens of
// kilobytes; GitHub itself caps payloads at 25 MB, and anything near that
// is not a pull request event.
const MaxWebhookBytes = 1 << 20

// webhookActions are the pull_request actions that may change a proposal.
var webhookActions = map[string]bool{
	"opened": true, "edited": true, "labeled": true, "unlabeled": true, "closed": true,
	"reopened": true, "synchronize": true, "ready_for_review": true,
}

// DeliveryApplier is the use case a verified delivery goes to (the
// application's *app.App satisfies it): it records the delivery's id and,
// unless that id was recorded before (applied false), stores what apply
// makes of the pull request kept (found false when none), in one
// transaction.
type DeliveryApplier interface {
	ApplyDelivery(ctx context.Context, deliveryID, committeeID, event, action string, number int,
		apply func(prev alesco.Proposal, found bool) (next alesco.Proposal, write bool)) (applied bool, err error)
}

// maxDeliveryID bounds a webhook delivery id (GitHub sends a GUID, 36
// characters).
const maxDeliveryID = 100

// Webhook handles POST /webhooks/github. It answers from the store alone
// (no GitHub request), so it answers within the second GitHub allows.
type Webhook struct {
	committees func() *alesco.Committees
	app        DeliveryApplier
	secret     []byte
	now        func() time.Time
	log        *slog.Logger
}

// NewWebhook builds the handler; cs returns the committees served now (the
// configuration may be reloaded); a applies the deliveries; secret is
// ALESCO_WEBHOOK_SECRET and must not be empty (an unsigned webhook would
// let anyone move proposals).
func NewWebhook(cs func() *alesco.Committees, a DeliveryApplier, secret string, now func() time.Time, log *slog.Logger) (*Webhook, error) {
	if secret == "" {
		return nil, errors.New("github: webhook secret is empty (set ALESCO_WEBHOOK_SECRET)")
	}
	if now == nil {
		now = time.Now
	}
	if log == nil {
		log = slog.Default()
	}
	return &Webhook{committees: cs, app: a, secret: []byte(secret), now: now, log: log}, nil
}

// ServeHTTP verifies and applies one delivery.
func (h *Webhook) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	body, sig, ok := h.verify(w, r)
	if !ok {
		return
	}
	event := gh.WebHookType(r)
	switch event {
	case "ping":
		io.WriteString(w, "pong\n")
		return
	case "pull_request":
	case "issue_comment", "pull_request_review":
		h.comment(w, r, event, body, sig)
		return
	default:
		w.WriteHeader(http.StatusAccepted)
		io.WriteString(w, "ignored: event "+event+"\n")
		return
	}
	ev, ok := h.decode(w, r, event, body, sig)
	if !ok {
		return
	}
	if !webhookActions[ev.GetAction()] {
		w.WriteHeader(http.StatusAccepted)
		io.WriteString(w, "ignored: action "+ev.GetAction()+"\n")
		return
	}
	c := h.committeeOf(ev.GetRepo().GetFullName())
	if c == nil {
		w.WriteHeader(http.StatusAccepted)
		io.WriteString(w, "ignored: no committee tracks "+ev.GetRepo().GetFullName()+"\n")
		return
	}
	h.apply(w, r, c, event, ev)
}

// verify reads the body and checks its signature and encoding; on failure
// it has answered.
func (h *Webhook) verify(w http.ResponseWriter, r *http.Request) (body []byte, sig string, ok bool) {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, MaxWebhookBytes))
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			http.Error(w, "webhook body too large", http.StatusRequestEntityTooLarge)
			return nil, "", false
		}
		http.Error(w, "cannot read webhook body", http.StatusBadRequest)
		return nil, "", false
	}
	// Only the SHA-256 signature counts (the SHA-1 one is legacy).
	sig = r.Header.Get(gh.SHA256SignatureHeader)
	if !strings.HasPrefix(sig, "sha256=") || gh.ValidateSignature(sig, body, h.secret) != nil {
		http.Error(w, "bad or missing X-Hub-Signature-256", http.StatusUnauthorized)
		return nil, "", false
	}
	// JSON is UTF-8 (RFC 8259 §8.1); Go's decoder would quietly turn
	// other bytes into U+FFFD and store them.
	if !utf8.Valid(body) {
		http.Error(w, "bad webhook payload: not UTF-8", http.StatusBadRequest)
		return nil, "", false
	}
	return body, sig, true
}

// decode reads a pull_request event; on failure it has answered.
func (h *Webhook) decode(w http.ResponseWriter, r *http.Request, event string, body []byte, sig string) (*gh.PullRequestEvent, bool) {
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if ct == "" {
		ct = "application/json"
	}
	payload, err := gh.ValidatePayloadFromBody(ct, bytes.NewReader(body), sig, h.secret)
	if err != nil {
		http.Error(w, "bad webhook payload: "+err.Error(), http.StatusBadRequest)
		return nil, false
	}
	parsed, err := gh.ParseWebHook(event, payload)
	if err != nil {
		http.Error(w, "bad pull_request payload: "+err.Error(), http.StatusBadRequest)
		return nil, false
	}
	ev, ok := parsed.(*gh.PullRequestEvent)
	if !ok || ev.GetPullRequest() == nil {
		http.Error(w, "pull_request payload without a pull request", http.StatusBadRequest)
		return nil, false
	}
	return ev, true
}

// apply checks what GitHub says of the pull request and hands the delivery
// to the use case, and answers.
func (h *Webhook) apply(w http.ResponseWriter, r *http.Request, c *alesco.Committee, event string, ev *gh.PullRequestEvent) {
	delivery := gh.DeliveryID(r)
	if delivery == "" {
		http.Error(w, "missing X-GitHub-Delivery", http.StatusBadRequest)
		return
	}
	number := ev.GetPullRequest().GetNumber()
	// What GitHub says is checked before anything is stored.
	if err := checkDelivery(delivery, number); err != nil {
		http.Error(w, "bad webhook delivery: "+alesco.ErrorMessage(err), http.StatusBadRequest)
		return
	}
	if err := fromAPI(c, alesco.Proposal{}, ev.GetPullRequest()).Validate(); err != nil {
		http.Error(w, "bad pull_request payload: "+alesco.ErrorMessage(err), http.StatusBadRequest)
		return
	}
	ctx := alesco.NewContext(r.Context(), alesco.Principal{Name: "github webhook " + delivery})
	applied, err := h.app.ApplyDelivery(ctx, delivery, c.ID, event, ev.GetAction(), number, func(prev alesco.Proposal, found bool) (alesco.Proposal, bool) {
		return applyEvent(c, ev, prev, found, h.now().UTC())
	})
	h.answerApplied(ctx, w, delivery, applied, err)
}

// checkDelivery checks a webhook delivery's id and pull-request number
// before anything is stored.
func checkDelivery(id string, number int) error {
	switch {
	case id == "":
		return alesco.Errorf(alesco.EINVALID, "webhook delivery has no X-GitHub-Delivery id")
	case len(id) > maxDeliveryID:
		return alesco.Errorf(alesco.EINVALID, "X-GitHub-Delivery is %d bytes long, at most %d", len(id), maxDeliveryID)
	case strings.Trim(id, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-") != "":
		return alesco.Errorf(alesco.EINVALID, "X-GitHub-Delivery %q holds characters other than letters, digits and dashes", id)
	case number < 1 || number > alesco.MaxPullNumber:
		return alesco.Errorf(alesco.EINVALID, "pull request number %d is out of range (1 to %d)", number, alesco.MaxPullNumber)
	}
	return nil
}

// committeeOf finds the committee whose repository sent the event.
func (h *Webhook) committeeOf(fullName string) *alesco.Committee {
	for _, c := range h.committees().List() {
		if c.GitHub.Repo != "" && strings.EqualFold(c.GitHub.Repo, fullName) {
			return c
		}
	}
	return nil
}

// applyEvent takes a pull_request event's full label set and state as current
// (deliveries may arrive out of order, so a payload older than what is
// stored changes nothing). The RFC file and header are not in the payload:
// a new pull request or a moved head is read at the next sync.
func applyEvent(c *alesco.Committee, ev *gh.PullRequestEvent, prev alesco.Proposal, found bool, now time.Time) (alesco.Proposal, bool) {
	pr := ev.GetPullRequest()
	if found && !pr.GetUpdatedAt().Time.IsZero() && pr.GetUpdatedAt().Time.Before(prev.Updated) {
		return prev, false
	}
	next := fromAPI(c, prev, pr)
	before, known := prev.Labels, found
	observed := now
	if ev.GetAction() == "labeled" || ev.GetAction() == "unlabeled" {
		// updated_at is when the label changed; and the payload names the
		// label, so the labels before it are known even for a pull
		// request never seen.
		if !found {
			name := ev.GetLabel().GetName()
			before, known = make([]string, 0, len(next.Labels)+1), true
			for _, l := range next.Labels {
				if !strings.EqualFold(l, name) {
					before = append(before, l)
				}
			}
			if ev.GetAction() == "unlabeled" {
				before = append(before, name)
			}
		}
		if t := pr.GetUpdatedAt().Time; !t.IsZero() {
			observed = t.UTC()
		}
	}
	next = settle(c, before, known, next, observed)
	if found && samePull(prev, next) {
		return prev, false
	}
	return next, true
}

// answerApplied tells GitHub what became of a delivery: stored (ok), seen
// before (a redelivery), or not stored (500: GitHub lets the operator
// redeliver it).
func (h *Webhook) answerApplied(ctx context.Context, w http.ResponseWriter, delivery string, applied bool, err error) {
	if err != nil {
		h.log.ErrorContext(ctx, "webhook not applied", "delivery", delivery, "err", err)
		http.Error(w, "could not store the delivery; GitHub will let you redeliver it", http.StatusInternalServerError)
		return
	}
	if !applied {
		io.WriteString(w, "duplicate delivery: already applied\n")
		return
	}
	io.WriteString(w, "ok\n")
}
