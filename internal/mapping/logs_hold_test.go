package mapping

import (
	"testing"
	"time"
)

// A platform outage longer than the hold does not split records from their span: while the
// span's batch is being retried (each attempt maps it with the records), the hold counts
// from the last attempt, so the records keep waiting and join the span's event when the
// platform is back. Once the span stops coming (its batch given up), they are shipped on
// their own a hold after its last attempt. Real clock: hold 3 s, attempts 2 s apart.
func TestHoldCountsFromTheSpansLastAttempt(t *testing.T) {
	t.Parallel()
	const hold = 3 * time.Second
	chat, recs := weatherChatSpan, weatherRecords
	for _, given := range []bool{false, true} {
		m := NewMapper(MapOptions{LogHold: hold})
		if res := m.MapLogs(recs(), nil); res.Fates[0] != LogHeld || res.Fates[1] != LogHeld {
			t.Fatalf("records before their span: fates %v", res.Fates)
		}
		time.Sleep(2 * time.Second)
		evs := m.Map([]SpanView{chat()}) // the span's batch, first attempt: the platform is down
		wantJSON(t, "joined input", evs[0].Input, `{"messages":[{"role":"user","content":"Weather in Paris?"}]}`)
		m.Delivered(evs, make([]bool, len(evs))) // none accepted
		time.Sleep(2 * time.Second)              // 4 s since the records came, 2 s since the span's attempt
		if res := m.MapLogs(recs(), nil); res.Fates[0] != LogHeld || res.Fates[1] != LogHeld || len(res.Events) != 0 {
			t.Fatalf("given=%v: records passed again during the outage: fates %v, %d events (shipped on their own)", given, res.Fates, len(res.Events))
		}
		if got := m.ExpiredLogs(nil).Events; len(got) != 0 {
			t.Fatalf("given=%v: ExpiredLogs during the outage: %d events", given, len(got))
		}
		if given {
			// The span's batch is given up: no attempt maps it again. A hold after its
			// last attempt the records go on their own, nothing lost.
			time.Sleep(hold + 500*time.Millisecond)
			res := m.MapLogs(recs(), nil)
			if res.Fates[0] != LogMapped || res.Fates[1] != LogMapped || len(res.Events) != 2 {
				t.Fatalf("records after the span's batch was given up: fates %v, %d events", res.Fates, len(res.Events))
			}
			for _, ev := range res.Events {
				if ev.ParentSpanID != evs[0].SpanID || ev.Usage != nil {
					t.Errorf("record on its own: parent %s (want %s), usage %+v", ev.ParentSpanID, evs[0].SpanID, ev.Usage)
				}
			}
			continue
		}
		evs = m.Map([]SpanView{chat()}) // the platform is back: the next attempt
		wantJSON(t, "input when the platform is back", evs[0].Input, `{"messages":[{"role":"user","content":"Weather in Paris?"}]}`)
		wantJSON(t, "output when the platform is back", evs[0].Output, `{"response":"Sunny.","finish_reason":"stop"}`)
		m.Delivered(evs, allAccepted(evs))
		if res := m.MapLogs(recs(), nil); res.Fates[0] != LogDone || res.Fates[1] != LogDone || len(res.Events) != 0 {
			t.Errorf("records after the span's event was accepted: fates %v, %d events", res.Fates, len(res.Events))
		}
		if st := m.LogStats(); st.Joined != 2 || st.Alone != 0 || st.Held != 0 {
			t.Errorf("stats %+v, want 2 joined, none alone or held", st)
		}
	}
}
