package main

import (
	"fmt"
	"os"
	"strconv"
	"strings"

	"github.com/almalinux/alesco/github"
)

// githubAuth are the GitHub credentials the environment gives: a GitHub
// App installation (ALESCO_GITHUB_APP_ID, ALESCO_GITHUB_APP_KEY_FILE,
// ALESCO_GITHUB_INSTALLATION_ID: all three or none) or a token
// (GITHUB_TOKEN); the App wins when both are set.
type githubAuth struct {
	Token string
	App   *github.App
}

// set says whether any credentials are configured.
func (g githubAuth) set() bool { return g.Token != "" || g.App != nil }

// describe names the credentials for the log, never the secret.
func (g githubAuth) describe() string {
	if g.App != nil {
		return g.App.String()
	}
	return "GITHUB_TOKEN"
}

func (m *Main) githubAuth() (githubAuth, error) {
	g := githubAuth{Token: m.Getenv("GITHUB_TOKEN")}
	names := []string{"ALESCO_GITHUB_APP_ID", "ALESCO_GITHUB_APP_KEY_FILE", "ALESCO_GITHUB_INSTALLATION_ID"}
	var missing []string
	for _, n := range names {
		if strings.TrimSpace(m.Getenv(n)) == "" {
			missing = append(missing, n)
		}
	}
	switch len(missing) {
	case len(names):
		return g, nil
	case 0:
	default:
		return g, fmt.Errorf("a GitHub App needs %s; %s not set", strings.Join(names, ", "), strings.Join(missing, ", "))
	}
	var ids [2]int64
	for i, n := range []string{"ALESCO_GITHUB_APP_ID", "ALESCO_GITHUB_INSTALLATION_ID"} {
		id, err := strconv.ParseInt(strings.TrimSpace(m.Getenv(n)), 10, 64)
		if err != nil || id <= 0 {
			return g, fmt.Errorf("%s=%q: want the number GitHub shows (a positive integer)", n, m.Getenv(n))
		}
		ids[i] = id
	}
	file := m.Getenv("ALESCO_GITHUB_APP_KEY_FILE")
	key, err := os.ReadFile(file)
	if err != nil {
		return g, fmt.Errorf("ALESCO_GITHUB_APP_KEY_FILE: %w (the .pem file GitHub generated for the App)", err)
	}
	g.App = &github.App{ID: ids[0], InstallationID: ids[1], Key: key}
	return g, nil
}
