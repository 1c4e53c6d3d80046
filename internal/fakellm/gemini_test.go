package fakellm

import (
	"bufio"
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"reflect"
	"strings"
	"testing"
)

// postGemini sends body to the server at path and returns the response.
func postGemini(t *testing.T, s *Server, path, body string) *http.Response {
	t.Helper()
	resp, err := http.Post(s.URL()+path, "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { resp.Body.Close() })
	return resp
}

type geminiReply struct {
	Candidates []struct {
		Content struct {
			Role  string           `json:"role"`
			Parts []map[string]any `json:"parts"`
		} `json:"content"`
		FinishReason string `json:"finishReason"`
	} `json:"candidates"`
	UsageMetadata map[string]any `json:"usageMetadata"`
	ModelVersion  string         `json:"modelVersion"`
	ResponseID    string         `json:"responseId"`
}

// The served usage in Gemini's accounting: the total is prompt + candidates + thoughts,
// the cached tokens are inside the prompt.
var servedUsage = map[string]float64{"promptTokenCount": 42, "cachedContentTokenCount": 8,
	"candidatesTokenCount": 12, "thoughtsTokenCount": 5, "totalTokenCount": 59}

func usageCounts(m map[string]any) map[string]float64 {
	out := map[string]float64{}
	for k, v := range m {
		if n, ok := v.(float64); ok && strings.HasSuffix(k, "Count") {
			out[k] = n
		}
	}
	return out
}

// A generateContent reply carries the function call (args as an object, no id), the text,
// the finish reason and the whole usageMetadata.
func TestGeminiGenerateContent(t *testing.T) {
	s := New(t)
	s.Enqueue(GeminiGenerateContent(GeminiResponse{ResponseID: "r1", ModelVersion: "gemini-2.5-flash",
		FunctionCalls: []GeminiFunctionCall{{Name: "get_weather", Args: `{"city":"Paris"}`}}, Usage: GeminiServedUsage}))
	resp := postGemini(t, s, "/v1beta/models/gemini-2.5-flash:generateContent", `{"contents":[]}`)
	var r geminiReply
	if err := json.NewDecoder(resp.Body).Decode(&r); err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != 200 || len(r.Candidates) != 1 || r.Candidates[0].FinishReason != "STOP" || r.Candidates[0].Content.Role != "model" {
		t.Fatalf("status %d reply %+v", resp.StatusCode, r)
	}
	want := []map[string]any{{"functionCall": map[string]any{"name": "get_weather", "args": map[string]any{"city": "Paris"}}}}
	if !reflect.DeepEqual(r.Candidates[0].Content.Parts, want) {
		t.Errorf("parts %v, want %v", r.Candidates[0].Content.Parts, want)
	}
	if got := usageCounts(r.UsageMetadata); !reflect.DeepEqual(got, servedUsage) {
		t.Errorf("usageMetadata %v, want %v", got, servedUsage)
	}
	if r.ModelVersion != "gemini-2.5-flash" || r.ResponseID != "r1" {
		t.Errorf("modelVersion %q responseId %q", r.ModelVersion, r.ResponseID)
	}
}

// A stream sends the text in pieces, the prompt-side usage on every chunk but the last and
// the whole usage with the finish reason on the last: only the last chunk's counts add up
// to the served numbers.
func TestGeminiStream(t *testing.T) {
	s := New(t)
	s.Enqueue(GeminiStream(GeminiResponse{ResponseID: "r2", ModelVersion: "gemini-2.5-flash",
		Text: "It is 18 °C and clear in Paris.", Usage: GeminiServedUsage}))
	resp := postGemini(t, s, "/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse", `{"contents":[]}`)
	if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/event-stream") {
		t.Fatalf("content type %q", ct)
	}
	var chunks []geminiReply
	sc := bufio.NewScanner(resp.Body)
	for sc.Scan() {
		data, ok := strings.CutPrefix(sc.Text(), "data: ")
		if !ok {
			continue
		}
		var r geminiReply
		if err := json.Unmarshal([]byte(data), &r); err != nil {
			t.Fatalf("chunk %q: %v", data, err)
		}
		chunks = append(chunks, r)
	}
	if len(chunks) != 3 {
		t.Fatalf("%d chunks, want 3", len(chunks))
	}
	var text strings.Builder
	for i, c := range chunks {
		text.WriteString(c.Candidates[0].Content.Parts[0]["text"].(string))
		last := i == len(chunks)-1
		if (c.Candidates[0].FinishReason == "STOP") != last {
			t.Errorf("chunk %d finishReason %q", i, c.Candidates[0].FinishReason)
		}
		want := map[string]float64{"promptTokenCount": 42, "cachedContentTokenCount": 8, "totalTokenCount": 42}
		if last {
			want = servedUsage
		}
		if got := usageCounts(c.UsageMetadata); !reflect.DeepEqual(got, want) {
			t.Errorf("chunk %d usageMetadata %v, want %v", i, got, want)
		}
	}
	if text.String() != "It is 18 °C and clear in Paris." {
		t.Errorf("text %q", text.String())
	}
}

// A function call streams as one chunk, with the whole usage.
func TestGeminiStreamFunctionCall(t *testing.T) {
	s := New(t)
	s.Enqueue(GeminiStream(GeminiResponse{FunctionCalls: []GeminiFunctionCall{{Name: "get_weather", Args: `{"city":"Paris"}`}}, Usage: GeminiServedUsage}))
	resp := postGemini(t, s, "/v1beta/models/m:streamGenerateContent?alt=sse", `{}`)
	raw, _ := io.ReadAll(resp.Body)
	if n := bytes.Count(raw, []byte("data: ")); n != 1 || !bytes.Contains(raw, []byte(`"functionCall":{"args":{"city":"Paris"},"name":"get_weather"}`)) ||
		!bytes.Contains(raw, []byte(`"thoughtsTokenCount":5`)) {
		t.Errorf("%d events: %s", n, raw)
	}
}

// An error is Google's envelope with the HTTP status as code and the gRPC status name.
func TestGeminiError(t *testing.T) {
	s := New(t)
	s.Enqueue(GeminiError(http.StatusTooManyRequests, "RESOURCE_EXHAUSTED", "quota", "7"))
	resp := postGemini(t, s, "/v1beta/models/m:generateContent", `{}`)
	var body struct {
		Error struct {
			Code    int    `json:"code"`
			Message string `json:"message"`
			Status  string `json:"status"`
		} `json:"error"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&body); err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != 429 || resp.Header.Get("Retry-After") != "7" || body.Error.Code != 429 || body.Error.Status != "RESOURCE_EXHAUSTED" || body.Error.Message != "quota" {
		t.Errorf("status %d retry-after %q body %+v", resp.StatusCode, resp.Header.Get("Retry-After"), body)
	}
	if ct := resp.Header.Get("Content-Type"); ct != "application/json; charset=UTF-8" {
		t.Errorf("content type %q", ct)
	}
}
