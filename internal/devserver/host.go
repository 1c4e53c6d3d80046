package devserver

import (
	"fmt"
	"net"
	"net/http"
	"strings"
)

// hostPolicy decides which Host headers the server answers: its defence against DNS
// rebinding, where a page on another site points its own host name at 127.0.0.1 and then
// reads the dev platform with the browser's "same-origin" requests. Such requests carry the
// attacker's host name in Host, so only the names the server is really reached by pass:
//
//   - localhost, 127.0.0.1 and [::1];
//   - the host of Config.Addr (the listen address); when it is unspecified (0.0.0.0 or
//     [::]: every interface) any IP literal, since an IP literal cannot be rebound;
//   - the names in Config.AllowedHosts (e.g. host.docker.internal);
//
// each with the listen port (a Host without a port means port 80). Without Config.Addr
// (an in-process server behind httptest, whose port is chosen later) any port passes.
type hostPolicy struct {
	port        string // "" = any port
	names       map[string]bool
	anyIP       bool
	description string // for the refusal message: what is accepted
}

func newHostPolicy(addr string, allowed []string) (*hostPolicy, error) {
	p := &hostPolicy{names: map[string]bool{"localhost": true, "127.0.0.1": true, "::1": true}}
	if addr != "" {
		host, port, err := net.SplitHostPort(addr)
		if err != nil {
			return nil, fmt.Errorf("devserver: Config.Addr %q: want the bound host:port: %w", addr, err)
		}
		if port == "0" || port == "" {
			return nil, fmt.Errorf("devserver: Config.Addr %q: give the bound address (the listener's Addr), not port 0", addr)
		}
		p.port = port
		if ip := net.ParseIP(host); host == "" || ip != nil && ip.IsUnspecified() {
			p.anyIP = true
		} else {
			p.names[strings.ToLower(host)] = true
		}
	}
	for _, h := range allowed {
		h = strings.ToLower(strings.Trim(strings.TrimSpace(h), "[]"))
		if h == "" || strings.ContainsAny(h, "/:@ ") && net.ParseIP(h) == nil {
			return nil, fmt.Errorf("devserver: allowed host %q: want a host name or IP address without a port", h)
		}
		p.names[h] = true
	}
	var names []string
	for _, n := range []string{"localhost", "127.0.0.1", "[::1]"} {
		names = append(names, n)
	}
	for n := range p.names {
		if n != "localhost" && n != "127.0.0.1" && n != "::1" {
			if strings.Contains(n, ":") {
				n = "[" + n + "]"
			}
			names = append(names, n)
		}
	}
	if p.anyIP {
		names = append(names, "any IP address of this machine")
	}
	p.description = strings.Join(names, ", ")
	if p.port != "" {
		p.description += " with port " + p.port
	}
	return p, nil
}

// allows reports whether a request's Host header names this server.
func (p *hostPolicy) allows(hostHeader string) bool {
	if hostHeader == "" {
		return false
	}
	host, port, err := net.SplitHostPort(hostHeader)
	if err != nil { // no port: the scheme's default
		host, port = strings.Trim(hostHeader, "[]"), "80"
		if strings.Contains(hostHeader, ":") && !strings.HasPrefix(hostHeader, "[") {
			return false // "a:b:c" that is neither host:port nor [IPv6]
		}
	}
	if p.port != "" && port != p.port {
		return false
	}
	host = strings.ToLower(host)
	if p.names[host] {
		return true
	}
	return p.anyIP && net.ParseIP(host) != nil
}

// checkHost wraps next: a request whose Host header is not one of the server's names is
// refused with 421 Misdirected Request before any route (ingest, read API, page, static)
// sees it.
func (p *hostPolicy) checkHost(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if p.allows(r.Host) {
			next.ServeHTTP(w, r)
			return
		}
		msg := fmt.Sprintf("Host %q is not an address of this dev platform (it answers %s): "+
			"refused as a possible DNS rebinding; start llmtrace-devserver with -allow-host NAME to accept another name",
			r.Host, p.description)
		if strings.HasPrefix(r.URL.Path, "/v1/") {
			writeJSON(w, http.StatusMisdirectedRequest, errorReply{Error: msg})
			return
		}
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.Header().Set("X-Content-Type-Options", "nosniff")
		w.WriteHeader(http.StatusMisdirectedRequest)
		fmt.Fprintln(w, msg)
	})
}
