package githubtest

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v4"
)

// app is the GitHub App the fake knows (EnableApp).
type app struct {
	id, installation int64
	key              *rsa.PublicKey
	lifetime         time.Duration
	issued           []string // installation tokens, oldest first
}

// EnableApp makes the fake the home of a GitHub App, as GitHub's REST API
// documents it ("Create an installation access token for an app"):
// POST /app/installations/{installation}/access_tokens with
// "Authorization: Bearer JWT", the JWT signed RS256 by the App's key and
// issued by its id, answers 201 {"token": "ghs_…", "expires_at": …}; a bad
// JWT answers 401, another installation 404. The token is valid for
// lifetime counted from the JWT's issue time (GitHub: an hour), so a test
// sets a short lifetime to see the client renew it, without any clock.
// From then on every request must carry an issued token ("Authorization:
// token ghs_…" or "Bearer ghs_…"), or it is answered 401.
func (s *Server) EnableApp(id, installation int64, key *rsa.PublicKey, lifetime time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.app = &app{id: id, installation: installation, key: key, lifetime: lifetime}
}

// InstallationTokens are the installation tokens issued so far.
func (s *Server) InstallationTokens() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.app == nil {
		return nil
	}
	return append([]string(nil), s.app.issued...)
}

// answerApp serves the token exchange and checks the token of every other
// request; ok is false when the request may go on.
func (s *Server) answerApp(w http.ResponseWriter, r *http.Request, parts []string) (status int, ok bool) {
	if s.app == nil {
		return 0, false
	}
	auth := r.Header.Get("Authorization")
	if len(parts) == 4 && parts[0] == "app" && parts[1] == "installations" && parts[3] == "access_tokens" {
		if r.Method != http.MethodPost {
			return errorReply(w, http.StatusNotFound, "Not Found"), true
		}
		return s.app.exchange(w, strings.TrimPrefix(auth, "Bearer "), parts[2]), true
	}
	token := strings.TrimPrefix(strings.TrimPrefix(auth, "token "), "Bearer ")
	for _, t := range s.app.issued {
		if token == t {
			return 0, false
		}
	}
	return errorReply(w, http.StatusUnauthorized, "Bad credentials"), true
}

// exchange checks the App's JWT and issues an installation token.
func (a *app) exchange(w http.ResponseWriter, signed, installation string) int {
	var claims jwt.RegisteredClaims
	_, err := jwt.ParseWithClaims(signed, &claims, func(t *jwt.Token) (any, error) {
		if t.Method != jwt.SigningMethodRS256 {
			return nil, fmt.Errorf("unexpected signing method %v", t.Header["alg"])
		}
		return a.key, nil
	}, jwt.WithoutClaimsValidation())
	switch {
	case err != nil:
		return errorReply(w, http.StatusUnauthorized, "A JSON web token could not be decoded")
	case claims.Issuer != strconv.FormatInt(a.id, 10) || claims.IssuedAt == nil || claims.ExpiresAt == nil:
		return errorReply(w, http.StatusUnauthorized, "'Issuer' claim ('iss') must be an Integer")
	case claims.ExpiresAt.Sub(claims.IssuedAt.Time) > 10*time.Minute+time.Minute:
		return errorReply(w, http.StatusUnauthorized, "'Expiration time' claim ('exp') is too far in the future")
	case installation != strconv.FormatInt(a.installation, 10):
		return errorReply(w, http.StatusNotFound, "Not Found")
	}
	// ghinstallation dates the JWT 30 s in the past; the token lives
	// lifetime from the moment of the request, which is iat + 30 s.
	expires := claims.IssuedAt.Add(30*time.Second + a.lifetime).UTC()
	token := fmt.Sprintf("ghs_fake%04d", len(a.issued)+1)
	a.issued = append(a.issued, token)
	return jsonReply(w, http.StatusCreated, map[string]any{
		"token": token, "expires_at": expires.Format(time.RFC3339),
		"permissions":          map[string]string{"issues": "write", "pull_requests": "write", "contents": "write"},
		"repository_selection": "selected",
	})
}

// AppKey makes a GitHub App's private key: the key, and its PEM as GitHub
// hands it out (the file ALESCO_GITHUB_APP_KEY_FILE names).
func AppKey(t testing.TB) (*rsa.PrivateKey, []byte) {
	t.Helper()
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	return key, pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(key)})
}
