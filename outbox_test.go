package alesco_test

import (
	"errors"
	"testing"
	"time"

	"github.com/almalinux/alesco"
)

// TestRetryRule: backoff doubles from 30 s up to an hour; the eighth
// failure, or any permanent one, parks the effect with its error.
func TestRetryRule(t *testing.T) {
	want := []time.Duration{30 * time.Second, time.Minute, 2 * time.Minute, 4 * time.Minute, 8 * time.Minute, 16 * time.Minute,
		32 * time.Minute, time.Hour, time.Hour}
	for i, w := range want {
		if got := alesco.RetryDelay(i + 1); got != w {
			t.Errorf("RetryDelay(%d) = %v, want %v", i+1, got, w)
		}
	}
	now := time.Date(2026, 12, 3, 17, 0, 0, 0, time.UTC)
	it := alesco.OutboxItem{Status: alesco.OutboxPending}
	for n := 1; n < alesco.MaxDeliveryAttempts; n++ {
		it.Failed(errors.New("github: 500 Internal Server Error"), now)
		if it.Status != alesco.OutboxPending || it.Attempts != n || !it.NextAttempt.Equal(now.Add(alesco.RetryDelay(n))) {
			t.Fatalf("after %d failures: %+v", n, it)
		}
	}
	it.Failed(errors.New("github: 500 Internal Server Error"), now)
	if it.Status != alesco.OutboxParked || it.LastError != "github: 500 Internal Server Error" {
		t.Fatalf("after %d failures: %+v", alesco.MaxDeliveryAttempts, it)
	}
	if err := it.Retry(now); err != nil || it.Status != alesco.OutboxPending || it.Attempts != 0 || it.LastError != "" {
		t.Fatalf("retry: %v %+v", err, it)
	}

	perm := alesco.OutboxItem{Status: alesco.OutboxPending}
	perm.Failed(alesco.Errorf(alesco.EFORBIDDEN, "GitHub refused: the token cannot write to AlmaLinux/ALESCo"), now)
	if perm.Status != alesco.OutboxParked || perm.Attempts != 1 || perm.LastError != "GitHub refused: the token cannot write to AlmaLinux/ALESCo" {
		t.Fatalf("permanent failure: %+v", perm)
	}

	done := alesco.OutboxItem{ID: 3, Status: alesco.OutboxPending}
	done.MarkDelivered("created comment 9", now)
	if done.Retry(now) == nil || done.Drop() == nil {
		t.Fatal("a delivered effect was retried or dropped")
	}
	parked := alesco.OutboxItem{Status: alesco.OutboxParked}
	if err := parked.Drop(); err != nil || parked.Status != alesco.OutboxDropped || parked.Drop() == nil {
		t.Fatalf("drop: %v %+v", err, parked)
	}
}
