package genaiclient

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"

	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/trace"

	"github.com/llmtrace/llmtrace/semconv"
)

// SchemaURL is the semantic-conventions version the instrumentations follow.
const SchemaURL = "https://opentelemetry.io/schemas/1.41.0"

// Tracer returns the instrumentation's tracer from tp, or from the global TracerProvider
// when tp is nil.
func Tracer(tp trace.TracerProvider, name, version string) trace.Tracer {
	if tp == nil {
		tp = otel.GetTracerProvider()
	}
	return tp.Tracer(name, trace.WithInstrumentationVersion(version), trace.WithSchemaURL(SchemaURL))
}

// CaptureFromEnv reports whether OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT asks for
// content on spans: "true", "SPAN_ONLY" and "SPAN_AND_EVENT" (any case) do; anything else,
// or the variable unset, does not.
func CaptureFromEnv() bool {
	switch strings.ToLower(strings.TrimSpace(os.Getenv(semconv.EnvCaptureMessageContent))) {
	case "true", "span_only", "span_and_event":
		return true
	}
	return false
}

// ServerAttributes returns server.address and server.port of the request URL u (the port
// from the URL, else 443 for https and 80 for http).
func ServerAttributes(u *url.URL) []attribute.KeyValue {
	host := u.Hostname()
	if host == "" {
		return nil
	}
	attrs := []attribute.KeyValue{attribute.String(semconv.ServerAddress, host)}
	port, _ := strconv.Atoi(u.Port())
	if port == 0 {
		switch u.Scheme {
		case "https":
			port = 443
		case "http":
			port = 80
		}
	}
	if port > 0 {
		attrs = append(attrs, attribute.Int(semconv.ServerPort, port))
	}
	return attrs
}

// Start starts the CLIENT span of one model call, named "{operation} {model}" ("{operation}"
// when the request names no model), with attrs (which should hold the conventions'
// sampling-relevant keys: operation, provider, request model, server address and port).
func Start(ctx context.Context, tr trace.Tracer, operation, model string, attrs []attribute.KeyValue) (context.Context, trace.Span) {
	name := operation
	if model != "" {
		name = operation + " " + model
	}
	return tr.Start(ctx, name, trace.WithSpanKind(trace.SpanKindClient), trace.WithAttributes(attrs...))
}

// RecordFailure marks span failed: error.type = errType (the provider's error code, or the
// HTTP status, or _OTHER when empty), an `exception` event with exception.type = errType
// and exception.message = message, and status Error with message.
func RecordFailure(span trace.Span, errType, message string) {
	if errType == "" {
		errType = semconv.ErrorTypeOther
	}
	span.SetAttributes(attribute.String(semconv.ErrorType, errType))
	span.AddEvent(semconv.ExceptionEvent, trace.WithAttributes(
		attribute.String(semconv.ExceptionType, errType),
		attribute.String(semconv.ExceptionMessage, message),
	))
	span.SetStatus(codes.Error, message)
}

// RecordError marks span failed by a Go error (a transport error, a broken stream):
// error.type is its dynamic type (e.g. "*url.Error", "context.deadlineExceededError" as
// %T prints it), the exception event carries err's text.
func RecordError(span trace.Span, err error) {
	RecordFailure(span, fmt.Sprintf("%T", err), err.Error())
}

// MaxErrorBody bounds how much of an error response ReadErrorBody reads.
const MaxErrorBody = 64 << 10

// ReadErrorBody reads up to MaxErrorBody bytes of resp's body (an error reply) and puts
// them back in front of the rest, so the SDK reads the same bytes.
func ReadErrorBody(resp *http.Response) []byte {
	if resp.Body == nil {
		return nil
	}
	b, err := io.ReadAll(io.LimitReader(resp.Body, MaxErrorBody))
	resp.Body = readCloser{io.MultiReader(bytes.NewReader(b), errReader{err}, resp.Body), resp.Body}
	return b
}

type errReader struct{ err error }

func (r errReader) Read([]byte) (int, error) {
	if r.err != nil {
		return 0, r.err
	}
	return 0, io.EOF
}

type readCloser struct {
	io.Reader
	io.Closer
}

// ReadRequestBody returns the request body without consuming it: through req.GetBody
// when set (the SDKs set it for their JSON bodies), else by reading Body and replacing it
// with the same bytes.
func ReadRequestBody(req *http.Request) ([]byte, error) {
	if req.Body == nil || req.Body == http.NoBody {
		return nil, nil
	}
	if req.GetBody != nil {
		rc, err := req.GetBody()
		if err == nil {
			defer rc.Close()
			return io.ReadAll(rc)
		}
	}
	b, err := io.ReadAll(req.Body)
	req.Body.Close()
	req.Body = io.NopCloser(bytes.NewReader(b))
	return b, err
}

// IsEventStream reports whether resp is a Server-Sent-Events stream.
func IsEventStream(resp *http.Response) bool {
	ct := resp.Header.Get("Content-Type")
	return strings.HasPrefix(strings.TrimSpace(strings.ToLower(ct)), "text/event-stream")
}

// HostIs reports whether host is domain or a subdomain of it.
func HostIs(host, domain string) bool {
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	host = strings.ToLower(host)
	return host == domain || strings.HasSuffix(host, "."+domain)
}
