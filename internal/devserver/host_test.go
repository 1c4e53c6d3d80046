package devserver

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
)

// listenServer serves a Server on a real loopback listener with Config.Addr set to the
// bound address, as llmtrace-devserver does; it returns the bound host:port.
func listenServer(t *testing.T, cfg Config) (*Server, string) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	cfg.Addr = ln.Addr().String()
	if cfg.DBPath == "" {
		cfg.DBPath = filepath.Join(t.TempDir(), "dev.db")
	}
	srv, err := New(cfg)
	if err != nil {
		ln.Close()
		t.Fatalf("New: %v", err)
	}
	hs := &http.Server{Handler: srv.Handler()}
	go hs.Serve(ln)
	t.Cleanup(func() { hs.Close(); srv.Close() })
	return srv, ln.Addr().String()
}

// rawRequest writes one HTTP/1.1 request byte for byte to addr, with the given Host
// header, and reads the reply: what a browser sends after DNS rebinding (the attacker's
// name in Host, the dev platform's address on the wire).
func rawRequest(t *testing.T, addr, method, path, host string, hdr map[string]string, body string) (*http.Response, string) {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s HTTP/1.1\r\nHost: %s\r\nConnection: close\r\n", method, path, host)
	for k, v := range hdr {
		fmt.Fprintf(&b, "%s: %s\r\n", k, v)
	}
	if body != "" {
		fmt.Fprintf(&b, "Content-Length: %d\r\n", len(body))
	}
	b.WriteString("\r\n" + body)
	if _, err := io.WriteString(c, b.String()); err != nil {
		t.Fatal(err)
	}
	resp, err := http.ReadResponse(bufio.NewReader(c), nil)
	if err != nil {
		t.Fatalf("%s %s (Host %s): %v", method, path, host, err)
	}
	defer resp.Body.Close()
	rb, _ := io.ReadAll(resp.Body)
	return resp, string(rb)
}

// Every route refuses a Host that is not the server's (421 with a message naming the
// Host and what is accepted) and stores nothing; the server's own names pass.
func TestHostCheckEveryEndpoint(t *testing.T) {
	srv, addr := listenServer(t, Config{APIKey: testKey})
	_, port, _ := net.SplitHostPort(addr)
	ids, evs := newTrace(t, t0, "host check")
	body := string(batchJSON(t, evs))
	ingestHdr := map[string]string{"Content-Type": "application/json", "Authorization": "Bearer " + testKey}
	routes := []struct {
		method, path string
		hdr          map[string]string
		body         string
	}{
		{"POST", "/v1/traces", ingestHdr, body},
		{"GET", "/v1/traces", nil, ""},
		{"GET", "/v1/traces/" + ids.trace, nil, ""},
		{"GET", "/", nil, ""},
		{"GET", "/traces/" + ids.trace, nil, ""},
		{"GET", "/threads/" + ids.thread, nil, ""},
		{"GET", "/static/app.css", nil, ""},
		{"POST", "/login", map[string]string{"Content-Type": "application/x-www-form-urlencoded"}, "key=x"},
	}
	for _, host := range []string{"evil.example:" + port, "evil.example", "localhost.evil.example:" + port,
		"127.0.0.1.nip.io:" + port, "localhost:1", "127.0.0.1:80", "[::1]:1", "::1", "10.0.0.1:" + port, "localhost.:" + port} {
		for _, rt := range routes {
			resp, text := rawRequest(t, addr, rt.method, rt.path, host, rt.hdr, rt.body)
			if strings.HasPrefix(rt.path, "/v1/") {
				var e errorReply
				if err := json.Unmarshal([]byte(text), &e); err != nil {
					t.Errorf("%s %s: refusal is not the API's JSON error: %v", rt.method, rt.path, err)
				}
				text = e.Error
			}
			if resp.StatusCode != http.StatusMisdirectedRequest || !strings.Contains(text, fmt.Sprintf("Host %q", host)) ||
				!strings.Contains(text, "DNS rebinding") || !strings.Contains(text, "localhost") {
				t.Errorf("%s %s with Host %s: %d %s", rt.method, rt.path, host, resp.StatusCode, text)
			}
			if strings.HasPrefix(rt.path, "/v1/") && resp.Header.Get("Content-Type") != "application/json" {
				t.Errorf("%s %s: refusal is %q, want the API's JSON error", rt.method, rt.path, resp.Header.Get("Content-Type"))
			}
		}
	}
	if n := count(t, srv); n != 0 {
		t.Fatalf("refused requests stored %d events", n)
	}
	for _, host := range []string{addr, "localhost:" + port, "LOCALHOST:" + port, "[::1]:" + port} {
		for _, rt := range routes[:7] {
			resp, text := rawRequest(t, addr, rt.method, rt.path, host, rt.hdr, rt.body)
			if resp.StatusCode != http.StatusOK {
				t.Errorf("%s %s with Host %s: %d %.200s", rt.method, rt.path, host, resp.StatusCode, text)
			}
		}
	}
	if n := count(t, srv); n != len(evs) {
		t.Fatalf("stored %d events, want %d", n, len(evs))
	}
}

// -allow-host names pass with the listen port; a server bound to every interface answers
// any IP literal (which cannot be rebound) but still no other name.
func TestHostCheckAllowedAndUnspecified(t *testing.T) {
	_, addr := listenServer(t, Config{AllowedHosts: []string{"host.docker.internal", " Dev.Box "}})
	_, port, _ := net.SplitHostPort(addr)
	for host, want := range map[string]int{
		"host.docker.internal:" + port: http.StatusOK,
		"dev.box:" + port:              http.StatusOK,
		"host.docker.internal:1":       http.StatusMisdirectedRequest,
		"evil.example:" + port:         http.StatusMisdirectedRequest,
	} {
		if resp, text := rawRequest(t, addr, "GET", "/v1/traces", host, nil, ""); resp.StatusCode != want {
			t.Errorf("Host %s: %d, want %d: %s", host, resp.StatusCode, want, text)
		}
	}

	p, err := newHostPolicy("0.0.0.0:8787", nil)
	if err != nil {
		t.Fatal(err)
	}
	for host, want := range map[string]bool{"192.168.1.20:8787": true, "[fe80::1]:8787": true, "localhost:8787": true,
		"192.168.1.20:8788": false, "myhost.lan:8787": false, "": false} {
		if got := p.allows(host); got != want {
			t.Errorf("bound to 0.0.0.0: Host %q allowed = %v, want %v", host, got, want)
		}
	}
	// Without Addr (httptest), the loopback names pass with any port, other names do not.
	p, _ = newHostPolicy("", nil)
	for host, want := range map[string]bool{"127.0.0.1:41234": true, "localhost": true, "[::1]:9": true, "evil.example:41234": false} {
		if got := p.allows(host); got != want {
			t.Errorf("no Addr: Host %q allowed = %v, want %v", host, got, want)
		}
	}
	for _, bad := range []struct{ addr, allow string }{{"127.0.0.1:0", ""}, {"127.0.0.1", ""}, {"127.0.0.1:8787", "evil.example:80"}, {"127.0.0.1:8787", "http://x"}} {
		var allow []string
		if bad.allow != "" {
			allow = []string{bad.allow}
		}
		if _, err := New(Config{DBPath: ":memory:", Addr: bad.addr, AllowedHosts: allow}); err == nil {
			t.Errorf("New accepted Addr %q, AllowedHosts %q", bad.addr, allow)
		}
	}
}

// The httptest servers of the other tests send Host 127.0.0.1:<port>: they pass.
func TestHostCheckHTTPTest(t *testing.T) {
	_, ts := newTestServer(t, testKey)
	if r := get(t, ts, "/v1/traces"); r.status != http.StatusOK || !bytes.HasPrefix(r.body, []byte(`{"traces":`)) {
		t.Fatalf("%d %s", r.status, r.body)
	}
}
