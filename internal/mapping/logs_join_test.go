package mapping_test

import (
	"testing"
	"time"

	"github.com/llmtrace/llmtrace/internal/mapping"
	"github.com/llmtrace/llmtrace/internal/tracestate"
	"github.com/llmtrace/llmtrace/platform"
)

// The log join (internal/tracestate/logjoin.go, logs.go) on the literal shapes of
// logs_shapes_literal_test.go: records held for their span, joined into its event, sent
// late with an accepted event, shipped on their own. Here beside the shapes they use (the
// span and record builders are internal test helpers, export_test.go).

// accepted is the platform's reply when it accepted every event of evs; outage when it
// took none (the request failed).
func accepted(evs []platform.TraceEvent) platform.SendResult {
	return platform.SendResult{Accepted: len(evs)}
}

func outage(evs []platform.TraceEvent) platform.SendResult {
	res := platform.SendResult{}
	for i := range evs {
		res.Undelivered = append(res.Undelivered, i)
	}
	return res
}

// A platform outage longer than the hold does not split records from their span: while the
// span's batch is being retried (each attempt maps it with the records), the hold counts
// from the last attempt, so the records keep waiting and join the span's event when the
// platform is back. Once the span stops coming (its batch given up), they are shipped on
// their own a hold after its last attempt. Real clock: hold 3 s, attempts 2 s apart.
func TestHoldCountsFromTheSpansLastAttempt(t *testing.T) {
	t.Parallel()
	const hold = 3 * time.Second
	chat, recs := mapping.WeatherChatSpan, mapping.WeatherRecords
	for _, given := range []bool{false, true} {
		m := tracestate.New(tracestate.Options{LogHold: hold})
		if res := m.MapLogs(recs()); res.Fates[0] != tracestate.LogHeld || res.Fates[1] != tracestate.LogHeld {
			t.Fatalf("records before their span: fates %v", res.Fates)
		}
		time.Sleep(2 * time.Second)
		evs := m.Map([]mapping.SpanView{chat()}) // the span's batch, first attempt: the platform is down
		mapping.WantJSON(t, "joined input", evs[0].Input, `{"messages":[{"role":"user","content":"Weather in Paris?"}]}`)
		m.Delivered(evs, outage(evs))
		time.Sleep(2 * time.Second) // 4 s since the records came, 2 s since the span's attempt
		if res := m.MapLogs(recs()); res.Fates[0] != tracestate.LogHeld || res.Fates[1] != tracestate.LogHeld || len(res.Events) != 0 {
			t.Fatalf("given=%v: records passed again during the outage: fates %v, %d events (shipped on their own)", given, res.Fates, len(res.Events))
		}
		if got := m.ExpiredLogs(); len(got) != 0 {
			t.Fatalf("given=%v: ExpiredLogs during the outage: %d events", given, len(got))
		}
		if given {
			// The span's batch is given up: no attempt maps it again. A hold after its
			// last attempt the records go on their own, nothing lost.
			time.Sleep(hold + 500*time.Millisecond)
			res := m.MapLogs(recs())
			if res.Fates[0] != tracestate.LogMapped || res.Fates[1] != tracestate.LogMapped || len(res.Events) != 2 {
				t.Fatalf("records after the span's batch was given up: fates %v, %d events", res.Fates, len(res.Events))
			}
			for _, ev := range res.Events {
				if ev.ParentSpanID != evs[0].SpanID || ev.Usage != nil {
					t.Errorf("record on its own: parent %s (want %s), usage %+v", ev.ParentSpanID, evs[0].SpanID, ev.Usage)
				}
			}
			continue
		}
		evs = m.Map([]mapping.SpanView{chat()}) // the platform is back: the next attempt
		mapping.WantJSON(t, "input when the platform is back", evs[0].Input, `{"messages":[{"role":"user","content":"Weather in Paris?"}]}`)
		mapping.WantJSON(t, "output when the platform is back", evs[0].Output, `{"response":"Sunny.","finish_reason":"stop"}`)
		m.Delivered(evs, accepted(evs))
		if res := m.MapLogs(recs()); res.Fates[0] != tracestate.LogDone || res.Fates[1] != tracestate.LogDone || len(res.Events) != 0 {
			t.Errorf("records after the span's event was accepted: fates %v, %d events", res.Fates, len(res.Events))
		}
		if st := m.LogStats(); st.Joined != 2 || st.Alone != 0 || st.Held != 0 {
			t.Errorf("stats %+v, want 2 joined, none alone or held", st)
		}
	}
}

// Records that arrive while their span's event is mapped but not yet reported accepted (the
// collector's logs and traces pipelines, an SDK's log and span processors, run apart) are
// held; once the event is accepted they join it late — when passed again (the collector's
// retry) and from ExpiredLogs (in-process shippers), without waiting for the hold — never
// shipped on their own.
func TestRecordsBetweenMapAndDelivered(t *testing.T) {
	chat, recs := mapping.WeatherChatSpan, mapping.WeatherRecords
	const wantIn, wantOut = `{"messages":[{"role":"user","content":"Weather in Paris?"}]}`, `{"response":"Sunny.","finish_reason":"stop"}`
	for _, path := range []string{"passed again", "ExpiredLogs"} {
		m := tracestate.New(tracestate.Options{})
		m.ExpectLogs()
		evs := m.Map([]mapping.SpanView{chat()})
		if len(evs) != 1 || evs[0].Input != nil {
			t.Fatalf("%s: span event %+v", path, evs)
		}
		res := m.MapLogs(recs())
		if len(res.Events) != 0 || res.Fates[0] != tracestate.LogHeld || res.Fates[1] != tracestate.LogHeld {
			t.Fatalf("%s: before the span's event is accepted: %d events, fates %v", path, len(res.Events), res.Fates)
		}
		m.Delivered(evs, accepted(evs))
		var got []platform.TraceEvent
		if path == "passed again" {
			res = m.MapLogs(recs())
			if res.Fates[0] != tracestate.LogMapped || res.Fates[1] != tracestate.LogMapped || len(res.EventRecords) != 1 || len(res.EventRecords[0]) != 2 {
				t.Errorf("%s: fates %v event records %v", path, res.Fates, res.EventRecords)
			}
			got = res.Events
		} else {
			got = m.ExpiredLogs()
		}
		if len(got) != 1 || got[0].SpanID != evs[0].SpanID || got[0].Type != platform.TypeLLM || got[0].Usage == nil {
			t.Fatalf("%s: %d events, want the span's event again: %+v", path, len(got), got)
		}
		mapping.WantJSON(t, path+" input", got[0].Input, wantIn)
		mapping.WantJSON(t, path+" output", got[0].Output, wantOut)
		m.Delivered(got, accepted(got))
		if st := m.LogStats(); st.Late != 2 || st.Alone != 0 || st.Held != 0 {
			t.Errorf("%s: stats %+v", path, st)
		}
		if res := m.MapLogs(recs()); res.Fates[0] != tracestate.LogDone || res.Fates[1] != tracestate.LogDone || len(res.Events) != 0 {
			t.Errorf("%s: records passed once more: fates %v, %d events", path, res.Fates, len(res.Events))
		}
	}
}

// A gen_ai.evaluation.result log record (semconv gen-ai-events.md v1.41: the event name in
// the record's EventName, the result in its attributes, the evaluated span in its span
// context) lands on the evaluated span's event as metadata.evaluations, as the span event
// of that name does — whether the record comes before the span or after its event was
// accepted (then the event is sent again with it).
func TestEvaluationResultRecordLiteral(t *testing.T) {
	chat, eval := mapping.EvalChatSpan, mapping.EvalRecord
	check := func(t *testing.T, ev *platform.TraceEvent) {
		t.Helper()
		list, ok := ev.Metadata.Get("evaluations").([]any)
		if !ok || len(list) != 1 {
			t.Fatalf("metadata.evaluations = %#v, want one evaluation", ev.Metadata.Get("evaluations"))
		}
		e, _ := list[0].(map[string]any)
		if e["name"] != "Relevance" || e["score"] != 0.85 || e["label"] != "relevant" || e["explanation"] != "Answers the question." {
			t.Errorf("evaluation = %#v", e)
		}
		if ev.Usage == nil || ev.Usage.PromptTokens != 42 {
			t.Errorf("usage = %+v, want the span's 42 prompt tokens once", ev.Usage)
		}
	}
	t.Run("record first", func(t *testing.T) {
		m := tracestate.New(tracestate.Options{})
		if evs := m.MapLogs([]mapping.LogRecord{eval()}).Events; len(evs) != 0 {
			t.Fatalf("the record was shipped before its span: %d events", len(evs))
		}
		evs := m.Map([]mapping.SpanView{chat()})
		if len(evs) != 1 {
			t.Fatalf("%d events, want 1", len(evs))
		}
		check(t, &evs[0])
	})
	t.Run("span accepted first", func(t *testing.T) {
		m := tracestate.New(tracestate.Options{})
		m.ExpectLogs()
		evs := m.Map([]mapping.SpanView{chat()})
		m.Delivered(evs, accepted(evs))
		if _, ok := evs[0].Metadata.Lookup("evaluations"); ok {
			t.Fatal("evaluations before the record came")
		}
		res := m.MapLogs([]mapping.LogRecord{eval()})
		if len(res.Events) != 1 || res.Events[0].SpanID != evs[0].SpanID {
			t.Fatalf("%d events re-sent, want the span's event again", len(res.Events))
		}
		check(t, &res.Events[0])
	})
}
