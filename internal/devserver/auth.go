package devserver

import (
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"net/http"
	"net/url"
	"strings"
)

// keyMatches reports whether got is exactly want. Both are hashed with SHA-256 first and
// the digests compared in constant time, so neither the time taken nor the result depends
// on how much of the key is right: a truncated key, a prefix or the key with a suffix all
// fail, and the comparison does not even reveal the key's length.
func keyMatches(got, want string) bool {
	g, w := sha256.Sum256([]byte(got)), sha256.Sum256([]byte(want))
	return subtle.ConstantTimeCompare(g[:], w[:]) == 1
}

// bearerToken reads "Authorization: Bearer <token>" (scheme case-insensitive): ok is false
// when the header is missing, not a Bearer credential or has an empty token.
func bearerToken(r *http.Request) (string, bool) {
	h := r.Header.Get("Authorization")
	scheme, token, ok := strings.Cut(h, " ")
	token = strings.TrimSpace(token)
	if h == "" || !ok || !strings.EqualFold(scheme, "Bearer") || token == "" {
		return "", false
	}
	return token, true
}

// authorize checks the ingest key, "Authorization: Bearer <key>": 401 when missing or not a
// Bearer credential, 403 when the key is not exactly Config.APIKey. The key is never echoed.
func (s *Server) authorize(r *http.Request) *httpError {
	if s.apiKey == "" {
		return nil
	}
	token, ok := bearerToken(r)
	if !ok {
		return fail(http.StatusUnauthorized, `missing API key: send "Authorization: Bearer <api key>"`)
	}
	if !keyMatches(token, s.apiKey) {
		return fail(http.StatusForbidden, "invalid API key")
	}
	return nil
}

// The read key (Config.ReadKey) protects the read API and the pages. A program sends it
// as "Authorization: Bearer <read key>"; a browser gets a cookie, set either by opening any
// page once with ?key=<read key> (the link the server logs at start, as Jupyter does) or by
// the login form every page shows without it. The cookie holds a SHA-256 digest of the key,
// not the key; it is HttpOnly, SameSite=Lax, for path /, and lasts the browser session.

// readCookieValue is the cookie's value for a read key.
func readCookieValue(key string) string {
	sum := sha256.Sum256([]byte("llmtrace-devserver read key\x00" + key))
	return hex.EncodeToString(sum[:])
}

// readAccess is the outcome of checking a read request.
type readAccess int

const (
	readAllowed readAccess = iota
	readMissing            // no credential at all: 401
	readWrong              // a credential that is not the read key: 403
)

// checkRead decides a read request: the Bearer read key or the read cookie.
func (s *Server) checkRead(r *http.Request) readAccess {
	if s.readKey == "" {
		return readAllowed
	}
	if token, ok := bearerToken(r); ok {
		if keyMatches(token, s.readKey) {
			return readAllowed
		}
		return readWrong
	}
	if c, err := r.Cookie(s.readCookie); err == nil && c.Value != "" {
		want := readCookieValue(s.readKey)
		if subtle.ConstantTimeCompare([]byte(c.Value), []byte(want)) == 1 {
			return readAllowed
		}
		return readWrong
	}
	return readMissing
}

// requireReadAPI guards a read API route: 401 or 403 {"error": ...} without the read key.
func (s *Server) requireReadAPI(next http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		switch s.checkRead(r) {
		case readMissing:
			writeJSON(w, http.StatusUnauthorized, errorReply{Error: `missing read key: send "Authorization: Bearer <read key>" (llmtrace-devserver -read-key)`})
		case readWrong:
			writeJSON(w, http.StatusForbidden, errorReply{Error: "invalid read key"})
		default:
			next(w, r)
		}
	}
}

// requireReadPage guards a page. ?key=<read key> sets the cookie and redirects (303) to the
// same URL without the key, so it stays out of the address bar and the history; without a
// valid cookie the page is the login form (401, or 403 after a wrong key).
func (s *Server) requireReadPage(next http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if s.readKey == "" {
			next(w, r)
			return
		}
		q := r.URL.Query()
		if key, ok := q["key"]; ok {
			q.Del("key")
			u := *r.URL
			u.RawQuery = q.Encode()
			if len(key) == 1 && keyMatches(key[0], s.readKey) {
				s.setReadCookie(w)
				http.Redirect(w, r, u.RequestURI(), http.StatusSeeOther)
				return
			}
			s.loginPage(w, http.StatusForbidden, u.RequestURI(), "That read key is not this server's.")
			return
		}
		switch s.checkRead(r) {
		case readAllowed:
			next(w, r)
		case readWrong:
			s.loginPage(w, http.StatusForbidden, r.URL.RequestURI(), "The read key this browser holds is no longer this server's.")
		default:
			s.loginPage(w, http.StatusUnauthorized, r.URL.RequestURI(), "")
		}
	}
}

// handleLogin is POST /login (form fields key and next): the read cookie and a 303 to next
// (a path of this server; anything else goes to /), or the form again with 403.
func (s *Server) handleLogin(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	next := localPath(r.PostFormValue("next"))
	if s.readKey == "" {
		http.Redirect(w, r, next, http.StatusSeeOther)
		return
	}
	if !keyMatches(r.PostFormValue("key"), s.readKey) {
		s.loginPage(w, http.StatusForbidden, next, "That read key is not this server's.")
		return
	}
	s.setReadCookie(w)
	http.Redirect(w, r, next, http.StatusSeeOther)
}

func (s *Server) setReadCookie(w http.ResponseWriter) {
	http.SetCookie(w, &http.Cookie{Name: s.readCookie, Value: readCookieValue(s.readKey), Path: "/",
		HttpOnly: true, SameSite: http.SameSiteLaxMode})
}

// loginPage feeds the "login" template.
type loginPage struct {
	Title, Next, Error string
}

func (s *Server) loginPage(w http.ResponseWriter, status int, next, msg string) {
	s.render(w, status, "login", loginPage{Title: "Read key", Next: localPath(next), Error: msg})
}

// localPath keeps next only when it is a path of this server ("/…", not "//host/…").
func localPath(next string) string {
	u, err := url.Parse(next)
	if err != nil || u.Scheme != "" || u.Host != "" || !strings.HasPrefix(u.Path, "/") ||
		strings.HasPrefix(next, "//") || strings.HasPrefix(next, `/\`) {
		return "/"
	}
	return u.RequestURI()
}
