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
	// Logger receives one line per batch and per rejected request; nil discards logs.
	Logger *slog.Logger
}

// Server is the dev platform: the ingest endpoint, the read API and the page, over one
// SQLite store. It is safe for concurrent use.
type Server struct {
	store  *store
	apiKey string
	log    *slog.Logger
	mux    *http.ServeMux
}

// New opens (or creates) the database at cfg.DBPath and returns a Server ready to serve.
// It fails when the database cannot be opened or its schema cannot be created.
func New(cfg Config) (*Server, error) {
	st, err := openStore(cfg.DBPath)
	if err != nil {
		return nil, err
	}
	log := cfg.Logger
	if log == nil {
		log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	s := &Server{store: st, apiKey: cfg.APIKey, log: log, mux: http.NewServeMux()}
	s.mux.HandleFunc("POST /v1/traces", s.handleIngest)
	s.mux.HandleFunc("GET /v1/traces", s.handleList)
	s.mux.HandleFunc("GET /v1/traces/{traceId}", s.handleTrace)
	s.mux.HandleFunc("GET /{$}", s.handleListPage)
	s.mux.HandleFunc("GET /traces/{traceId}", s.handleTracePage)
	s.mux.HandleFunc("GET /threads/{threadId}", s.handleThreadPage)
	s.mux.Handle("GET /static/", staticFiles)
	return s, nil
}

// Handler returns the HTTP handler serving every route of the dev platform.
func (s *Server) Handler() http.Handler { return s.mux }

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
