package github

import (
	"bytes"
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

// Webhook handles POST /webhooks/github. It answers from the store alone
// (no GitHub request), so it answers within the second GitHub allows.
type Webhook struct {
	committees func() *alesco.Committees
	db         Store
	secret     []byte
	now        func() time.Time
	log        *slog.Logger
}

// NewWebhook builds the handler; cs returns the committees served now (the
// configuration may be reloaded); secret is ALESCO_WEBHOOK_SECRET and must
// not be empty (an unsigned webhook would let anyone move proposals).
func NewWebhook(cs func() *alesco.Committees, db Store, secret string, now func() time.Time, log *slog.Logger) (*Webhook, error) {
	if secret == "" {
		return nil, errors.New("github: webhook secret is empty (set ALESCO_WEBHOOK_SECRET)")
	}
	if now == nil {
		now = time.Now
	}
	if log == nil {
		log = slog.Default()
	}
	return &Webhook{committees: cs, db: db, secret: []byte(secret), now: now, log: log}, nil
}

// ServeHTTP verifies and applies one delivery.
func (h *Webhook) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, MaxWebhookBytes))
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			http.Error(w, "webhook body too large", http.StatusRequestEntityTooLarge)
			return
		}
		http.Error(w, "cannot read webhook body", http.StatusBadRequest)
		return
	}
	// Only the SHA-256 signature counts (the SHA-1 one is legacy).
	sig := r.Header.Get(gh.SHA256SignatureHeader)
	if !strings.HasPrefix(sig, "sha256=") || gh.ValidateSignature(sig, body, h.secret) != nil {
		http.Error(w, "bad or missing X-Hub-Signature-256", http.StatusUnauthorized)
		return
	}
	// JSON is UTF-8 (RFC 8259 §8.1); Go's decoder would quietly turn
	// other bytes into U+FFFD and store them.
	if !utf8.Valid(body) {
		http.Error(w, "bad webhook payload: not UTF-8", http.StatusBadRequest)
		return
	}
	event := gh.WebHookType(r)
	switch event {
	case "ping":
		io.WriteString(w, "pong\n")
		return
	case "pull_request":
	default:
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
		http.Error(w, "bad pull_request payload: "+err.Error(), http.StatusBadRequest)
		return
	}
	ev, ok := parsed.(*gh.PullRequestEvent)
	if !ok || ev.GetPullRequest() == nil {
		http.Error(w, "pull_request payload without a pull request", http.StatusBadRequest)
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
	delivery := gh.DeliveryID(r)
	if delivery == "" {
		http.Error(w, "missing X-GitHub-Delivery", http.StatusBadRequest)
		return
	}
	d := alesco.Delivery{ID: delivery, CommitteeID: c.ID, Event: event, Action: ev.GetAction(), Number: ev.GetPullRequest().GetNumber()}
	// What GitHub says is checked before anything is stored.
	if err := d.Validate(); err != nil {
		http.Error(w, "bad webhook delivery: "+alesco.ErrorMessage(err), http.StatusBadRequest)
		return
	}
	if err := fromAPI(c, alesco.PullRecord{}, ev.GetPullRequest()).Validate(); err != nil {
		http.Error(w, "bad pull_request payload: "+alesco.ErrorMessage(err), http.StatusBadRequest)
		return
	}
	ctx := alesco.NewContext(r.Context(), alesco.Principal{Name: "github webhook " + delivery})
	applied, err := h.db.ApplyDelivery(ctx, d, func(prev alesco.PullRecord, found bool) (alesco.PullRecord, bool) {
		return apply(c, ev, prev, found, h.now().UTC())
	})
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

// committeeOf finds the committee whose repository sent the event.
func (h *Webhook) committeeOf(fullName string) *alesco.Committee {
	for _, c := range h.committees().List() {
		if c.GitHub.Repo != "" && strings.EqualFold(c.GitHub.Repo, fullName) {
			return c
		}
	}
	return nil
}

// apply takes a pull_request event's full label set and state as current
// (deliveries may arrive out of order, so a payload older than what is
// stored changes nothing). The RFC file and header are not in the payload:
// a new pull request or a moved head is read at the next sync.
func apply(c *alesco.Committee, ev *gh.PullRequestEvent, prev alesco.PullRecord, found bool, now time.Time) (alesco.PullRecord, bool) {
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
