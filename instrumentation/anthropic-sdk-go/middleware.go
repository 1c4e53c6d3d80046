package llmtraceanthropic

import (
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/anthropics/anthropic-sdk-go/v2/option"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/trace"

	"github.com/llmtrace/llmtrace/internal/genaiclient"
	"github.com/llmtrace/llmtrace/semconv"
)

// isMessagesCreate reports whether req is POST /v1/messages (the Messages API's create,
// beta or not; count_tokens and batches are other paths).
func isMessagesCreate(req *http.Request) bool {
	return req.Method == http.MethodPost && strings.HasSuffix(strings.TrimSuffix(req.URL.Path, "/"), "/messages")
}

// Middleware returns the anthropic-sdk-go middleware that traces each model call:
//
//	anthropic.NewClient(option.WithMiddleware(llmtraceanthropic.Middleware()), option.WithoutOpenTelemetry())
//
// It never changes a request or a response: bodies reach the client byte for byte, a
// streamed body as each event arrives. A request body it cannot read is sent untraced.
func Middleware(opts ...Option) option.Middleware {
	s := newSettings(opts)
	return func(req *http.Request, next option.MiddlewareNext) (*http.Response, error) {
		if !isMessagesCreate(req) {
			return next(req)
		}
		body, err := genaiclient.ReadRequestBody(req)
		if err != nil {
			return next(req)
		}
		c := &call{s: s}
		model, attrs := c.request(body)
		attrs = append(attrs, genaiclient.ServerAttributes(req.URL)...)
		ctx, span := genaiclient.Start(req.Context(), s.tracer, semconv.OpChat, model, attrs)
		c.span, c.start = span, time.Now()

		resp, err := next(req.WithContext(ctx))
		return genaiclient.Finish(span, resp, err, genaiclient.Reply{
			APIError: recordAPIError, Stream: &stream{c: c}, JSON: c.message, End: c.end,
		})
	}
}

// call is one traced HTTP attempt.
type call struct {
	s     settings
	span  trace.Span
	start time.Time
	ttfc  float64 // seconds; 0 until the first streamed event

	id, model, stopReason string
	usage                 usage
	hasUsage              bool
	output                []genaiclient.Part
}

// end sets the response attributes and ends the span.
func (c *call) end() {
	var attrs []attribute.KeyValue
	if c.id != "" {
		attrs = append(attrs, attribute.String(semconv.GenAIResponseID, c.id))
	}
	if c.model != "" {
		attrs = append(attrs, attribute.String(semconv.GenAIResponseModel, c.model))
	}
	if c.stopReason != "" {
		attrs = append(attrs, attribute.StringSlice(semconv.GenAIResponseFinishReason, []string{c.stopReason}))
	}
	if c.ttfc > 0 {
		attrs = append(attrs, attribute.Float64(semconv.GenAIResponseTTFC, c.ttfc))
	}
	if c.hasUsage {
		attrs = c.usage.attributes(attrs)
	}
	if c.s.capture && c.output != nil {
		attrs = append(attrs, attribute.String(semconv.GenAIOutputMessages, genaiclient.JSON([]genaiclient.Message{{
			Role: "assistant", Parts: c.output, FinishReason: outputFinishReason(c.stopReason),
		}})))
	}
	c.span.SetAttributes(attrs...)
	c.span.End()
}

// recordAPIError records an error reply: error.type is Anthropic's error type
// ({"type":"error","error":{"type","message"}}), else the HTTP status code.
func recordAPIError(span trace.Span, status int, body []byte) {
	var env struct {
		Error struct {
			Type    string `json:"type"`
			Message string `json:"message"`
		} `json:"error"`
	}
	_ = json.Unmarshal(body, &env)
	typ, msg := env.Error.Type, env.Error.Message
	if typ == "" {
		typ = strconv.Itoa(status)
	}
	if msg == "" {
		msg = http.StatusText(status)
	}
	genaiclient.RecordFailure(span, typ, msg)
}
