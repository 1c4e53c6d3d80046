package llmtraceopenai

import (
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/openai/openai-go/v3/option"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/trace"

	"github.com/llmtrace/llmtrace/internal/genaiclient"
	"github.com/llmtrace/llmtrace/semconv"
)

// endpoint is an instrumented OpenAI API endpoint.
type endpoint int

const (
	chatCompletions endpoint = iota + 1
	responsesAPI
	embeddingsAPI
)

// route returns the endpoint of req, 0 for any request that is not instrumented.
func route(req *http.Request) endpoint {
	if req.Method != http.MethodPost {
		return 0
	}
	p := strings.TrimSuffix(req.URL.Path, "/")
	switch {
	case strings.HasSuffix(p, "/chat/completions"):
		return chatCompletions
	case strings.HasSuffix(p, "/responses"):
		return responsesAPI
	case strings.HasSuffix(p, "/embeddings"):
		return embeddingsAPI
	}
	return 0
}

// Middleware returns the openai-go middleware that traces each model call:
//
//	openai.NewClient(option.WithMiddleware(llmtraceopenai.Middleware()))
//
// It never changes a request or a response: bodies reach the client byte for byte, a
// streamed body as each piece arrives. A request body it cannot read is sent untraced.
func Middleware(opts ...Option) option.Middleware {
	s := newSettings(opts)
	return func(req *http.Request, next option.MiddlewareNext) (*http.Response, error) {
		ep := route(req)
		if ep == 0 {
			return next(req)
		}
		body, err := genaiclient.ReadRequestBody(req)
		if err != nil {
			return next(req)
		}
		c := &call{s: s, ep: ep}
		model, attrs := c.request(body)
		attrs = append(attrs, genaiclient.ServerAttributes(req.URL)...)
		attrs = append(attrs, attribute.String(semconv.GenAIProviderName, provider(req.URL.Hostname())))
		op := semconv.OpChat
		if ep == embeddingsAPI {
			op = semconv.OpEmbeddings
		}
		ctx, span := genaiclient.Start(req.Context(), s.tracer, op, model, attrs)
		c.span, c.start = span, time.Now()

		resp, err := next(req.WithContext(ctx))
		return genaiclient.Finish(span, resp, err, genaiclient.Reply{
			APIError: recordAPIError, Stream: &stream{c: c}, JSON: c.response, End: c.end,
		})
	}
}

// provider is gen_ai.provider.name for the API host: azure.ai.openai for Azure OpenAI
// (*.openai.azure.com), openai for any other.
func provider(host string) string {
	if genaiclient.HostIs(host, "openai.azure.com") {
		return semconv.ProviderAzureAIOpenAI
	}
	return semconv.ProviderOpenAI
}

// call is one traced HTTP attempt.
type call struct {
	s     settings
	ep    endpoint
	span  trace.Span
	start time.Time
	ttfc  float64 // seconds; 0 until the first streamed event

	id, model, serviceTier, fingerprint string
	finish                              []string
	usage                               *usage
	output                              []genaiclient.Message
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
	if len(c.finish) > 0 {
		attrs = append(attrs, attribute.StringSlice(semconv.GenAIResponseFinishReason, c.finish))
	}
	if c.serviceTier != "" {
		attrs = append(attrs, attribute.String(semconv.OpenAIResponseServiceTier, c.serviceTier))
	}
	if c.fingerprint != "" {
		attrs = append(attrs, attribute.String(semconv.OpenAIResponseSystemFingerprint, c.fingerprint))
	}
	if c.ttfc > 0 {
		attrs = append(attrs, attribute.Float64(semconv.GenAIResponseTTFC, c.ttfc))
	}
	attrs = c.usage.attributes(attrs, c.ep != embeddingsAPI)
	if c.s.capture && len(c.output) > 0 {
		attrs = append(attrs, attribute.String(semconv.GenAIOutputMessages, genaiclient.JSON(c.output)))
	}
	c.span.SetAttributes(attrs...)
	c.span.End()
}

// recordAPIError records an error reply: error.type is OpenAI's error code, else its error
// type, else the HTTP status code.
func recordAPIError(span trace.Span, status int, body []byte) {
	var env struct {
		Error struct {
			Message string          `json:"message"`
			Type    string          `json:"type"`
			Code    json.RawMessage `json:"code"`
		} `json:"error"`
	}
	_ = json.Unmarshal(body, &env)
	typ := ""
	var code string
	if json.Unmarshal(env.Error.Code, &code) == nil && code != "" {
		typ = code
	} else if env.Error.Type != "" {
		typ = env.Error.Type
	} else {
		typ = strconv.Itoa(status)
	}
	msg := env.Error.Message
	if msg == "" {
		msg = http.StatusText(status)
	}
	genaiclient.RecordFailure(span, typ, msg)
}
