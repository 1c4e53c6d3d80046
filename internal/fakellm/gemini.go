package fakellm

// GeminiUsage are the token counts of a Gemini reply (usageMetadata) as the Gemini API
// reports them: Prompt includes Cached; Candidates excludes Thoughts, which are counted
// apart; the total is Prompt + Candidates + Thoughts.
type GeminiUsage struct {
	Prompt, Cached, Candidates, Thoughts int64
}

// wire is the usageMetadata object; promptOnly gives the prompt-side counts a stream's
// chunks before the last carry.
func (u GeminiUsage) wire(promptOnly bool) map[string]any {
	m := map[string]any{
		"promptTokenCount":    u.Prompt,
		"promptTokensDetails": []any{map[string]any{"modality": "TEXT", "tokenCount": u.Prompt}},
		"totalTokenCount":     u.Prompt,
	}
	if u.Cached > 0 {
		m["cachedContentTokenCount"] = u.Cached
		m["cacheTokensDetails"] = []any{map[string]any{"modality": "TEXT", "tokenCount": u.Cached}}
	}
	if promptOnly {
		return m
	}
	m["candidatesTokenCount"] = u.Candidates
	m["totalTokenCount"] = u.Prompt + u.Candidates + u.Thoughts
	if u.Thoughts > 0 {
		m["thoughtsTokenCount"] = u.Thoughts
	}
	return m
}

// GeminiFunctionCall is one functionCall part: the function's name and its args as a JSON
// object text. The Gemini API sends no call id.
type GeminiFunctionCall struct {
	Name, Args string
}

// GeminiResponse is one generateContent reply to serve.
type GeminiResponse struct {
	ResponseID, ModelVersion, Text string
	FunctionCalls                  []GeminiFunctionCall
	FinishReason                   string // "STOP" when empty
	Usage                          GeminiUsage
}

func (g GeminiResponse) finish() string {
	if g.FinishReason != "" {
		return g.FinishReason
	}
	return "STOP"
}

func (g GeminiResponse) body(parts []any, finish string, usage map[string]any) map[string]any {
	cand := map[string]any{"content": map[string]any{"parts": parts, "role": "model"}, "index": 0}
	if finish != "" {
		cand["finishReason"] = finish
	}
	return map[string]any{"candidates": []any{cand}, "usageMetadata": usage,
		"modelVersion": g.ModelVersion, "responseId": g.ResponseID}
}

func (g GeminiResponse) callParts() []any {
	var parts []any
	for _, fc := range g.FunctionCalls {
		parts = append(parts, map[string]any{"functionCall": map[string]any{"name": fc.Name, "args": rawJSON(fc.Args)}})
	}
	return parts
}

// GeminiGenerateContent is the JSON reply of POST /v1beta/models/MODEL:generateContent:
// one candidate with the text part and the functionCall parts, the finish reason and the
// whole usageMetadata.
func GeminiGenerateContent(g GeminiResponse) Reply {
	var parts []any
	if g.Text != "" {
		parts = append(parts, map[string]any{"text": g.Text})
	}
	parts = append(parts, g.callParts()...)
	if parts == nil {
		parts = []any{}
	}
	return Reply{Body: mustJSON(g.body(parts, g.finish(), g.Usage.wire(false)))}
}

// GeminiStream is the SSE reply of POST /v1beta/models/MODEL:streamGenerateContent?alt=sse:
// one GenerateContentResponse per event, the text in up to three pieces and then the
// functionCall parts (a call is never split). As the Gemini API does, every chunk carries
// usageMetadata — the prompt-side counts (promptTokenCount, cachedContentTokenCount,
// totalTokenCount = promptTokenCount) on each chunk but the last, the whole usage with the
// finishReason on the last — so a reader that adds the chunks' counts up counts the prompt
// several times.
func GeminiStream(g GeminiResponse) Reply {
	var chunks [][]any
	for _, p := range splitRunes(g.Text) {
		chunks = append(chunks, []any{map[string]any{"text": p}})
	}
	if calls := g.callParts(); calls != nil {
		chunks = append(chunks, calls)
	}
	if chunks == nil {
		chunks = [][]any{{}}
	}
	var evs []Event
	for i, parts := range chunks {
		if i < len(chunks)-1 {
			evs = append(evs, Event{Data: mustJSON(g.body(parts, "", g.Usage.wire(true)))})
			continue
		}
		evs = append(evs, Event{Data: mustJSON(g.body(parts, g.finish(), g.Usage.wire(false)))})
	}
	return Reply{Events: evs}
}

// splitRunes cuts s in up to three pieces on rune boundaries, as a model streams text.
func splitRunes(s string) []string {
	r := []rune(s)
	if len(r) < 3 {
		if s == "" {
			return nil
		}
		return []string{s}
	}
	a, b := len(r)/3, 2*len(r)/3
	return []string{string(r[:a]), string(r[a:b]), string(r[b:])}
}

// GeminiError is an error reply in Google's API envelope
// {"error":{"code","message","status"}}, e.g. 500 "INTERNAL", 429 "RESOURCE_EXHAUSTED".
// retryAfter, when not empty, is sent as the Retry-After header (seconds).
func GeminiError(status int, grpcStatus, message, retryAfter string) Reply {
	r := Reply{Status: status, Body: mustJSON(map[string]any{"error": map[string]any{
		"code": status, "message": message, "status": grpcStatus}})}
	if retryAfter != "" {
		r = r.WithHeader("Retry-After", retryAfter)
	}
	return r.WithHeader("Content-Type", "application/json; charset=UTF-8")
}

// GeminiServedUsage are the counts the capture fake scripts/capture/lib/fake-gemini.mjs
// serves for every call (testdata/captures/README.md): 42 prompt tokens of which 8 cached,
// 12 candidate tokens, 5 thought tokens, 59 in total — the OpenAI fake's 42 / 17 (5 of them
// reasoning) / 59 in Gemini's accounting.
var GeminiServedUsage = GeminiUsage{Prompt: 42, Cached: 8, Candidates: 12, Thoughts: 5}
