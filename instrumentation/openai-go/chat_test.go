package llmtraceopenai_test

import (
	"net/url"
	"reflect"
	"strconv"
	"testing"

	"github.com/openai/openai-go/v3"
	"github.com/openai/openai-go/v3/shared"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/trace"

	llmtraceopenai "github.com/llmtrace/llmtrace/instrumentation/openai-go"
	"github.com/llmtrace/llmtrace/internal/fakellm"
)

func fakePort(t *testing.T, h *harness) int64 {
	u, _ := url.Parse(h.fake.URL())
	p, _ := strconv.Atoi(u.Port())
	return int64(p)
}

// A plain chat completion: the span carries exactly the conventions' keys with the
// request's parameters and the served response and usage.
func TestChatCompletionSpan(t *testing.T) {
	h := newHarness(t, false)
	h.fake.Enqueue(fakellm.OpenAIChatCompletion(fakellm.OpenAIChat{
		ID: "chatcmpl-B9MBs8CjcvOU2jLn4n570S5qMJKcT", Model: "gpt-4o-mini-2024-07-18", Text: "Hello! How can I help?",
		Usage: fakellm.OpenAIUsage{Prompt: 19, Completion: 10, Cached: 4, Reasoning: 2},
	}))
	_, err := h.client.Chat.Completions.New(t.Context(), openai.ChatCompletionNewParams{
		Model:               "gpt-4o-mini",
		Messages:            []openai.ChatCompletionMessageParamUnion{openai.SystemMessage("Be brief."), openai.UserMessage("Hi")},
		Temperature:         openai.Float(0.2),
		TopP:                openai.Float(0.9),
		MaxCompletionTokens: openai.Int(100),
		Seed:                openai.Int(7),
		N:                   openai.Int(2),
		Stop:                openai.ChatCompletionNewParamsStopUnion{OfStringArray: []string{"END"}},
		ServiceTier:         openai.ChatCompletionNewParamsServiceTierAuto,
		ResponseFormat:      openai.ChatCompletionNewParamsResponseFormatUnion{OfJSONObject: &shared.ResponseFormatJSONObjectParam{}},
	})
	if err != nil {
		t.Fatal(err)
	}
	s := h.spans(t, 1)[0]
	if s.Name() != "chat gpt-4o-mini" || s.SpanKind() != trace.SpanKindClient || s.Status().Code != codes.Unset {
		t.Errorf("span %q kind %v status %v", s.Name(), s.SpanKind(), s.Status())
	}
	if s.InstrumentationScope().Name != llmtraceopenai.ScopeName || s.InstrumentationScope().SchemaURL != "https://opentelemetry.io/schemas/1.41.0" {
		t.Errorf("scope %+v", s.InstrumentationScope())
	}
	checkKeys(t, s)
	want := map[string]any{
		"gen_ai.operation.name":                "chat",
		"openai.api.type":                      "chat_completions",
		"gen_ai.provider.name":                 "openai",
		"gen_ai.request.model":                 "gpt-4o-mini",
		"gen_ai.request.temperature":           0.2,
		"gen_ai.request.top_p":                 0.9,
		"gen_ai.request.max_tokens":            int64(100),
		"gen_ai.request.seed":                  int64(7),
		"gen_ai.request.choice.count":          int64(2),
		"gen_ai.request.stop_sequences":        []string{"END"},
		"gen_ai.output.type":                   "json",
		"openai.request.service_tier":          "auto",
		"server.address":                       "127.0.0.1",
		"server.port":                          fakePort(t, h),
		"gen_ai.response.id":                   "chatcmpl-B9MBs8CjcvOU2jLn4n570S5qMJKcT",
		"gen_ai.response.model":                "gpt-4o-mini-2024-07-18",
		"gen_ai.response.finish_reasons":       []string{"stop"},
		"openai.response.service_tier":         "default",
		"openai.response.system_fingerprint":   "fp_b3f1157249",
		"gen_ai.usage.input_tokens":            int64(19),
		"gen_ai.usage.output_tokens":           int64(10),
		"gen_ai.usage.cache_read.input_tokens": int64(4),
		"gen_ai.usage.reasoning.output_tokens": int64(2),
	}
	got := map[string]any{}
	for k, v := range attrs(s) {
		got[k] = v.AsInterface()
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("attributes\n got %v\nwant %v", got, want)
	}
}

// Content is on the span only when capture is on: messages in the conventions' part
// schema, the system message kept in the history (Chat Completions has no separate
// instructions), tool definitions flattened.
func TestChatContentCapture(t *testing.T) {
	for _, capture := range []bool{false, true} {
		t.Run("capture="+strconv.FormatBool(capture), func(t *testing.T) {
			h := newHarness(t, capture)
			h.fake.Enqueue(fakellm.OpenAIChatCompletion(fakellm.OpenAIChat{ID: "chatcmpl-2", Model: "gpt-4o-mini", Text: "Paris.",
				Usage: fakellm.OpenAIUsage{Prompt: 30, Completion: 2}}))
			_, err := h.client.Chat.Completions.New(t.Context(), openai.ChatCompletionNewParams{
				Model: "gpt-4o-mini",
				Messages: []openai.ChatCompletionMessageParamUnion{
					openai.SystemMessage("Answer in one word."),
					openai.UserMessage([]openai.ChatCompletionContentPartUnionParam{
						openai.TextContentPart("Capital of France?"),
						openai.ImageContentPart(openai.ChatCompletionContentPartImageImageURLParam{URL: "data:image/png;base64,iVBORw0KGgo="}),
					}),
				},
				Tools: []openai.ChatCompletionToolUnionParam{openai.ChatCompletionFunctionTool(shared.FunctionDefinitionParam{
					Name: "get_weather", Description: openai.String("Weather of a city"),
					Parameters: shared.FunctionParameters{"type": "object", "properties": map[string]any{"location": map[string]any{"type": "string"}}},
				})},
			})
			if err != nil {
				t.Fatal(err)
			}
			s := h.spans(t, 1)[0]
			checkKeys(t, s)
			a := attrs(s)
			for _, k := range []string{"gen_ai.input.messages", "gen_ai.output.messages", "gen_ai.tool.definitions"} {
				if _, ok := a[k]; ok != capture {
					t.Errorf("%s present=%v with capture=%v", k, ok, capture)
				}
			}
			if _, ok := a["gen_ai.system_instructions"]; ok {
				t.Error("gen_ai.system_instructions set for Chat Completions")
			}
			if !capture {
				return
			}
			if got, want := canonical(t, a["gen_ai.input.messages"].AsString()), canonical(t, `[
				{"role":"system","parts":[{"type":"text","content":"Answer in one word."}]},
				{"role":"user","parts":[{"type":"text","content":"Capital of France?"},
					{"type":"blob","modality":"image","mime_type":"image/png","content":"iVBORw0KGgo="}]}]`); got != want {
				t.Errorf("input messages\n got %s\nwant %s", got, want)
			}
			if got, want := canonical(t, a["gen_ai.output.messages"].AsString()), canonical(t,
				`[{"role":"assistant","parts":[{"type":"text","content":"Paris."}],"finish_reason":"stop"}]`); got != want {
				t.Errorf("output messages\n got %s\nwant %s", got, want)
			}
			if got, want := canonical(t, a["gen_ai.tool.definitions"].AsString()), canonical(t,
				`[{"type":"function","name":"get_weather","description":"Weather of a city","parameters":{"type":"object","properties":{"location":{"type":"string"}}}}]`); got != want {
				t.Errorf("tool definitions\n got %s\nwant %s", got, want)
			}
		})
	}
}

// A tool loop: the model's tool call is a tool_call part of the output message, and the
// tool's result in the next request is a tool_call_response part with the same call id.
func TestChatToolCallLinksByCallID(t *testing.T) {
	h := newHarness(t, true)
	h.fake.Enqueue(
		fakellm.OpenAIChatCompletion(fakellm.OpenAIChat{ID: "chatcmpl-3", Model: "gpt-4o-mini",
			ToolCalls: []fakellm.ToolCall{{ID: "call_abc123", Name: "get_weather", Arguments: `{"location":"Paris"}`}},
			Usage:     fakellm.OpenAIUsage{Prompt: 50, Completion: 15}}),
		fakellm.OpenAIChatCompletion(fakellm.OpenAIChat{ID: "chatcmpl-4", Model: "gpt-4o-mini", Text: "18°C and clear.",
			Usage: fakellm.OpenAIUsage{Prompt: 80, Completion: 8}}),
	)
	params := openai.ChatCompletionNewParams{Model: "gpt-4o-mini",
		Messages: []openai.ChatCompletionMessageParamUnion{openai.UserMessage("Weather in Paris?")}}
	first, err := h.client.Chat.Completions.New(t.Context(), params)
	if err != nil {
		t.Fatal(err)
	}
	call := first.Choices[0].Message.ToolCalls[0]
	params.Messages = append(params.Messages, first.Choices[0].Message.ToParam(),
		openai.ToolMessage(`{"temperature_c":18}`, call.ID))
	if _, err := h.client.Chat.Completions.New(t.Context(), params); err != nil {
		t.Fatal(err)
	}
	spans := h.spans(t, 2)
	if got := attrs(spans[0])["gen_ai.response.finish_reasons"].AsStringSlice(); !reflect.DeepEqual(got, []string{"tool_calls"}) {
		t.Errorf("finish reasons %v", got)
	}
	if got, want := canonical(t, attrs(spans[0])["gen_ai.output.messages"].AsString()), canonical(t,
		`[{"role":"assistant","parts":[{"type":"tool_call","id":"call_abc123","name":"get_weather","arguments":{"location":"Paris"}}],"finish_reason":"tool_call"}]`); got != want {
		t.Errorf("output messages\n got %s\nwant %s", got, want)
	}
	if got, want := canonical(t, attrs(spans[1])["gen_ai.input.messages"].AsString()), canonical(t, `[
		{"role":"user","parts":[{"type":"text","content":"Weather in Paris?"}]},
		{"role":"assistant","parts":[{"type":"tool_call","id":"call_abc123","name":"get_weather","arguments":{"location":"Paris"}}]},
		{"role":"tool","parts":[{"type":"tool_call_response","id":"call_abc123","response":"{\"temperature_c\":18}"}]}]`); got != want {
		t.Errorf("second input messages\n got %s\nwant %s", got, want)
	}
}
