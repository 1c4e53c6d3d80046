package devserver

import (
	"bytes"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"testing"
)

const readKey = "read-secret-456"

// keyMatches accepts exactly the key: every truncation, extension and one-byte change
// fails.
func TestKeyMatchesWholeKeyOnly(t *testing.T) {
	if !keyMatches(testKey, testKey) {
		t.Fatal("the key itself does not match")
	}
	for i := 0; i < len(testKey); i++ {
		if keyMatches(testKey[:i], testKey) {
			t.Errorf("the first %d bytes of the key match", i)
		}
		changed := []byte(testKey)
		changed[i] ^= 1
		if keyMatches(string(changed), testKey) {
			t.Errorf("the key with byte %d changed matches", i)
		}
	}
	if keyMatches(testKey+"\x00", testKey) || keyMatches(" "+testKey, testKey) {
		t.Error("the key with an extra byte matches")
	}
}

// With a read key, the read API wants it as a Bearer token: 401 without, 403 for any
// other key (a truncated one, the ingest key), 200 with it. Ingest keeps its own key.
func TestReadKeyAPI(t *testing.T) {
	_, addr := listenServer(t, Config{APIKey: testKey, ReadKey: readKey})
	ids, evs := newTrace(t, t0, "read key")
	resp, text := rawRequest(t, addr, "POST", "/v1/traces", addr,
		map[string]string{"Content-Type": "application/json", "Authorization": "Bearer " + testKey}, string(batchJSON(t, evs)))
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("ingest: %d %s", resp.StatusCode, text)
	}
	for _, path := range []string{"/v1/traces", "/v1/traces/" + ids.trace} {
		for _, tc := range []struct {
			name, auth string
			want       int
		}{
			{"none", "", http.StatusUnauthorized},
			{"truncated", "Bearer " + readKey[:len(readKey)-1], http.StatusForbidden},
			{"prefix of one byte", "Bearer " + readKey[:1], http.StatusForbidden},
			{"extended", "Bearer " + readKey + "7", http.StatusForbidden},
			{"the ingest key", "Bearer " + testKey, http.StatusForbidden},
			{"the read key", "Bearer " + readKey, http.StatusOK},
		} {
			hdr := map[string]string{}
			if tc.auth != "" {
				hdr["Authorization"] = tc.auth
			}
			resp, text := rawRequest(t, addr, "GET", path, addr, hdr, "")
			if resp.StatusCode != tc.want {
				t.Errorf("%s with %s: %d, want %d: %s", path, tc.name, resp.StatusCode, tc.want, text)
			}
			if tc.want != http.StatusOK && (!strings.Contains(text, `"error":"`) || strings.Contains(text, ids.trace) ||
				strings.Contains(text, "secret")) {
				t.Errorf("%s with %s: refusal %s", path, tc.name, text)
			}
		}
	}
	// The read key does not let anyone write.
	resp, _ = rawRequest(t, addr, "POST", "/v1/traces", addr,
		map[string]string{"Content-Type": "application/json", "Authorization": "Bearer " + readKey}, `{"traces":[]}`)
	if resp.StatusCode != http.StatusForbidden {
		t.Errorf("ingest with the read key: %d, want 403", resp.StatusCode)
	}
	// The stylesheet and script need no key (the login page uses them).
	if resp, _ := rawRequest(t, addr, "GET", "/static/app.css", addr, nil, ""); resp.StatusCode != http.StatusOK {
		t.Errorf("static without key: %d", resp.StatusCode)
	}
}

// A browser opens the page once with ?key=<read key> (or fills in the login form) and
// keeps a cookie: the page and the JSON link work from then on; a wrong key gets the form
// again, and the key never stays in the URL.
func TestReadKeyPage(t *testing.T) {
	_, addr := listenServer(t, Config{APIKey: testKey, ReadKey: readKey})
	base := "http://" + addr
	ids, evs := newTrace(t, t0, "read key page")
	resp, text := rawRequest(t, addr, "POST", "/v1/traces", addr,
		map[string]string{"Content-Type": "application/json", "Authorization": "Bearer " + testKey}, string(batchJSON(t, evs)))
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("ingest: %d %s", resp.StatusCode, text)
	}
	type hit struct {
		status   int
		location string
		body     string
	}
	newClient := func() *http.Client {
		jar, _ := cookiejar.New(nil)
		return &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	}
	do := func(c *http.Client, method, path string, form url.Values) hit {
		t.Helper()
		var body io.Reader
		if form != nil {
			body = strings.NewReader(form.Encode())
		}
		req, _ := http.NewRequest(method, base+path, body)
		if form != nil {
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		}
		resp, err := c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return hit{resp.StatusCode, resp.Header.Get("Location"), string(b)}
	}

	anon := newClient()
	for _, p := range []string{"/", "/traces/" + ids.trace, "/threads/" + ids.thread} {
		h := do(anon, "GET", p, nil)
		if h.status != http.StatusUnauthorized || !strings.Contains(h.body, `action="/login"`) ||
			!strings.Contains(h.body, `name="next" value="`+p+`"`) || strings.Contains(h.body, "read key page") {
			t.Errorf("%s without key: %d %.300s", p, h.status, h.body)
		}
	}
	if h := do(anon, "GET", "/traces/"+ids.trace+"?key="+readKey[:9], nil); h.status != http.StatusForbidden ||
		!strings.Contains(h.body, "not this server") || strings.Contains(h.body, "read-secr") {
		t.Errorf("wrong ?key=: %d %.300s", h.status, h.body)
	}

	// The link with ?key= sets the cookie and redirects to the same page without the key.
	linked := newClient()
	h := do(linked, "GET", "/traces/"+ids.trace+"?key="+url.QueryEscape(readKey)+"&x=1", nil)
	if h.status != http.StatusSeeOther || h.location != "/traces/"+ids.trace+"?x=1" {
		t.Fatalf("?key=: %d Location %q", h.status, h.location)
	}
	if h := do(linked, "GET", h.location, nil); h.status != http.StatusOK || !strings.Contains(h.body, "read key page") {
		t.Fatalf("after ?key=: %d %.300s", h.status, h.body)
	}
	if h := do(linked, "GET", "/v1/traces/"+ids.trace, nil); h.status != http.StatusOK || !strings.Contains(h.body, ids.trace) {
		t.Fatalf("the JSON link with the cookie: %d %.300s", h.status, h.body)
	}
	u, _ := url.Parse(base)
	for _, c := range linked.Jar.Cookies(u) {
		if strings.Contains(c.Value, readKey) {
			t.Errorf("cookie %s holds the key itself", c.Name)
		}
	}

	// The login form: a wrong key is 403 with the form; the right one goes to next, and
	// next cannot leave the server.
	form := newClient()
	if h := do(form, "POST", "/login", url.Values{"key": {readKey + "x"}, "next": {"/threads/" + ids.thread}}); h.status != http.StatusForbidden ||
		!strings.Contains(h.body, `action="/login"`) {
		t.Errorf("login with a wrong key: %d", h.status)
	}
	if h := do(form, "GET", "/", nil); h.status != http.StatusUnauthorized {
		t.Errorf("a failed login opened the page: %d", h.status)
	}
	if h := do(form, "POST", "/login", url.Values{"key": {readKey}, "next": {"/threads/" + ids.thread}}); h.status != http.StatusSeeOther ||
		h.location != "/threads/"+ids.thread {
		t.Fatalf("login: %d Location %q", h.status, h.location)
	}
	if h := do(form, "GET", "/", nil); h.status != http.StatusOK || !strings.Contains(h.body, "read key page") {
		t.Errorf("after login: %d", h.status)
	}
	for _, next := range []string{"//evil.example/", "http://evil.example/", `/\evil.example`, "javascript:alert(1)", ""} {
		h := do(newClient(), "POST", "/login", url.Values{"key": {readKey}, "next": {next}})
		if h.status != http.StatusSeeOther || h.location != "/" {
			t.Errorf("login with next %q: %d Location %q, want /", next, h.status, h.location)
		}
	}
	// A cookie from another key (the server restarted with a new one) is refused.
	old := newClient()
	old.Jar.SetCookies(u, []*http.Cookie{{Name: "llmtrace_read_" + u.Port(), Value: readCookieValue("old-key"), Path: "/"}})
	if h := do(old, "GET", "/v1/traces", nil); h.status != http.StatusForbidden {
		t.Errorf("a stale cookie: %d, want 403", h.status)
	}
}

// Without a read key every read is open, as before (loopback by default).
func TestNoReadKeyOpen(t *testing.T) {
	_, ts := newTestServer(t, testKey)
	for _, p := range []string{"/", "/v1/traces"} {
		if r := get(t, ts, p); r.status != http.StatusOK || bytes.Contains(r.body, []byte(`action="/login"`)) {
			t.Errorf("%s: %d", p, r.status)
		}
	}
}
