package fakellm

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
)

// geminiProvider is what a Responder serves of the Gemini API (generativelanguage.googleapis.com):
// generateContent and streamGenerateContent (gemini.go has the reply shapes), under both API
// versions the SDKs use. Google's SDKs read their base URL from GOOGLE_GEMINI_BASE_URL and
// append "VERSION/models/MODEL:generateContent": google.golang.org/genai v1.79.1 (base_url.go;
// client.go googleAIAPIDefaultVersion) "v1", @google/genai 2.32.0
// (GOOGLE_AI_API_DEFAULT_VERSION) "v1beta".
var geminiProvider = Provider{
	Name: "gcp.gemini", BasePath: "", BaseURLEnv: "GOOGLE_GEMINI_BASE_URL",
	Routes: []Route{
		{Method: http.MethodPost, Path: "/v1beta/models/{model}:generateContent", Answer: answerGeminiGenerate},
		{Method: http.MethodPost, Path: "/v1beta/models/{model}:streamGenerateContent", Answer: answerGeminiGenerate},
		{Method: http.MethodPost, Path: "/v1/models/{model}:generateContent", Answer: answerGeminiGenerate},
		{Method: http.MethodPost, Path: "/v1/models/{model}:streamGenerateContent", Answer: answerGeminiGenerate},
	},
}

// geminiPart is the part of a Gemini Content the Responder reads. The REST API takes the
// proto field names in camelCase (what the SDKs send) or snake_case (the API reference's
// curl examples); both are read.
type geminiPart struct {
	Text                  string          `json:"text"`
	FunctionResponse      json.RawMessage `json:"functionResponse"`
	FunctionResponseSnake json.RawMessage `json:"function_response"`
}

type geminiContent struct {
	Role  string       `json:"role"`
	Parts []geminiPart `json:"parts"`
}

// text joins the content's text parts with spaces.
func (c geminiContent) text() string {
	var b strings.Builder
	for _, p := range c.Parts {
		if p.Text != "" {
			if b.Len() > 0 {
				b.WriteByte(' ')
			}
			b.WriteString(p.Text)
		}
	}
	return b.String()
}

// isToolResult reports whether the content carries a functionResponse part (the app's
// answer to a function call, sent in a "user" or older "function" turn).
func (c geminiContent) isToolResult() bool {
	for _, p := range c.Parts {
		if p.FunctionResponse != nil || p.FunctionResponseSnake != nil {
			return true
		}
	}
	return false
}

type geminiFunctionDeclaration struct {
	Name string `json:"name"`
	// Parameters is an OpenAPI-subset Schema (types in upper case, "OBJECT");
	// ParametersJSONSchema a JSON Schema. Either may be set.
	Parameters                json.RawMessage `json:"parameters"`
	ParametersJSONSchema      json.RawMessage `json:"parametersJsonSchema"`
	ParametersJSONSchemaSnake json.RawMessage `json:"parameters_json_schema"`
}

func (f geminiFunctionDeclaration) schema() json.RawMessage {
	for _, s := range []json.RawMessage{f.ParametersJSONSchema, f.ParametersJSONSchemaSnake} {
		if s != nil {
			return s
		}
	}
	return f.Parameters
}

// answerGeminiGenerate answers POST /{v1,v1beta}/models/MODEL:generateContent and
// :streamGenerateContent — a Server-Sent-Events stream with ?alt=sse (what the SDKs ask
// for), else the JSON array of the stream's responses, as the API sends it. The model is
// the path's; the reply's modelVersion repeats it. Gemini sends no function call ids and
// finishes a function call with "STOP", as the API does.
func answerGeminiGenerate(r *http.Request, body []byte, seq int64) Reply {
	last := r.URL.Path[strings.LastIndexByte(r.URL.Path, '/')+1:]
	model, verb, _ := strings.Cut(last, ":")
	var req struct {
		Contents               []geminiContent `json:"contents"`
		SystemInstruction      *geminiContent  `json:"systemInstruction"`
		SystemInstructionSnake *geminiContent  `json:"system_instruction"`
		Tools                  []struct {
			FunctionDeclarations      []geminiFunctionDeclaration `json:"functionDeclarations"`
			FunctionDeclarationsSnake []geminiFunctionDeclaration `json:"function_declarations"`
		} `json:"tools"`
	}
	if err := decodeRequest(body, &req, &model); err != nil {
		return GeminiError(http.StatusBadRequest, "INVALID_ARGUMENT", err.Error(), "")
	}
	if len(req.Contents) == 0 {
		return GeminiError(http.StatusBadRequest, "INVALID_ARGUMENT", "* GenerateContentRequest.contents: contents is not specified", "")
	}
	var sent []string
	for _, si := range []*geminiContent{req.SystemInstruction, req.SystemInstructionSnake} {
		if si != nil {
			sent = append(sent, si.text())
		}
	}
	lastUser, toolResultSinceUser := "", false
	for _, c := range req.Contents {
		t := c.text()
		sent = append(sent, t)
		switch {
		case c.isToolResult():
			toolResultSinceUser = true
		case c.Role == "user" || c.Role == "": // the API takes a missing role as the user's
			lastUser, toolResultSinceUser = t, false
		}
	}
	var fn *geminiFunctionDeclaration
	for _, t := range req.Tools {
		decls := append(t.FunctionDeclarations, t.FunctionDeclarationsSnake...)
		if len(decls) > 0 {
			fn = &decls[0]
			break
		}
	}
	g := GeminiResponse{ResponseID: fmt.Sprintf("fakellm-%d", seq), ModelVersion: model}
	if fn != nil && !toolResultSinceUser {
		g.FunctionCalls = []GeminiFunctionCall{{Name: fn.Name, Args: sampleArguments(fn.schema())}}
		g.Usage = GeminiUsage{Prompt: wordCount(sent...), Candidates: wordCount(g.FunctionCalls[0].Args)}
	} else {
		g.Text = replyText(lastUser)
		g.Usage = GeminiUsage{Prompt: wordCount(sent...), Candidates: wordCount(g.Text)}
	}
	if verb != "streamGenerateContent" {
		return GeminiGenerateContent(g)
	}
	stream := GeminiStream(g)
	if r.URL.Query().Get("alt") == "sse" {
		return stream
	}
	chunks := make([]string, len(stream.Events))
	for i, ev := range stream.Events {
		chunks[i] = ev.Data
	}
	return Reply{Body: "[" + strings.Join(chunks, ",") + "]"}
}
