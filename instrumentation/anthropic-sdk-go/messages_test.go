package llmtraceanthropic_test

import (
	"net/url"
	"reflect"
	"strconv"
	"testing"

	"github.com/anthropics/anthropic-sdk-go/v2"
	"github.com/anthropics/anthropic-sdk-go/v2/option"
	"go.opentelemetry.io/otel/codes"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.opentelemetry.io/otel/trace"

	llmtraceanthropic "github.com/llmtrace/llmtrace/instrumentation/anthropic-sdk-go"
	"github.com/llmtrace/llmtrace/internal/fakellm"
)

const model = anthropic.Model("claude-sonnet-4-5")

func fakePort(h *harness) int64 {
	u, _ := url.Parse(h.fake.URL())
	p, _ := strconv.Atoi(u.Port())
	return int64(p)
}

func userText(s string) []anthropic.MessageParam {
	return []anthropic.MessageParam{anthropic.NewUserMessage(anthropic.NewTextBlock(s))}
}

// A plain Message: exactly the conventions' keys; Anthropic's exclusive input_tokens is
// made inclusive of the cache reads and writes; thinking_tokens is the reasoning count.
func TestMessageSpan(t *testing.T) {
	h := newHarness(t, false)
	h.fake.Enqueue(fakellm.AnthropicMessageReply(fakellm.AnthropicMessage{
		ID: "msg_01XFDUDYJgAACzvnptvVoYEL", Model: "claude-sonnet-4-5-20250929", Text: "Hello!",
		Usage: fakellm.AnthropicUsage{Input: 12, CacheRead: 1800, CacheCreation: 200, Output: 40, Thinking: 25},
	}))
	_, err := h.client.Messages.New(t.Context(), anthropic.MessageNewParams{
		Model: model, MaxTokens: 1024, Messages: userText("Hi"), StopSequences: []string{"\n\nHuman:"},
	}, option.WithJSONSet("temperature", 0.5), option.WithJSONSet("top_k", 40))
	if err != nil {
		t.Fatal(err)
	}
	s := h.spans(t, 1)[0]
	if s.Name() != "chat claude-sonnet-4-5" || s.SpanKind() != trace.SpanKindClient || s.Status().Code != codes.Unset {
		t.Errorf("span %q kind %v status %v", s.Name(), s.SpanKind(), s.Status())
	}
	checkKeys(t, s)
	want := map[string]any{
		"gen_ai.operation.name":                    "chat",
		"gen_ai.provider.name":                     "anthropic",
		"gen_ai.request.model":                     "claude-sonnet-4-5",
		"gen_ai.request.max_tokens":                int64(1024),
		"gen_ai.request.temperature":               0.5,
		"gen_ai.request.top_k":                     40.0,
		"gen_ai.request.stop_sequences":            []string{"\n\nHuman:"},
		"server.address":                           "127.0.0.1",
		"server.port":                              fakePort(h),
		"gen_ai.response.id":                       "msg_01XFDUDYJgAACzvnptvVoYEL",
		"gen_ai.response.model":                    "claude-sonnet-4-5-20250929",
		"gen_ai.response.finish_reasons":           []string{"end_turn"},
		"gen_ai.usage.input_tokens":                int64(2012),
		"gen_ai.usage.cache_read.input_tokens":     int64(1800),
		"gen_ai.usage.cache_creation.input_tokens": int64(200),
		"gen_ai.usage.output_tokens":               int64(40),
		"gen_ai.usage.reasoning.output_tokens":     int64(25),
	}
	got := map[string]any{}
	for k, v := range attrs(s) {
		got[k] = v.AsInterface()
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("attributes\n got %v\nwant %v", got, want)
	}
}

// Content only with capture on: system as gen_ai.system_instructions, the tool_use as a
// tool_call part, and in the next request the tool_result as a tool_call_response part with
// the same id; thinking as a reasoning part; tools as function definitions.
func TestToolLoopContent(t *testing.T) {
	for _, capture := range []bool{false, true} {
		t.Run("capture="+strconv.FormatBool(capture), func(t *testing.T) {
			h := newHarness(t, capture)
			h.fake.Enqueue(
				fakellm.AnthropicMessageReply(fakellm.AnthropicMessage{ID: "msg_1", Model: "claude-sonnet-4-5-20250929",
					Thinking: "Need the weather tool.", Text: "Let me check.",
					ToolUses: []fakellm.AnthropicToolUse{{ID: "toolu_01A09q90qw90lq917835lq9", Name: "get_weather", Input: `{"location":"Paris"}`}},
					Usage:    fakellm.AnthropicUsage{Input: 400, Output: 60}}),
				fakellm.AnthropicMessageReply(fakellm.AnthropicMessage{ID: "msg_2", Model: "claude-sonnet-4-5-20250929",
					Text: "18°C and clear.", Usage: fakellm.AnthropicUsage{Input: 480, Output: 9}}),
			)
			params := anthropic.MessageNewParams{
				Model: model, MaxTokens: 512, Messages: userText("Weather in Paris?"),
				System: []anthropic.TextBlockParam{{Text: "You are a weather bot."}},
				Tools: []anthropic.ToolUnionParam{{OfTool: &anthropic.ToolParam{Name: "get_weather", Description: anthropic.String("Weather of a city"),
					InputSchema: anthropic.ToolInputSchemaParam{Properties: map[string]any{"location": map[string]any{"type": "string"}}}}}},
			}
			first, err := h.client.Messages.New(t.Context(), params)
			if err != nil {
				t.Fatal(err)
			}
			params.Messages = append(params.Messages, first.ToParam(),
				anthropic.NewUserMessage(anthropic.NewToolResultBlock(first.Content[2].ID, `{"temperature_c":18}`, false)))
			if _, err := h.client.Messages.New(t.Context(), params); err != nil {
				t.Fatal(err)
			}
			spans := h.spans(t, 2)
			for _, s := range spans {
				checkKeys(t, s)
				for _, k := range []string{"gen_ai.input.messages", "gen_ai.output.messages", "gen_ai.system_instructions", "gen_ai.tool.definitions"} {
					if _, ok := attrs(s)[k]; ok != capture {
						t.Errorf("%s present=%v with capture=%v", k, ok, capture)
					}
				}
			}
			if got := attrs(spans[0])["gen_ai.response.finish_reasons"].AsStringSlice(); !reflect.DeepEqual(got, []string{"tool_use"}) {
				t.Errorf("finish reasons %v", got)
			}
			if !capture {
				return
			}
			a0, a1 := attrs(spans[0]), attrs(spans[1])
			for _, c := range []struct{ got, want string }{
				{a0["gen_ai.system_instructions"].AsString(), `[{"type":"text","content":"You are a weather bot."}]`},
				{a0["gen_ai.tool.definitions"].AsString(), `[{"type":"function","name":"get_weather","description":"Weather of a city",
					"parameters":{"type":"object","properties":{"location":{"type":"string"}}}}]`},
				{a0["gen_ai.output.messages"].AsString(), `[{"role":"assistant","finish_reason":"tool_call","parts":[
					{"type":"reasoning","content":"Need the weather tool."},{"type":"text","content":"Let me check."},
					{"type":"tool_call","id":"toolu_01A09q90qw90lq917835lq9","name":"get_weather","arguments":{"location":"Paris"}}]}]`},
				{a1["gen_ai.input.messages"].AsString(), `[
					{"role":"user","parts":[{"type":"text","content":"Weather in Paris?"}]},
					{"role":"assistant","parts":[{"type":"reasoning","content":"Need the weather tool."},{"type":"text","content":"Let me check."},
						{"type":"tool_call","id":"toolu_01A09q90qw90lq917835lq9","name":"get_weather","arguments":{"location":"Paris"}}]},
					{"role":"user","parts":[{"type":"tool_call_response","id":"toolu_01A09q90qw90lq917835lq9","response":"{\"temperature_c\":18}"}]}]`},
				{a1["gen_ai.output.messages"].AsString(), `[{"role":"assistant","finish_reason":"stop","parts":[{"type":"text","content":"18°C and clear."}]}]`},
			} {
				if g, w := canonical(t, c.got), canonical(t, c.want); g != w {
					t.Errorf("\n got %s\nwant %s", g, w)
				}
			}
		})
	}
}

// Without option.WithoutOpenTelemetry the SDK's own "anthropic.messages.create" span (on by
// default in v2.15) wraps the middleware's: two model-call spans for one call. That is why
// the one-line setup turns it off.
func TestSDKOwnSpanWrapsTheMiddlewareUnlessTurnedOff(t *testing.T) {
	fake := fakellm.New(t)
	rec := tracetest.NewSpanRecorder()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(rec))
	client := anthropic.NewClient(option.WithBaseURL(fake.URL()), option.WithAPIKey("sk-ant-test"), option.WithTracerProvider(tp),
		option.WithMiddleware(llmtraceanthropic.Middleware(llmtraceanthropic.WithTracerProvider(tp))))
	fake.Enqueue(fakellm.AnthropicMessageReply(fakellm.AnthropicMessage{ID: "msg_x", Model: "claude-sonnet-4-5", Text: "hi"}))
	if _, err := client.Messages.New(t.Context(), anthropic.MessageNewParams{Model: model, MaxTokens: 10, Messages: userText("hi")}); err != nil {
		t.Fatal(err)
	}
	names := map[string]sdktrace.ReadOnlySpan{}
	for _, s := range rec.Ended() {
		names[s.Name()] = s
	}
	sdk, ours := names["anthropic.messages.create"], names["chat claude-sonnet-4-5"]
	if sdk == nil || ours == nil || ours.Parent().SpanID() != sdk.SpanContext().SpanID() {
		t.Fatalf("spans %v", names)
	}
	if attrs(sdk)["gen_ai.operation.name"].AsString() != "chat" {
		t.Errorf("the SDK's span is not a chat span: %v", attrs(sdk))
	}
}
