package calendar_test

import (
	"strings"
	"testing"
	"time"

	"github.com/almalinux/alesco/calendar"
)

func TestParseAlarm(t *testing.T) {
	for _, tc := range []struct {
		in      string
		want    time.Duration
		trigger string
	}{
		{"15m", 15 * time.Minute, "-PT15M"},
		{"1m", time.Minute, "-PT1M"},
		{"1h", time.Hour, "-PT1H"},
		{"1h30m", 90 * time.Minute, "-PT1H30M"},
		{"90m", 90 * time.Minute, "-PT1H30M"},
		{"1d", 24 * time.Hour, "-P1D"},
		{"7d", 7 * 24 * time.Hour, "-P7D"},
		{"26h", 26 * time.Hour, "-P1DT2H"},
		{"24h30m", 24*time.Hour + 30*time.Minute, "-P1DT30M"},
		{" 15M ", 15 * time.Minute, "-PT15M"},
	} {
		d, err := calendar.ParseAlarm(tc.in)
		if err != nil || d != tc.want || calendar.Trigger(d) != tc.trigger {
			t.Errorf("%q: %v %v %q, want %v %q", tc.in, d, err, calendar.Trigger(d), tc.want, tc.trigger)
		}
	}
	for _, bad := range []string{"", "banana", "0m", "30s", "90s", "8d", "169h", "-15m", "1.5m", "d", "1.5d", "15", strings.Repeat("9", 500) + "d"} {
		_, err := calendar.ParseAlarm(bad)
		if err == nil || !strings.Contains(err.Error(), "alarm=15m") || len(err.Error()) > 300 {
			t.Errorf("%q: %v, want an error saying what to write", bad, err)
		}
	}
}

// FuzzParseAlarm: any value is a duration in range or an error, never a
// panic; an accepted one has a trigger that reads back.
func FuzzParseAlarm(f *testing.F) {
	for _, s := range []string{"15m", "1d", "banana", "7d", "1h30m"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := calendar.ParseAlarm(s)
		if err != nil {
			return
		}
		if d < calendar.MinAlarm || d > calendar.MaxAlarm || !strings.HasPrefix(calendar.Trigger(d), "-P") {
			t.Fatalf("%q: %v %q", s, d, calendar.Trigger(d))
		}
	})
}
