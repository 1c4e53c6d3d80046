package mapping

import (
	"testing"

	"github.com/llmtrace/llmtrace/platform"
	sc "github.com/llmtrace/llmtrace/semconv"
)

// Langfuse spans built from the SDK's source (@langfuse/tracing 4.6.1 dist/index.mjs
// createObservationAttributes; @langfuse/openai dist/index.mjs:67-110 for usage_details;
// @langfuse/core LangfuseOtelSpanAttributes for the keys); the capture's test is in
// langfuse_test.go.

func lfGeneration(attrs ...kv) *testSpan {
	return newSpan(1, 0, "gen", append([]kv{str(sc.LangfuseObservationType, "generation")}, attrs...)...)
}

// @langfuse/openai subtracts every input_* / output_* detail from input / output and keeps
// the provider's total; without a total the details are still exclusive (Langfuse's
// reading), with a total equal to input + output they are already included.
func TestLangfuseUsageDetails(t *testing.T) {
	for _, c := range []struct {
		details   string
		want      platform.Usage
		converted bool
	}{
		{`{"input":34,"output":12,"total":59,"input_cached_tokens":8,"output_reasoning_tokens":5,"input_audio_tokens":0}`,
			platform.Usage{PromptTokens: 42, CompletionTokens: 17, TotalTokens: 59, CachedTokens: 8, ReasoningTokens: 5}, true},
		{`{"input":34,"output":12,"input_cached_tokens":8,"output_reasoning_tokens":5}`,
			platform.Usage{PromptTokens: 42, CompletionTokens: 17, TotalTokens: 59, CachedTokens: 8, ReasoningTokens: 5}, true},
		{`{"input":42,"output":17,"total":59,"input_cached_tokens":8,"output_reasoning_tokens":5}`,
			platform.Usage{PromptTokens: 42, CompletionTokens: 17, TotalTokens: 59, CachedTokens: 8, ReasoningTokens: 5}, false},
		{`{"input":10,"output":3}`, platform.Usage{PromptTokens: 10, CompletionTokens: 3, TotalTokens: 13}, false},
	} {
		ev := mapOne(t, MapOptions{}, lfGeneration(str(sc.LangfuseObservationUsageDetails, c.details)))[0]
		if tokensOf(ev.Usage) != c.want || (ev.Metadata.Get("usage_converted") != nil) != c.converted {
			t.Errorf("%s: usage %+v converted %v, want %+v %v", c.details, ev.Usage, ev.Metadata.Get("usage_converted"), c.want, c.converted)
		}
		if _, left := ev.Metadata.Lookup(sc.LangfuseObservationUsageDetails); left {
			t.Errorf("%s: usage_details left in metadata", c.details)
		}
	}
	// Non-zero counts of types with no event field (audio, predictions) keep the map in metadata.
	ev := mapOne(t, MapOptions{}, lfGeneration(str(sc.LangfuseObservationUsageDetails, `{"input":30,"output":10,"input_audio_tokens":4}`)))[0]
	if ev.Usage == nil || ev.Usage.PromptTokens != 34 || ev.Metadata.Get(sc.LangfuseObservationUsageDetails) == nil {
		t.Errorf("audio tokens: usage %+v metadata %v", ev.Usage, ev.Metadata.Get(sc.LangfuseObservationUsageDetails))
	}
	// A usage_details that is not an object maps to nothing and stays in metadata.
	ev = mapOne(t, MapOptions{}, lfGeneration(str(sc.LangfuseObservationUsageDetails, "n/a")))[0]
	if ev.Usage != nil || ev.Metadata.Get(sc.LangfuseObservationUsageDetails) != "n/a" {
		t.Errorf("bad usage_details: usage %+v metadata %v", ev.Usage, ev.Metadata.Get(sc.LangfuseObservationUsageDetails))
	}
}

// cost_details: "total" when present, else the sum of the types (USD).
func TestLangfuseCostDetails(t *testing.T) {
	ev := mapOne(t, MapOptions{}, lfGeneration(str(sc.LangfuseObservationCostDetails, `{"input":0.25,"output":0.5}`)))[0]
	if ev.Usage == nil || ev.Usage.CostUSD != 0.75 {
		t.Errorf("usage %+v, want cost 0.75", ev.Usage)
	}
}

// level (DEBUG | DEFAULT | WARNING | ERROR, @langfuse/tracing dist/index.d.ts): only ERROR
// fails the event, with status_message as its message; other levels stay in metadata.
func TestLangfuseLevel(t *testing.T) {
	ev := mapOne(t, MapOptions{}, lfGeneration(str(sc.LangfuseObservationLevel, "ERROR"), str(sc.LangfuseObservationStatusMsg, "boom")))[0]
	if ev.Status != platform.StatusError || ev.Error == nil || ev.Error.Message != "boom" || ev.Metadata.Get(sc.LangfuseObservationLevel) != nil {
		t.Errorf("ERROR: status %q error %+v metadata level %v", ev.Status, ev.Error, ev.Metadata.Get(sc.LangfuseObservationLevel))
	}
	ev = mapOne(t, MapOptions{}, lfGeneration(str(sc.LangfuseObservationLevel, "WARNING"), str(sc.LangfuseObservationStatusMsg, "slow")))[0]
	if ev.Status != platform.StatusUnset || ev.Metadata.Get(sc.LangfuseObservationLevel) != "WARNING" || ev.Metadata.Get(sc.LangfuseObservationStatusMsg) != "slow" {
		t.Errorf("WARNING: status %q metadata %v", ev.Status, ev.Metadata)
	}
}

// Older SDKs write langfuse.user.id / langfuse.session.id (v4's TRACE_COMPAT_* keys), v4
// user.id / session.id; both are read. A "span" observation is custom.
func TestLangfuseIdentityKeysAndSpanType(t *testing.T) {
	old := newSpan(1, 0, "root", str(sc.LangfuseObservationType, "span"), str(sc.LangfuseUserID, "u1"), str(sc.LangfuseSessionID, "s1"))
	ev := mapOne(t, MapOptions{}, old)[0]
	if ev.UserID != "u1" || ev.SessionID != "s1" || ev.Type != platform.TypeCustom {
		t.Errorf("user %q session %q type %q", ev.UserID, ev.SessionID, ev.Type)
	}
	v4 := newSpan(1, 0, "root", str(sc.UserID, "u2"), str(sc.SessionID, "s2"), str(sc.LangfuseTraceName, "t"))
	ev = mapOne(t, MapOptions{}, v4)[0]
	if ev.UserID != "u2" || ev.SessionID != "s2" {
		t.Errorf("v4: user %q session %q", ev.UserID, ev.SessionID)
	}
}

// Input given as an array of messages (a hand-made generation) and an output that is an
// assistant message.
func TestLangfuseMessagesInput(t *testing.T) {
	ev := mapOne(t, MapOptions{}, lfGeneration(str(sc.LangfuseObservationInput, `[{"role":"user","content":"hi"}]`),
		str(sc.LangfuseObservationOutput, `{"role":"assistant","content":"hello"}`)))[0]
	if string(ev.Input) != `{"messages":[{"role":"user","content":"hi"}]}` || string(ev.Output) != `{"response":"hello"}` {
		t.Errorf("input %s output %s", ev.Input, ev.Output)
	}
	// A span's input that is not messages is kept as it is.
	span := newSpan(1, 0, "s", str(sc.LangfuseObservationType, "agent"), str(sc.LangfuseObservationInput, `{"question":"q"}`))
	if ev := mapOne(t, MapOptions{}, span)[0]; string(ev.Input) != `{"question":"q"}` {
		t.Errorf("agent input %s", ev.Input)
	}
}
