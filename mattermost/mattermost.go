// Package mattermost posts the outbox's chat effects to a Mattermost
// incoming webhook (https://developers.mattermost.com/integrate/webhooks/
// incoming/): a POST of {"text": ...} as application/json, answered 200
// "ok". It is written by hand on net/http: the payload is one field, and
// Mattermost's own Go module is its whole server.
//
// An incoming webhook cannot be asked what it has posted, so a chat post
// is delivered at least once: were alesco killed between Mattermost's 200
// and the outbox's record of it, the post would be made again after the
// restart. The window is the time to commit one small transaction after
// the answer; nothing else happens in between.
package mattermost

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/almalinux/alesco"
)

// Poster delivers chat effects to one incoming webhook.
type Poster struct {
	url    string
	client *http.Client
}

// New returns a Poster for the webhook URL (ALESCO_MATTERMOST_WEBHOOK_URL,
// https://chat.example.org/hooks/xxx-generatedkey-xxx). A nil client is
// http.DefaultClient with a 30-second timeout.
func New(webhookURL string, client *http.Client) (*Poster, error) {
	u, err := url.Parse(webhookURL)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return nil, errors.New("mattermost: the webhook URL must be http(s)://host/hooks/KEY")
	}
	if client == nil {
		client = &http.Client{Timeout: 30 * time.Second}
	}
	return &Poster{url: webhookURL, client: client}, nil
}

// payload is Mattermost's incoming-webhook message.
type payload struct {
	Text string `json:"text"`
}

// apiError is the body of Mattermost's error answers.
type apiError struct {
	ID      string `json:"id"`
	Message string `json:"message"`
}

// Deliver posts a chat effect.
func (p *Poster) Deliver(ctx context.Context, it alesco.OutboxItem) (string, error) {
	if it.Kind != alesco.EffectChat || it.Chat == nil || strings.TrimSpace(it.Chat.Text) == "" {
		return "", alesco.Errorf(alesco.EINVALID, "mattermost: %s is not a chat post with text", it.Key)
	}
	body, err := json.Marshal(payload{Text: it.Chat.Text})
	if err != nil {
		return "", fmt.Errorf("mattermost: %w", err)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, p.url, bytes.NewReader(body))
	if err != nil {
		return "", fmt.Errorf("mattermost: %w", err)
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := p.client.Do(req)
	if err != nil {
		return "", fmt.Errorf("mattermost: %w", redact(err, p.url))
	}
	defer resp.Body.Close()
	answer, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	if resp.StatusCode == http.StatusOK {
		return "posted to Mattermost", nil
	}
	msg := strings.TrimSpace(string(answer))
	var ae apiError
	if json.Unmarshal(answer, &ae) == nil && ae.Message != "" {
		msg = ae.Message
	}
	err = fmt.Errorf("mattermost: %s: %s", resp.Status, msg)
	switch resp.StatusCode {
	case http.StatusNotFound:
		return "", errors.Join(err, alesco.Errorf(alesco.ENOTFOUND, "Mattermost does not know this webhook (%s): check ALESCO_MATTERMOST_WEBHOOK_URL", msg))
	case http.StatusBadRequest:
		return "", errors.Join(err, alesco.Errorf(alesco.EINVALID, "Mattermost refused the post: %s", msg))
	case http.StatusUnauthorized, http.StatusForbidden:
		return "", errors.Join(err, alesco.Errorf(alesco.EFORBIDDEN, "Mattermost refused the webhook (%s): are incoming webhooks enabled?", msg))
	}
	return "", err // 429, 5xx: try again later
}

// redact keeps the webhook's secret key out of errors (and so out of the
// outbox's record and the logs).
func redact(err error, secretURL string) error {
	u, perr := url.Parse(secretURL)
	if perr != nil {
		return err
	}
	shown := u.Scheme + "://" + u.Host + "/hooks/…"
	return errors.New(strings.ReplaceAll(err.Error(), secretURL, shown))
}
