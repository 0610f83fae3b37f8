package main

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/almalinux/alesco"
	"github.com/almalinux/alesco/internal/alescotest"
	"github.com/spf13/cobra"
)

// TestJSONListsHaveOneShape: every list command's --json prints one JSON
// object wrapping its records in a list (as the API's List responses do),
// each record an object, every field name in the API's camelCase.
func TestJSONListsHaveOneShape(t *testing.T) {
	env := alescotest.New(t, alescotest.WithGitHub(""), alescotest.WithWriteBack())
	ctx := context.Background()
	if _, err := env.App.SyncProposals(alescotest.Admin(ctx), "alesco"); err != nil {
		t.Fatal(err)
	}
	chair := env.Token(alesco.RoleChair, "alesco", "")
	env.Clock.Set(alescotest.DuringDecisionMeeting)
	alescotest.DecideRFCs(t, env.Client, env.URL, chair) // minutes, and effects waiting in the outbox
	next := alescotest.NextMeeting(t)
	lists := map[string][]string{
		"meetings":       {"--from", next.Date.String()},
		"meetings list":  {"--from", next.Date.String()},
		"token list":     nil,
		"minutes list":   nil,
		"minutes search": {"rfc"},
		"proposals list": nil,
		"outbox list":    {"--all"},
	}
	walk(commandTree(), func(c *cobra.Command) {
		path := strings.TrimPrefix(c.CommandPath(), "alesco ")
		if c.Flags().Lookup("json") != nil && (c.Name() == "list" || c.Name() == "search" || c.Name() == "meetings") {
			if _, ok := lists[path]; !ok {
				t.Errorf("alesco %s lists records: add it here", path)
			}
		}
	})
	for path, args := range lists {
		line := append(append(strings.Fields(path), args...), "--db", env.DB.Path(), "--json")
		out, _, err := runAt(t, line...)
		if err != nil {
			t.Errorf("alesco %s: %v", strings.Join(line, " "), err)
			continue
		}
		var top map[string]any
		if err := json.Unmarshal([]byte(out), &top); err != nil {
			t.Errorf("alesco %s --json is not one JSON object: %v\n%.300s", path, err, out)
			continue
		}
		var records []any
		for _, v := range top {
			if l, ok := v.([]any); ok {
				if records != nil {
					t.Errorf("alesco %s --json has two lists", path)
				}
				records = l
			}
		}
		if len(records) == 0 {
			t.Errorf("alesco %s --json wraps no records:\n%.300s", path, out)
		}
		for _, r := range records {
			if _, ok := r.(map[string]any); !ok {
				t.Errorf("alesco %s --json: a record is %T, not an object", path, r)
			}
		}
		if k := snakeKey(top); k != "" {
			t.Errorf("alesco %s --json: field %q is not camelCase", path, k)
		}
	}
}

// snakeKey returns a key of v, at any depth, that has an underscore.
func snakeKey(v any) string {
	switch v := v.(type) {
	case map[string]any:
		for k, x := range v {
			if strings.Contains(k, "_") {
				return k
			}
			if k := snakeKey(x); k != "" {
				return k
			}
		}
	case []any:
		for _, x := range v {
			if k := snakeKey(x); k != "" {
				return k
			}
		}
	}
	return ""
}
