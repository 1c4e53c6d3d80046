package platform

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
)

// redirector answers every request with status and a Location pointing at target's
// /v1/traces, and records the methods it saw.
type redirector struct {
	srv     *httptest.Server
	mu      sync.Mutex
	methods []string
}

func newRedirector(t *testing.T, status int, target string) *redirector {
	r := &redirector{}
	r.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		r.mu.Lock()
		r.methods = append(r.methods, req.Method)
		r.mu.Unlock()
		w.Header().Set("Location", target+"/v1/traces")
		w.WriteHeader(status)
	}))
	t.Cleanup(r.srv.Close)
	return r
}

// TestSendRedirectNeverBecomesGET: 301, 302 and 303 — which net/http would follow by
// re-sending the request as a bodiless GET that a web server may answer 200 — are a
// permanent error naming the Location; the target is never contacted and nothing counts
// as delivered.
func TestSendRedirectNeverBecomesGET(t *testing.T) {
	for _, status := range []int{http.StatusMovedPermanently, http.StatusFound, http.StatusSeeOther} {
		t.Run(http.StatusText(status), func(t *testing.T) {
			var targetHits int
			target := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				targetHits++
				_, _ = w.Write([]byte(`{"accepted":5}`)) // would fool a client that followed
			}))
			defer target.Close()
			rd := newRedirector(t, status, target.URL)
			c, err := NewClient(ClientConfig{Endpoint: rd.srv.URL, APIKey: "k"})
			if err != nil {
				t.Fatal(err)
			}
			events := clientTestEvents(5)
			res, err := c.Send(context.Background(), events)
			checkSendResult(t, len(events), res)
			var ne *NetworkError
			if !errors.As(err, &ne) || ne.Retryable || ne.StatusCode != status {
				t.Fatalf("err = %v, want a permanent *NetworkError with HTTP %d", err, status)
			}
			if want := "redirects to " + target.URL + "/v1/traces; set endpoint to it"; !strings.Contains(err.Error(), want) {
				t.Errorf("err = %q, want it to contain %q", err, want)
			}
			if res.Accepted != 0 || len(res.Undelivered) != len(events) {
				t.Errorf("result = %+v, want nothing accepted", res)
			}
			if targetHits != 0 {
				t.Errorf("the redirect target was contacted %d times", targetHits)
			}
			if len(rd.methods) != 1 || rd.methods[0] != http.MethodPost {
				t.Errorf("methods = %v, want one POST", rd.methods)
			}
		})
	}
}

// TestSendFollows307And308 keeping the method, the body and — to the same origin only —
// the Authorization header.
func TestSendFollows307And308(t *testing.T) {
	for _, status := range []int{http.StatusTemporaryRedirect, http.StatusPermanentRedirect} {
		t.Run(http.StatusText(status), func(t *testing.T) {
			p := newLoopbackPlatform(t, nil)
			rd := newRedirector(t, status, p.srv.URL) // another port: another origin
			c, err := NewClient(ClientConfig{Endpoint: rd.srv.URL, APIKey: "secret-key"})
			if err != nil {
				t.Fatal(err)
			}
			events := clientTestEvents(3)
			res, err := c.Send(context.Background(), events)
			if err != nil || res.Accepted != 3 {
				t.Fatalf("Send = %+v, %v; want 3 accepted", res, err)
			}
			reqs := p.requests()
			if len(reqs) != 1 || len(reqs[0].spanIDs) != 3 {
				t.Fatalf("the target saw %d requests, want one POST with the 3 events", len(reqs))
			}
			if got := reqs[0].header.Get("Authorization"); got != "" {
				t.Errorf("Authorization %q was sent to another origin", got)
			}
		})
	}
	t.Run("same origin keeps Authorization", func(t *testing.T) {
		var auth []string
		var srv *httptest.Server
		srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			auth = append(auth, r.Header.Get("Authorization"))
			if r.URL.Path == "/old/v1/traces" {
				w.Header().Set("Location", srv.URL+"/new/v1/traces")
				w.WriteHeader(http.StatusPermanentRedirect)
				return
			}
			if r.Method != http.MethodPost || r.ContentLength == 0 {
				t.Errorf("redirected request: %s with %d bytes", r.Method, r.ContentLength)
			}
			_, _ = w.Write([]byte(`{"accepted":2}`))
		}))
		defer srv.Close()
		c, err := NewClient(ClientConfig{Endpoint: srv.URL + "/old", APIKey: "secret-key"})
		if err != nil {
			t.Fatal(err)
		}
		if res, err := c.Send(context.Background(), clientTestEvents(2)); err != nil || res.Accepted != 2 {
			t.Fatalf("Send = %+v, %v", res, err)
		}
		if len(auth) != 2 || auth[1] != "Bearer secret-key" {
			t.Errorf("Authorization per request = %q, want it kept on the same origin", auth)
		}
	})
	t.Run("a redirect loop ends as a permanent error", func(t *testing.T) {
		var srv *httptest.Server
		srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Location", srv.URL+"/v1/traces")
			w.WriteHeader(http.StatusTemporaryRedirect)
		}))
		defer srv.Close()
		c, err := NewClient(ClientConfig{Endpoint: srv.URL})
		if err != nil {
			t.Fatal(err)
		}
		_, err = c.Send(context.Background(), clientTestEvents(1))
		var ne *NetworkError
		if !errors.As(err, &ne) || ne.Retryable || ne.StatusCode != http.StatusTemporaryRedirect {
			t.Fatalf("err = %v, want a permanent error", err)
		}
	})
}

// TestSendCallerHTTPClientKeepsItsPolicy: a caller's http.Client is not modified.
func TestSendCallerHTTPClientKeepsItsPolicy(t *testing.T) {
	hc := &http.Client{}
	if _, err := NewClient(ClientConfig{Endpoint: "http://127.0.0.1:1", HTTPClient: hc}); err != nil {
		t.Fatal(err)
	}
	if hc.CheckRedirect != nil {
		t.Error("NewClient changed the caller's http.Client")
	}
}

// TestSend2xxWithoutContractBody: a 200 from something that is not the platform (a web
// server's page) is not a delivery.
func TestSend2xxWithoutContractBody(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		_, _ = w.Write([]byte("<html><body>Welcome</body></html>"))
	}))
	defer srv.Close()
	c, err := NewClient(ClientConfig{Endpoint: srv.URL})
	if err != nil {
		t.Fatal(err)
	}
	res, err := c.Send(context.Background(), clientTestEvents(4))
	if err == nil || res.Accepted != 0 || len(res.Undelivered) != 4 {
		t.Fatalf("Send = %+v, %v; want an error and nothing accepted", res, err)
	}
	if _, retry := RetryDelay(err); retry {
		t.Errorf("err %v is retryable, want permanent", err)
	}
}
