package devserver

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"

	"github.com/llmtrace/llmtrace/platform"
)

// Config configures a Server.
type Config struct {
	// DBPath is the SQLite database file, created when missing. ":memory:" (or "") keeps
	// events in a private in-memory database that Close discards.
	DBPath string
	// APIKey is the key POST /v1/traces requires as "Authorization: Bearer <key>".
	// Empty means no key is required.
	APIKey string
	// ReadKey, when set, protects the read API and the pages: a program sends
	// "Authorization: Bearer <read key>", a browser opens a page once with ?key=<read key>
	// (or fills in the login form) and keeps a cookie. Empty leaves reads open to whoever
	// can reach the address (loopback by default). It may equal APIKey.
	ReadKey string
	// Addr is the address the server is reached at, host:port: the listener's bound
	// address (not port 0). Requests whose Host header is neither this host nor localhost,
	// 127.0.0.1 or [::1] with this port are refused with 421 (DNS rebinding protection,
	// hostPolicy). Empty (a server behind httptest) accepts those loopback names with any
	// port.
	Addr string
	// AllowedHosts are further host names (or IP addresses) accepted in the Host header,
	// with Addr's port: e.g. "host.docker.internal" for a collector in a container.
	AllowedHosts []string
	// Logger receives one line per batch and per rejected request; nil discards logs.
	Logger *slog.Logger
}

// Server is the dev platform: the ingest endpoint, the read API and the page, over one
// SQLite store. It is safe for concurrent use.
type Server struct {
	store      *store
	apiKey     string
	readKey    string
	readCookie string // the read cookie's name: one per port, as cookies ignore ports
	log        *slog.Logger
	mux        *http.ServeMux
	handler    http.Handler
}

// New opens (or creates) the database at cfg.DBPath and returns a Server ready to serve.
// It fails when cfg.Addr or cfg.AllowedHosts is malformed, or when the database cannot be
// opened or its schema cannot be created.
func New(cfg Config) (*Server, error) {
	hosts, err := newHostPolicy(cfg.Addr, cfg.AllowedHosts)
	if err != nil {
		return nil, err
	}
	st, err := openStore(cfg.DBPath)
	if err != nil {
		return nil, err
	}
	log := cfg.Logger
	if log == nil {
		log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	s := &Server{store: st, apiKey: cfg.APIKey, readKey: cfg.ReadKey, readCookie: "llmtrace_read",
		log: log, mux: http.NewServeMux()}
	if hosts.port != "" {
		s.readCookie += "_" + hosts.port
	}
	s.mux.HandleFunc("POST /v1/traces", s.handleIngest)
	s.mux.HandleFunc("GET /v1/traces", s.requireReadAPI(s.handleList))
	s.mux.HandleFunc("GET /v1/traces/{traceId}", s.requireReadAPI(s.handleTrace))
	s.mux.HandleFunc("GET /{$}", s.requireReadPage(s.handleListPage))
	s.mux.HandleFunc("GET /traces/{traceId}", s.requireReadPage(s.handleTracePage))
	s.mux.HandleFunc("GET /threads/{threadId}", s.requireReadPage(s.handleThreadPage))
	s.mux.HandleFunc("POST /login", s.handleLogin)
	s.mux.Handle("GET /static/", staticFiles)
	s.handler = hosts.checkHost(s.mux)
	return s, nil
}

// Handler returns the HTTP handler serving every route of the dev platform, behind the
// Host check (Config.Addr).
func (s *Server) Handler() http.Handler { return s.handler }

// Close closes the database. In-flight requests should be drained first
// (http.Server.Shutdown).
func (s *Server) Close() error { return s.store.close() }

// Events returns the stored events of one trace (traceId, a UUID v7 string), ordered by
// startTime then spanId; an empty slice when the trace is unknown.
func (s *Server) Events(ctx context.Context, traceID string) ([]platform.TraceEvent, error) {
	if traceID == "" {
		return []platform.TraceEvent{}, nil
	}
	raws, err := s.store.rawEvents(ctx, traceID)
	if err != nil {
		return nil, err
	}
	return decodeStored(raws)
}

// AllEvents returns every stored event, ordered by traceId, then startTime, then spanId.
func (s *Server) AllEvents(ctx context.Context) ([]platform.TraceEvent, error) {
	raws, err := s.store.rawEvents(ctx, "")
	if err != nil {
		return nil, err
	}
	return decodeStored(raws)
}

// Count returns the number of stored events (distinct (traceId, spanId) pairs).
func (s *Server) Count(ctx context.Context) (int, error) { return s.store.count(ctx) }

// writeJSON writes v as a JSON reply with the given status.
func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.Encode(v)
}

// errorReply is the contract's error body: {"error": "...", "details": [...]}.
type errorReply struct {
	Error   string   `json:"error"`
	Details []string `json:"details,omitempty"`
}
