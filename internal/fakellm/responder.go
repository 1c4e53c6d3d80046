package fakellm

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"slices"
	"sort"
	"strings"
	"sync/atomic"
)

// Provider is one provider API a [Responder] serves: its routes and where an SDK's base
// URL must point for them.
type Provider struct {
	// Name is the provider's gen_ai.provider.name ("openai", "anthropic", "gcp.gemini").
	Name string
	// BasePath is the path the SDK's base URL ends with: the SDK appends the route's path
	// after it ("/v1" for OpenAI, whose SDKs append "chat/completions"; "" for Anthropic,
	// whose SDKs append "v1/messages", and for Gemini, whose SDKs append
	// "v1beta/models/MODEL:generateContent").
	BasePath string
	// BaseURLEnv is the environment variable the provider's official SDKs read their base
	// URL from (OPENAI_BASE_URL, ANTHROPIC_BASE_URL, GOOGLE_GEMINI_BASE_URL).
	BaseURLEnv string
	// Routes are the requests served, e.g. POST /v1/chat/completions.
	Routes []Route
}

// Route is one endpoint of a Provider. Path is a URL path whose segments are literal, a
// wildcard "{name}", or a wildcard with Google's custom-method suffix "{name}:verb" (Gemini's
// "/v1beta/models/{model}:generateContent"), which matches a segment ending in ":verb".
// Answer makes the reply from the request (its URL: path and query), its body and a number
// unique to the request within the Responder (1, 2, …), used in response ids.
type Route struct {
	Method, Path string
	Answer       func(req *http.Request, body []byte, seq int64) Reply
}

// providers are the APIs a Responder serves; each provider file contributes its entry
// (responder_openai.go, responder_anthropic.go, responder_gemini.go).
var providers = []Provider{openAIProvider, anthropicProvider, geminiProvider}

// Providers returns the provider APIs a [Responder] serves, in a stable order.
func Providers() []Provider { return append([]Provider(nil), providers...) }

// MaxRequestBytes bounds a request body a Responder reads (8 MiB); a larger one is answered
// 413.
const MaxRequestBytes = 8 << 20

// Responder is a fake provider for running programs rather than tests (`llmtrace fakellm`):
// an http.Handler that answers every route of [Providers] with a deterministic reply made
// from the request, in the provider's real wire shape, JSON or a Server-Sent-Events stream
// as the request's "stream" asks:
//
//   - a request that offers tools and has no tool result after its last user turn gets a
//     call of its first tool, with arguments made from the tool's JSON schema (every
//     required property: its default or first enum value, else "example" for a string, 1
//     for a number, true for a boolean, [] or {});
//   - any other request gets the text "fakellm reply to: " and the last user text (up to
//     120 bytes);
//   - usage counts whitespace-separated words (the texts sent as input, the reply as
//     output; at least 1 each), not a real tokenizer;
//   - the model is the request's model.
//
// Any API key is accepted. A body that is not JSON, or lacks the model, is answered 400 in
// the provider's error envelope; an unknown route 404 naming the routes served. It keeps
// nothing of the requests it answers. Safe for concurrent use.
type Responder struct {
	mux *http.ServeMux
	seq atomic.Int64
}

// NewResponder returns a Responder serving every route of [Providers].
func NewResponder() *Responder {
	r := &Responder{mux: http.NewServeMux()}
	// Routes whose paths differ only in a custom-method suffix share one ServeMux pattern
	// (its wildcards are whole segments); the handler tells them apart.
	var patterns []string
	byPattern := map[string][]Route{}
	for _, p := range providers {
		for _, rt := range p.Routes {
			pat := rt.Method + " " + muxPath(rt.Path)
			if byPattern[pat] == nil {
				patterns = append(patterns, pat)
			}
			byPattern[pat] = append(byPattern[pat], rt)
		}
	}
	for _, pat := range patterns {
		r.mux.HandleFunc(pat, r.route(byPattern[pat]))
	}
	r.mux.HandleFunc("/", r.notFound)
	return r
}

// ServeHTTP implements http.Handler.
func (r *Responder) ServeHTTP(w http.ResponseWriter, req *http.Request) { r.mux.ServeHTTP(w, req) }

func (r *Responder) route(rts []Route) http.HandlerFunc {
	return func(w http.ResponseWriter, req *http.Request) {
		i := slices.IndexFunc(rts, func(rt Route) bool { return matchPath(rt.Path, req.URL.Path) })
		if i < 0 {
			r.notFound(w, req)
			return
		}
		body, err := io.ReadAll(http.MaxBytesReader(w, req.Body, MaxRequestBytes))
		if err != nil {
			http.Error(w, "fakellm: request body over 8 MiB", http.StatusRequestEntityTooLarge)
			return
		}
		write(w, rts[i].Answer(req, body, r.seq.Add(1)))
	}
}

// muxPath is the http.ServeMux form of a Route path: each "{name}:verb" segment becomes
// "{name}".
func muxPath(path string) string {
	segs := strings.Split(path, "/")
	for i, s := range segs {
		if strings.HasPrefix(s, "{") {
			if end := strings.Index(s, "}"); end > 0 {
				segs[i] = s[:end+1]
			}
		}
	}
	return strings.Join(segs, "/")
}

// matchPath reports whether a request path matches a Route path: literal segments equal,
// a "{name}" segment not empty, a "{name}:verb" segment ending in ":verb" after a non-empty
// name.
func matchPath(route, path string) bool {
	rs, ps := strings.Split(route, "/"), strings.Split(path, "/")
	if len(rs) != len(ps) {
		return false
	}
	for i, r := range rs {
		end := strings.Index(r, "}")
		switch {
		case !strings.HasPrefix(r, "{") || end < 0:
			if r != ps[i] {
				return false
			}
		default:
			verb := r[end+1:]
			if name, ok := strings.CutSuffix(ps[i], verb); !ok || name == "" {
				return false
			}
		}
	}
	return true
}

func (r *Responder) notFound(w http.ResponseWriter, req *http.Request) {
	var routes []string
	for _, p := range providers {
		for _, rt := range p.Routes {
			routes = append(routes, rt.Method+" "+rt.Path)
		}
	}
	sort.Strings(routes)
	http.Error(w, fmt.Sprintf("fakellm: no route %s %s; served: %s", req.Method, req.URL.Path, strings.Join(routes, ", ")),
		http.StatusNotFound)
}

// wordCount is the fake token count of a text: its whitespace-separated words, at least 1.
func wordCount(texts ...string) int64 {
	var n int64
	for _, t := range texts {
		n += int64(len(strings.Fields(t)))
	}
	return max(n, 1)
}

// replyText is the fake answer to the last user text.
func replyText(lastUser string) string {
	lastUser = strings.Join(strings.Fields(lastUser), " ")
	if len(lastUser) > 120 {
		cut := 120
		for cut > 0 && lastUser[cut]&0xc0 == 0x80 { // not inside a UTF-8 sequence
			cut--
		}
		lastUser = lastUser[:cut] + "…"
	}
	return "fakellm reply to: " + lastUser
}

// sampleArguments is a JSON object that satisfies a tool's JSON schema (its "required"
// properties, or every property when none is required), as described on [Responder].
func sampleArguments(schema json.RawMessage) string {
	var s struct {
		Properties map[string]json.RawMessage `json:"properties"`
		Required   []string                   `json:"required"`
	}
	_ = json.Unmarshal(schema, &s) // a schema that is not an object: no arguments
	names := s.Required
	if len(names) == 0 {
		for k := range s.Properties {
			names = append(names, k)
		}
		sort.Strings(names)
	}
	args := map[string]any{}
	for _, k := range names {
		args[k] = sampleValue(s.Properties[k])
	}
	return mustJSON(args)
}

func sampleValue(prop json.RawMessage) any {
	var p struct {
		Type    any               `json:"type"`
		Default json.RawMessage   `json:"default"`
		Enum    []json.RawMessage `json:"enum"`
		Const   json.RawMessage   `json:"const"`
	}
	_ = json.Unmarshal(prop, &p)
	switch {
	case p.Const != nil:
		return p.Const
	case p.Default != nil:
		return p.Default
	case len(p.Enum) > 0:
		return p.Enum[0]
	}
	typ, _ := p.Type.(string)
	if ts, ok := p.Type.([]any); ok && len(ts) > 0 { // ["string", "null"]
		typ, _ = ts[0].(string)
	}
	switch strings.ToLower(typ) { // Gemini's Schema type is upper case: "INTEGER"
	case "integer", "number":
		return 1
	case "boolean":
		return true
	case "array":
		return []any{}
	case "object":
		return map[string]any{}
	}
	return "example"
}

// contentText is the text of a message content that is a string or an array of parts
// with a "text" field (OpenAI's content parts, Anthropic's text blocks).
func contentText(c json.RawMessage) string {
	var s string
	if json.Unmarshal(c, &s) == nil {
		return s
	}
	var parts []struct {
		Type string `json:"type"`
		Text string `json:"text"`
	}
	_ = json.Unmarshal(c, &parts)
	var b strings.Builder
	for _, p := range parts {
		if p.Text != "" {
			if b.Len() > 0 {
				b.WriteByte(' ')
			}
			b.WriteString(p.Text)
		}
	}
	return b.String()
}

// decodeRequest decodes a JSON request body into v and checks it names a model; the
// error says what is wrong in the words a provider's 400 would.
func decodeRequest(body []byte, v any, model *string) error {
	if err := json.Unmarshal(body, v); err != nil {
		return fmt.Errorf("the request body is not valid JSON: %v", err)
	}
	if *model == "" {
		return fmt.Errorf("model: field required")
	}
	return nil
}
