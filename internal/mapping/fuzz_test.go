package mapping

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/llmtrace/llmtrace/internal/contract"
)

// fuzzKeys are keys every dialect reads, so fuzzed values reach the mapping paths.
var fuzzKeys = []string{
	"gen_ai.operation.name", "gen_ai.input.messages", "gen_ai.output.messages", "gen_ai.system_instructions",
	"gen_ai.tool.definitions", "gen_ai.tool.call.arguments", "gen_ai.tool.call.result", "gen_ai.usage.input_tokens",
	"gen_ai.usage.output_tokens", "gen_ai.usage.cache_read.input_tokens", "gen_ai.conversation.id",
	"gen_ai.provider.name", "gen_ai.system", "gen_ai.response.model", "gen_ai.response.finish_reasons",
	"openinference.span.kind", "input.value", "output.value", "llm.input_messages.0.message.content",
	"llm.input_messages.1.message.tool_calls.0.tool_call.function.arguments", "llm.token_count.prompt",
	"metadata", "tag.tags", "traceloop.span.kind", "traceloop.entity.input", "gen_ai.prompt.0.content",
	"gen_ai.completion.0.tool_calls.0.arguments", "ai.operationId", "ai.prompt.messages", "ai.prompt.tools",
	"ai.response.toolCalls", "ai.usage.promptTokens", "ai.model.provider", "user.id", "session.id",
	"llm.cost.total", "error.type",
	"genkit:output", "genkit:input", "genkit:name", "genkit:state", "genkit:sessionId", "genkit:threadName",
	"langfuse.observation.usage_details", "langfuse.observation.cost_details", "langfuse.observation.level",
	"langfuse.observation.input", "langfuse.observation.output", "langfuse.observation.type",
	// the fallback (fallback.go) and tool arguments (toolargs.go)
	"acme.usage.input_tokens", "acme.model", "acme.response", "acme:sessionId", "gen_ai.tool.call.id", "traceloop.entity.name",
}

func fuzzKeyIndex(k string) uint8 {
	for i, fk := range fuzzKeys {
		if fk == k {
			return uint8(i)
		}
	}
	panic(k)
}

// FuzzMap maps spans built from fuzzed attribute keys and values (strings, JSON strings,
// numbers, nested maps and lists) and events: Map never panics and every event it returns
// validates and stays under the 1 MiB event limit.
func FuzzMap(f *testing.F) {
	f.Add(uint8(1), "chat", `[{"role":"user","parts":[{"type":"text","content":"hi"}]}]`, int64(42), "x.y", uint8(3), false)
	f.Add(uint8(15), "LLM", `{"a":[1,2,{"b":null}]}`, int64(-1), "llm.input_messages.0.message.role", uint8(0), true)
	f.Add(uint8(25), "ai.generateText.doGenerate", `[{"role":"assistant","content":[{"type":"tool-call","toolCallId":"1","toolName":"t","input":"{\"a\":1}"}]}]`, int64(7), "", uint8(1), false)
	f.Add(uint8(7), "conv", "\xff\xfe{\"unterminated", int64(1<<62), "gen_ai.prompt.9.role", uint8(2), true)
	// Genkit model action (shape&4 adds genkit:type=action and the subtype s1).
	f.Add(fuzzKeyIndex("genkit:output"), "model", `{"message":{"role":"model","content":[{"text":"x"},{"media":{"contentType":"image/png","url":"data:image/png;base64,AA=="}},{"toolRequest":{"name":"t","ref":"1","input":{}}}]},"usage":{"inputTokens":1,"thoughtsTokens":2,"totalTokens":5},"custom":{"model":"m"}}`, int64(5), "genkit:input", uint8(4), true)
	f.Add(fuzzKeyIndex("genkit:input"), "tool.v2", `{"messages":[{"role":"tool","content":[{"toolResponse":{"name":"t","ref":"1","output":{"a":1}}}]}]}`, int64(0), "genkit:output", uint8(5), false)
	f.Add(fuzzKeyIndex("langfuse.observation.usage_details"), "generation", `{"input":34,"output":12,"total":59,"input_cached_tokens":8,"output_reasoning_tokens":5}`, int64(3), "langfuse.observation.cost_details", uint8(0), false)
	f.Fuzz(func(t *testing.T, k uint8, s1, s2 string, n int64, key string, shape uint8, errStatus bool) {
		fk := fuzzKeys[int(k)%len(fuzzKeys)]
		var nested Value
		switch shape % 4 {
		case 0:
			nested = MapValue(kvs{{s1, StrValue(s2)}, {"parts", ListValue(vlist{StrValue(s2), IntValue(n)})}})
		case 1:
			nested = ListValue(vlist{MapValue(kvs{{"role", StrValue(s1)}, {"content", StrValue(s2)}}), DoubleValue(float64(n) / 3)})
		case 2:
			nested = BytesValue([]byte(s2))
		default:
			nested = Value{}
		}
		attrs := kvs{
			{fk, StrValue(s2)}, {"gen_ai.operation.name", StrValue(s1)}, {"openinference.span.kind", StrValue(s1)},
			{key, nested}, {fuzzKeys[(int(k)+1)%len(fuzzKeys)], IntValue(n)},
			{fuzzKeys[(int(k)+2)%len(fuzzKeys)], nested}, {fuzzKeys[(int(k)+3)%len(fuzzKeys)], StrValue(s1)},
		}
		if shape&4 != 0 { // a Genkit action of subtype s1 (the type key decides before the others)
			attrs = append(attrs, kv{"genkit:type", StrValue("action")}, kv{"genkit:metadata:subtype", StrValue(s1)})
		}
		child := &testSpan{trace: [16]byte{byte(k), 1}, span: [8]byte{byte(k), 2}, parent: [8]byte{byte(k), 1},
			name: s1, start: time.Unix(0, n), end: time.Unix(0, n/2), attrs: attrs, scope: s2, res: kvs{{key, nested}}}
		if errStatus {
			child.code = StatusCodeError
			child.events = []testEvent{{"exception", time.Unix(0, n), kvs{{"exception.type", StrValue(s1)}, {"exception.message", nested}}},
				{"gen_ai.user.message", time.Time{}, kvs{{"content", StrValue(s2)}}}}
		}
		root := &testSpan{trace: child.trace, span: [8]byte{byte(k), 1}, name: "", attrs: kvs{{fk, nested}, {"gen_ai.conversation.id", StrValue(s1)}}}
		evs := NewMapper(MapOptions{OmitContent: shape&8 != 0, MaxInputBytes: int(shape) * 16}).Map([]SpanView{child, root, nil})
		if len(evs) < 2 {
			t.Fatalf("%d events for 2 spans", len(evs))
		}
		for i := range evs {
			b, err := json.Marshal(&evs[i])
			if err != nil {
				t.Fatalf("event %d does not encode: %v", i, err)
			}
			if _, err := contract.DecodeEvent(b); err != nil {
				t.Fatalf("event %d: %v\n%s", i, err, b)
			}
		}
	})
}
