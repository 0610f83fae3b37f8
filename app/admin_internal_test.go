package app

import (
	"testing"

	"github.com/almalinux/alesco"
)

// TestFreezesRefusesADetailItDidNotWrite: an amendment's audit row whose
// detail is not JSON is reported, not counted as an amendment that kept
// its text.
func TestFreezesRefusesADetailItDidNotWrite(t *testing.T) {
	for detail, want := range map[string]bool{`{"replaced":true}`: true, `{"replaced":false}`: false, `{}`: false} {
		got, err := freezes(alesco.AuditEntry{ID: 7, Action: "minutes.amend", Subject: "meeting/alesco-2026-12-03", Detail: detail})
		if err != nil || got != want {
			t.Errorf("%s: freezes = %v, %v; want %v", detail, got, err, want)
		}
	}
	_, err := freezes(alesco.AuditEntry{ID: 7, Action: "minutes.amend", Subject: "meeting/alesco-2026-12-03", Detail: "replaced"})
	if alesco.ErrorCode(err) != alesco.EPRECONDITION {
		t.Errorf("a detail that is not JSON: %v, want EPRECONDITION", err)
	}
}
