package devserver

import (
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strings"

	"github.com/klauspost/compress/gzip"
	"github.com/klauspost/compress/zstd"
	"github.com/llmtrace/llmtrace/platform"
)

// compressedSlack is how much larger than MaxRequestBytes a compressed body may be on the
// wire: incompressible data grows by a few bytes per block under gzip and zstd.
const compressedSlack = 64 << 10

// maxZstdWindow bounds the zstd window (bytes) a request may make the decoder allocate.
const maxZstdWindow = 8 << 20

// rejectedEvent is one entry of the partial-success reply: the event's index in the
// batch and why it is invalid.
type rejectedEvent struct {
	Index int    `json:"index"`
	Error string `json:"error"`
}

// ingestReply is the 200 reply of POST /v1/traces.
type ingestReply struct {
	Accepted int             `json:"accepted"`
	Rejected []rejectedEvent `json:"rejected,omitempty"`
}

// httpError is a whole-request failure: its status and the contract's error body.
type httpError struct {
	status  int
	msg     string
	details []string
}

func (e *httpError) Error() string { return e.msg }

func fail(status int, msg string, details ...string) *httpError {
	return &httpError{status: status, msg: msg, details: details}
}

// handleIngest is POST /v1/traces (docs/platform-api.md "Request" and "Response").
func (s *Server) handleIngest(w http.ResponseWriter, r *http.Request) {
	key := r.Header.Get("Idempotency-Key")
	if err := s.ingest(w, r, key); err != nil {
		s.log.Warn("batch rejected", "status", err.status, "error", err.msg,
			"idempotency_key", key, "remote", r.RemoteAddr)
		if err.status == http.StatusServiceUnavailable {
			w.Header().Set("Retry-After", "1")
		}
		writeJSON(w, err.status, errorReply{Error: err.msg, Details: err.details})
	}
}

func (s *Server) ingest(w http.ResponseWriter, r *http.Request, key string) *httpError {
	if err := s.authorize(r); err != nil {
		return err
	}
	if err := checkContentType(r.Header.Get("Content-Type")); err != nil {
		return err
	}
	body, encoding, err := readBody(w, r)
	if err != nil {
		return err
	}
	raws, err := splitBatch(body)
	if err != nil {
		return err
	}

	var reply ingestReply
	valid := make([]storedEvent, 0, len(raws))
	for i, raw := range raws {
		se, reason := acceptEvent(raw)
		if reason != "" {
			reply.Rejected = append(reply.Rejected, rejectedEvent{Index: i, Error: reason})
			continue
		}
		valid = append(valid, se)
	}
	if serr := s.store.upsert(r.Context(), valid); serr != nil {
		status := http.StatusInternalServerError
		if strings.Contains(serr.Error(), "SQLITE_BUSY") || strings.Contains(serr.Error(), "database is locked") {
			status = http.StatusServiceUnavailable
		}
		return fail(status, "storing events: "+serr.Error())
	}
	reply.Accepted = len(valid)
	s.log.Info("batch", "accepted", reply.Accepted, "rejected", len(reply.Rejected),
		"idempotency_key", key, "content_encoding", encoding, "bytes", len(body), "remote", r.RemoteAddr)
	writeJSON(w, http.StatusOK, reply)
	return nil
}

// checkContentType accepts application/json (optionally with charset=utf-8); anything
// else is 415 Unsupported Media Type.
func checkContentType(ct string) *httpError {
	if ct == "" {
		return fail(http.StatusUnsupportedMediaType, "missing Content-Type: want application/json")
	}
	mt, params, err := mime.ParseMediaType(ct)
	if err != nil || mt != "application/json" {
		return fail(http.StatusUnsupportedMediaType, fmt.Sprintf("unsupported Content-Type %q: want application/json", ct))
	}
	if cs, ok := params["charset"]; ok && !strings.EqualFold(cs, "utf-8") {
		return fail(http.StatusUnsupportedMediaType, fmt.Sprintf("unsupported charset %q: want utf-8", cs))
	}
	return nil
}

// readBody reads the request body, decompressing gzip or zstd, and never holds more than
// MaxRequestBytes (+1) of it: the wire is capped by http.MaxBytesReader and the
// decompressed stream by a limited reader. Past the limit it answers 413; a corrupt
// compressed stream is 400; an unknown Content-Encoding is 415.
func readBody(w http.ResponseWriter, r *http.Request) ([]byte, string, *httpError) {
	encoding := strings.ToLower(strings.TrimSpace(r.Header.Get("Content-Encoding")))
	wireLimit := int64(platform.MaxRequestBytes)
	if encoding != "" && encoding != "identity" {
		wireLimit += compressedSlack
	}
	if r.ContentLength > wireLimit {
		return nil, encoding, tooLarge()
	}
	wire := http.MaxBytesReader(w, r.Body, wireLimit)
	var src io.Reader
	switch encoding {
	case "", "identity":
		src = wire
	case "gzip", "x-gzip":
		zr, err := gzip.NewReader(wire)
		if err != nil {
			return nil, encoding, bodyError(err, "invalid gzip body")
		}
		defer zr.Close()
		src = zr
	case "zstd":
		zr, err := zstd.NewReader(wire, zstd.WithDecoderConcurrency(1), zstd.WithDecoderLowmem(true),
			zstd.WithDecoderMaxWindow(maxZstdWindow))
		if err != nil {
			return nil, encoding, fail(http.StatusInternalServerError, "creating zstd decoder: "+err.Error())
		}
		defer zr.Close()
		src = zr
	default:
		return nil, encoding, fail(http.StatusUnsupportedMediaType,
			fmt.Sprintf("unsupported Content-Encoding %q: want gzip, zstd or identity", encoding))
	}
	body, err := io.ReadAll(io.LimitReader(src, platform.MaxRequestBytes+1))
	if err != nil {
		what := "reading body"
		if src != wire {
			what = "invalid " + encoding + " body"
		}
		return nil, encoding, bodyError(err, what)
	}
	if len(body) > platform.MaxRequestBytes {
		return nil, encoding, tooLarge()
	}
	return body, encoding, nil
}

func tooLarge() *httpError {
	return fail(http.StatusRequestEntityTooLarge,
		fmt.Sprintf("request body over %d bytes after decompression", platform.MaxRequestBytes))
}

// bodyError classifies a read error: the wire limit is 413, anything else 400.
func bodyError(err error, what string) *httpError {
	var mb *http.MaxBytesError
	if errors.As(err, &mb) {
		return tooLarge()
	}
	return fail(http.StatusBadRequest, what+": "+err.Error())
}

// describe renders an event's validation error for the rejected list: "field: reason".
func describe(err error) string {
	var ve *platform.ValidationError
	if errors.As(err, &ve) {
		return ve.Field + ": " + ve.Reason
	}
	return err.Error()
}
