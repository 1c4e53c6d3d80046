package fakellm

import (
	"reflect"
	"strings"
	"testing"
)

// geminiTools is a tools list as google.golang.org/genai v1.79.1 sends it (models.go
// writes the request in camelCase; a Schema's types are upper case, types.go TypeObject).
const geminiTools = `"tools":[{"functionDeclarations":[{"name":"get_weather","description":"Weather of a city",
	"parameters":{"type":"OBJECT","properties":{"location":{"type":"STRING"},"unit":{"type":"STRING","enum":["celsius","fahrenheit"]},
	"days":{"type":"INTEGER"}},"required":["location","unit","days"]}}]}]`

// A generateContent tool loop: the first request offers a function and gets a
// functionCall with arguments from its Schema (no id, finishReason STOP, as the API); the
// request carrying the functionResponse gets the text answer to the last user text. The
// usage counts the words in Gemini's usageMetadata; modelVersion is the path's model. Both
// API versions the SDKs use (v1beta, v1) are served.
func TestResponderGeminiToolLoop(t *testing.T) {
	url := startResponder(t)
	status, ctype, body := post(t, url, "/v1beta/models/gemini-2.5-flash:generateContent",
		`{"contents":[{"role":"user","parts":[{"text":"What is the weather in Paris?"}]}],
		"systemInstruction":{"parts":[{"text":"Be brief."}]},`+geminiTools+`}`)
	if status != 200 || ctype != "application/json" {
		t.Fatalf("status %d %s: %s", status, ctype, body)
	}
	var first geminiReply
	decode(t, body, &first)
	if len(first.Candidates) != 1 || first.Candidates[0].FinishReason != "STOP" || first.Candidates[0].Content.Role != "model" {
		t.Fatalf("first reply: %s", body)
	}
	want := []map[string]any{{"functionCall": map[string]any{"name": "get_weather",
		"args": map[string]any{"days": 1.0, "location": "example", "unit": "celsius"}}}}
	if !reflect.DeepEqual(first.Candidates[0].Content.Parts, want) {
		t.Errorf("parts %v, want %v", first.Candidates[0].Content.Parts, want)
	}
	// 2 words of system instruction + 6 of the question; the arguments are one "word".
	if got := usageCounts(first.UsageMetadata); !reflect.DeepEqual(got, map[string]float64{
		"promptTokenCount": 8, "candidatesTokenCount": 1, "totalTokenCount": 9}) {
		t.Errorf("usageMetadata %v", got)
	}
	if first.ModelVersion != "gemini-2.5-flash" || !strings.HasPrefix(first.ResponseID, "fakellm-") {
		t.Errorf("modelVersion %q responseId %q", first.ModelVersion, first.ResponseID)
	}

	// The second turn on /v1, the API version google.golang.org/genai uses by default.
	_, _, body = post(t, url, "/v1/models/gemini-2.5-flash:generateContent", `{"contents":[
		{"role":"user","parts":[{"text":"What is the weather in Paris?"}]},
		{"role":"model","parts":[{"functionCall":{"name":"get_weather","args":{"location":"Paris"}}}]},
		{"role":"user","parts":[{"functionResponse":{"name":"get_weather","response":{"output":"18 C"}}}]}],`+geminiTools+`}`)
	var second geminiReply
	decode(t, body, &second)
	want = []map[string]any{{"text": "fakellm reply to: What is the weather in Paris?"}}
	if len(second.Candidates) != 1 || !reflect.DeepEqual(second.Candidates[0].Content.Parts, want) {
		t.Fatalf("second reply: %s", body)
	}
	if got := usageCounts(second.UsageMetadata); got["candidatesTokenCount"] != 9 || got["totalTokenCount"] != got["promptTokenCount"]+9 {
		t.Errorf("usageMetadata %v", got)
	}
}

// streamGenerateContent?alt=sse (what the SDKs ask for) streams the text in pieces with
// the prompt-side usage on each chunk but the last; without alt=sse the same responses
// come as one JSON array, as the API sends them.
func TestResponderGeminiStream(t *testing.T) {
	url := startResponder(t)
	req := `{"contents":[{"parts":[{"text":"Count from 1 to 5."}]}]}`
	status, ctype, body := post(t, url, "/v1beta/models/gemini-2.5-pro:streamGenerateContent?alt=sse", req)
	if status != 200 || !strings.HasPrefix(ctype, "text/event-stream") {
		t.Fatalf("status %d %s: %s", status, ctype, body)
	}
	var sse []geminiReply
	for _, d := range sseData(body) {
		var r geminiReply
		decode(t, d, &r)
		sse = append(sse, r)
	}
	status, ctype, body = post(t, url, "/v1beta/models/gemini-2.5-pro:streamGenerateContent", req)
	if status != 200 || ctype != "application/json" {
		t.Fatalf("JSON array: status %d %s: %s", status, ctype, body)
	}
	var array []geminiReply
	decode(t, body, &array)

	for name, chunks := range map[string][]geminiReply{"sse": sse, "array": array} {
		if len(chunks) != 3 {
			t.Fatalf("%s: %d chunks, want 3", name, len(chunks))
		}
		var text strings.Builder
		for i, c := range chunks {
			text.WriteString(c.Candidates[0].Content.Parts[0]["text"].(string))
			want := map[string]float64{"promptTokenCount": 5, "totalTokenCount": 5}
			if i == len(chunks)-1 {
				want = map[string]float64{"promptTokenCount": 5, "candidatesTokenCount": 8, "totalTokenCount": 13}
			}
			if got := usageCounts(c.UsageMetadata); !reflect.DeepEqual(got, want) {
				t.Errorf("%s chunk %d usageMetadata %v, want %v", name, i, got, want)
			}
			if c.ModelVersion != "gemini-2.5-pro" {
				t.Errorf("%s chunk %d modelVersion %q", name, i, c.ModelVersion)
			}
		}
		if text.String() != "fakellm reply to: Count from 1 to 5." {
			t.Errorf("%s: text %q", name, text.String())
		}
	}
}

// Bad Gemini requests: not JSON, or no contents, is a 400 in Google's envelope; a method
// the Responder does not serve (countTokens) is a 404 naming the routes; the provider is
// listed with the base URL variable Google's SDKs read.
func TestResponderGeminiBadRequests(t *testing.T) {
	url := startResponder(t)
	var ge struct {
		Error struct {
			Code            int
			Message, Status string
		} `json:"error"`
	}
	status, _, body := post(t, url, "/v1beta/models/gemini-2.5-flash:generateContent", `{"contents":[`)
	decode(t, body, &ge)
	if status != 400 || ge.Error.Code != 400 || ge.Error.Status != "INVALID_ARGUMENT" || !strings.Contains(ge.Error.Message, "not valid JSON") {
		t.Errorf("truncated JSON: %d %s", status, body)
	}
	status, _, body = post(t, url, "/v1beta/models/gemini-2.5-flash:generateContent", `{}`)
	decode(t, body, &ge)
	if status != 400 || !strings.Contains(ge.Error.Message, "contents is not specified") {
		t.Errorf("no contents: %d %s", status, body)
	}
	for _, path := range []string{"/v1beta/models/gemini-2.5-flash:countTokens", "/v1beta/models/:generateContent"} {
		status, _, body = post(t, url, path, `{}`)
		if status != 404 || !strings.Contains(body, "POST /v1beta/models/{model}:streamGenerateContent") {
			t.Errorf("%s: %d %s", path, status, body)
		}
	}
	var found bool
	for _, p := range Providers() {
		if p.Name == "gcp.gemini" {
			found = p.BaseURLEnv == "GOOGLE_GEMINI_BASE_URL" && p.BasePath == "" && len(p.Routes) == 4
		}
	}
	if !found {
		t.Errorf("Providers() %+v: no gcp.gemini entry with GOOGLE_GEMINI_BASE_URL", Providers())
	}
}
