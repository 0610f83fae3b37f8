package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/almalinux/alesco/github/githubtest"
)

// TestProposalsSyncAsGitHubApp: with the three App variables set, the
// sync authenticates as the App's installation (one token exchange) and
// a GITHUB_TOKEN set beside them is not used.
func TestProposalsSyncAsGitHubApp(t *testing.T) {
	key, pemKey := githubtest.AppKey(t)
	fake := githubtest.New(t, testNow)
	fake.EnableApp(4242, 77, &key.PublicKey, time.Hour)
	keyFile := filepath.Join(t.TempDir(), "alesco.private-key.pem")
	if err := os.WriteFile(keyFile, pemKey, 0o600); err != nil {
		t.Fatal(err)
	}
	env := map[string]string{"ALESCO_GITHUB_APP_ID": "4242", "ALESCO_GITHUB_APP_KEY_FILE": keyFile,
		"ALESCO_GITHUB_INSTALLATION_ID": "77", "GITHUB_TOKEN": "ghp_ignored"}
	var out, errOut bytes.Buffer
	m := testMain(&out, &errOut)
	m.Getenv = func(k string) string { return env[k] }
	db := filepath.Join(t.TempDir(), "alesco.db")
	if err := m.Run(context.Background(), []string{"proposals", "sync", "--db", db, "--github-url", fake.BaseURL()}); err != nil {
		t.Fatalf("sync as the App: %v\n%s", err, errOut.String())
	}
	if !strings.Contains(out.String(), "15 proposals changed") {
		t.Fatalf("sync: %s", out.String())
	}
	tokens := fake.InstallationTokens()
	if len(tokens) != 1 {
		t.Fatalf("tokens issued: %q", tokens)
	}
	for _, r := range fake.Requests() {
		if !strings.HasPrefix(r.Path, "/app/") && r.Auth != "token "+tokens[0] {
			t.Errorf("%s %s sent Authorization %q", r.Method, r.Path, r.Auth)
		}
	}
}

// TestGitHubAppEnvironment: an App half configured, or with ids or a key
// file that cannot be right, stops the command with what to fix.
func TestGitHubAppEnvironment(t *testing.T) {
	keyFile := filepath.Join(t.TempDir(), "key.pem")
	if err := os.WriteFile(keyFile, []byte("not a key"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		env  map[string]string
		want string
	}{
		{map[string]string{"ALESCO_GITHUB_APP_ID": "4242"}, "ALESCO_GITHUB_APP_KEY_FILE, ALESCO_GITHUB_INSTALLATION_ID not set"},
		{map[string]string{"ALESCO_GITHUB_APP_ID": "alesco", "ALESCO_GITHUB_APP_KEY_FILE": keyFile, "ALESCO_GITHUB_INSTALLATION_ID": "77"},
			`ALESCO_GITHUB_APP_ID="alesco": want the number GitHub shows`},
		{map[string]string{"ALESCO_GITHUB_APP_ID": "4242", "ALESCO_GITHUB_APP_KEY_FILE": keyFile + ".missing", "ALESCO_GITHUB_INSTALLATION_ID": "77"},
			"ALESCO_GITHUB_APP_KEY_FILE: open"},
		{map[string]string{"ALESCO_GITHUB_APP_ID": "4242", "ALESCO_GITHUB_APP_KEY_FILE": keyFile, "ALESCO_GITHUB_INSTALLATION_ID": "77"},
			"the GitHub App's private key"},
	} {
		var out, errOut bytes.Buffer
		m := testMain(&out, &errOut)
		m.Getenv = func(k string) string { return tc.env[k] }
		err := m.Run(context.Background(), []string{"proposals", "sync", "--db", filepath.Join(t.TempDir(), "alesco.db"), "--github-url", "http://127.0.0.1:1/"})
		if err == nil || !strings.Contains(err.Error()+errOut.String(), tc.want) {
			t.Errorf("env %v: %v\n%s, want %q", tc.env, err, errOut.String(), tc.want)
		}
	}
}
