package github

import (
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/bradleyfalzon/ghinstallation/v2"
)

// App authenticates alesco as an installation of a GitHub App instead of
// with a personal token: the App's private key signs a short JWT, GitHub
// exchanges it for an installation token (an hour's validity), and that
// token is renewed a minute before it expires. ghinstallation does the
// exchange and the renewal; the token never reaches the store.
type App struct {
	// ID is the App's id (ALESCO_GITHUB_APP_ID).
	ID int64
	// InstallationID is the installation on the committee's organization
	// (ALESCO_GITHUB_INSTALLATION_ID).
	InstallationID int64
	// Key is the App's private key, PEM (ALESCO_GITHUB_APP_KEY_FILE).
	Key []byte
}

// String names the App for logs, never the key.
func (a *App) String() string {
	return fmt.Sprintf("GitHub App %d (installation %d)", a.ID, a.InstallationID)
}

// transport sends requests through base as the App's installation;
// api is the REST API's base URL, where the token exchange happens.
func (a *App) transport(base http.RoundTripper, api string) (http.RoundTripper, error) {
	if a.ID <= 0 || a.InstallationID <= 0 {
		return nil, errors.New("github: a GitHub App needs its id and its installation id")
	}
	if base == nil {
		base = http.DefaultTransport
	}
	t, err := ghinstallation.New(base, a.ID, a.InstallationID, a.Key)
	if err != nil {
		return nil, fmt.Errorf("github: the GitHub App's private key: %w", err)
	}
	t.BaseURL = strings.TrimSuffix(api, "/")
	return t, nil
}

// authenticated wraps base with the credentials given: the App's
// installation when app is set, else nothing (a token is go-github's
// WithAuthToken).
func authenticated(base http.RoundTripper, app *App, api string) (http.RoundTripper, error) {
	if app == nil {
		return base, nil
	}
	return app.transport(base, api)
}

// appRefusal says in public words why GitHub would not give the App an
// installation token (a 4xx: retrying will not help); ok is false when
// err is not about that.
func appRefusal(err error) (msg string, ok bool) {
	var refused *ghinstallation.HTTPError
	if !errors.As(err, &refused) || refused.Response == nil || refused.Response.StatusCode/100 != 4 {
		return "", false
	}
	code := refused.Response.StatusCode
	return fmt.Sprintf("GitHub answered %d %s to the GitHub App's token request: check ALESCO_GITHUB_APP_ID, "+
		"its private key and ALESCO_GITHUB_INSTALLATION_ID", code, http.StatusText(code)), true
}
