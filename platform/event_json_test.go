package platform_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/llmtrace/llmtrace/platform"
)

// plainEvent has TraceEvent's fields and tags but neither its MarshalJSON nor Metadata's:
// its metadata is a map[string]any, as TraceEvent.Metadata was until it became a
// platform.Metadata. encoding/json's reflection encoder of it is the reference AppendJSON
// must match byte for byte (TestPlainEventMirrorsTraceEvent keeps the two in step).
type plainEvent struct {
	TraceID      string               `json:"traceId"`
	SpanID       string               `json:"spanId"`
	ParentSpanID string               `json:"parentSpanId,omitempty"`
	ThreadID     string               `json:"threadId"`
	Name         string               `json:"name"`
	Type         platform.Type        `json:"type"`
	Input        json.RawMessage      `json:"input,omitempty"`
	Output       json.RawMessage      `json:"output,omitempty"`
	StartTime    time.Time            `json:"startTime"`
	EndTime      time.Time            `json:"endTime,omitzero"`
	DurationMs   float64              `json:"durationMs,omitempty"`
	Usage        *platform.Usage      `json:"usage,omitempty"`
	Model        string               `json:"model,omitempty"`
	Provider     string               `json:"provider,omitempty"`
	Metadata     map[string]any       `json:"metadata,omitempty"`
	Tags         []string             `json:"tags,omitempty"`
	Status       platform.Status      `json:"status,omitempty"`
	Error        *platform.EventError `json:"error,omitempty"`
	UserID       string               `json:"userId,omitempty"`
	SessionID    string               `json:"sessionId,omitempty"`
}

// plain copies ev field by field (by name) into a plainEvent, its metadata into a map
// (plainMetadata).
func plain(ev *platform.TraceEvent) *plainEvent {
	var p plainEvent
	src, dst := reflect.ValueOf(ev).Elem(), reflect.ValueOf(&p).Elem()
	for i := range src.NumField() {
		name := src.Type().Field(i).Name
		if name == "Metadata" {
			if ev.Metadata != nil {
				p.Metadata = plainMetadata(ev.Metadata)
			}
			continue
		}
		dst.FieldByName(name).Set(src.Field(i))
	}
	return &p
}

// plainMetadata is md as a map assigned entry by entry (the last value of a duplicated
// key wins), nested Metadata values (in maps and []any too) converted the same way.
func plainMetadata(md platform.Metadata) map[string]any {
	m := make(map[string]any, len(md))
	for _, e := range md {
		m[e.Key] = plainValue(e.Value, 0)
	}
	return m
}

func plainValue(v any, depth int) any {
	if depth > 20 { // cycles are left to the encoders
		return v
	}
	switch x := v.(type) {
	case platform.Metadata:
		if x == nil {
			return map[string]any(nil)
		}
		m := make(map[string]any, len(x))
		for _, e := range x {
			m[e.Key] = plainValue(e.Value, depth+1)
		}
		return m
	case map[string]any:
		if x == nil {
			return x
		}
		m := make(map[string]any, len(x))
		for k, e := range x {
			m[k] = plainValue(e, depth+1)
		}
		return m
	case []any:
		if x == nil {
			return x
		}
		l := make([]any, len(x))
		for i, e := range x {
			l[i] = plainValue(e, depth+1)
		}
		return l
	}
	return v
}

// TestPlainEventMirrorsTraceEvent: plainEvent has TraceEvent's fields, in order, with the
// same JSON tags and types but for Metadata.
func TestPlainEventMirrorsTraceEvent(t *testing.T) {
	a, b := reflect.TypeFor[platform.TraceEvent](), reflect.TypeFor[plainEvent]()
	if a.NumField() != b.NumField() {
		t.Fatalf("TraceEvent has %d fields, plainEvent %d", a.NumField(), b.NumField())
	}
	for i := range a.NumField() {
		fa, fb := a.Field(i), b.Field(i)
		if fa.Name != fb.Name || fa.Tag != fb.Tag || fa.Name != "Metadata" && fa.Type != fb.Type {
			t.Errorf("field %d: TraceEvent %s %s %q, plainEvent %s %s %q", i, fa.Name, fa.Type, fa.Tag, fb.Name, fb.Type, fb.Tag)
		}
	}
}

// referenceJSON is what a json.Encoder with SetEscapeHTML(false) (the Client's encoder
// before AppendJSON) writes for ev, less the newline.
func referenceJSON(ev *platform.TraceEvent) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(plain(ev)); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}

// checkSame asserts AppendJSON == the reference encoding, and json.Marshal through
// MarshalJSON == json.Marshal of the plain copy (HTML escaping on), errors included.
func checkSame(t *testing.T, what string, ev *platform.TraceEvent) {
	t.Helper()
	want, wantErr := referenceJSON(ev)
	prefix := []byte("prefix")
	got, err := ev.AppendJSON(prefix)
	if (err != nil) != (wantErr != nil) {
		t.Fatalf("%s: AppendJSON error %v, encoding/json error %v", what, err, wantErr)
	}
	if !bytes.HasPrefix(got, []byte("prefix")) {
		t.Fatalf("%s: AppendJSON dropped dst: %.20q", what, got)
	}
	if err != nil {
		if string(got) != "prefix" {
			t.Fatalf("%s: failed AppendJSON appended %q", what, got[len("prefix"):])
		}
		if _, err := json.Marshal(ev); err == nil {
			t.Fatalf("%s: json.Marshal(ev) succeeded where the plain encoding fails (%v)", what, wantErr)
		}
		return
	}
	if got := got[len("prefix"):]; !bytes.Equal(got, want) {
		t.Fatalf("%s: AppendJSON differs from encoding/json\n got %s\nwant %s\nfirst difference at byte %d",
			what, got, want, firstDiff(got, want))
	}
	m1, err1 := json.Marshal(ev)
	m2, err2 := json.Marshal(plain(ev))
	if err1 != nil || err2 != nil || !bytes.Equal(m1, m2) {
		t.Fatalf("%s: json.Marshal via MarshalJSON differs (%v, %v)\n got %s\nwant %s", what, err1, err2, m1, m2)
	}
}

func firstDiff(a, b []byte) int {
	for i := range min(len(a), len(b)) {
		if a[i] != b[i] {
			return i
		}
	}
	return min(len(a), len(b))
}

// TestAppendJSONCaptures checks every event the mapping makes of the real captures (the
// goldens in testdata/golden, which cmd/llmtrace's tests pin to the captures), with its
// content and without, and the request body of each capture, against encoding/json. The
// goldens are read rather than mapped here so that this module's tests need no collector
// pdata (internal/pdataview is a module of its own).
func TestAppendJSONCaptures(t *testing.T) {
	files, err := filepath.Glob("../testdata/golden/*.json")
	captures, err2 := filepath.Glob("../testdata/captures/*.json")
	if err != nil || err2 != nil || len(captures) == 0 || len(files) != len(captures) {
		t.Fatalf("want one golden per capture: %d goldens, %d captures (%v, %v)", len(files), len(captures), err, err2)
	}
	for i := range files {
		if filepath.Base(files[i]) != filepath.Base(captures[i]) {
			t.Fatalf("golden %s does not match capture %s", filepath.Base(files[i]), filepath.Base(captures[i]))
		}
	}
	for _, f := range files {
		raw, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var golden struct {
			Traces []platform.TraceEvent `json:"traces"`
		}
		if err := json.Unmarshal(raw, &golden); err != nil || len(golden.Traces) == 0 {
			t.Fatalf("%s: %d events (%v)", f, len(golden.Traces), err)
		}
		for _, omit := range []bool{false, true} {
			evs := slices.Clone(golden.Traces)
			for i := range evs {
				evs[i].Tags = append(evs[i].Tags, "a<b>&c")
				if omit {
					evs[i].Input, evs[i].Output = nil, nil
				}
				checkSame(t, filepath.Base(f)+" event "+evs[i].Name, &evs[i])
			}
			batch := platform.Batch{Traces: evs}
			got, err := batch.AppendJSON(nil)
			var want bytes.Buffer
			enc := json.NewEncoder(&want)
			enc.SetEscapeHTML(false)
			plains := make([]plainEvent, len(evs))
			for i := range evs {
				plains[i] = *plain(&evs[i])
			}
			if err2 := enc.Encode(struct {
				Traces []plainEvent `json:"traces"`
			}{plains}); err != nil || err2 != nil || !bytes.Equal(got, bytes.TrimSpace(want.Bytes())) {
				t.Fatalf("%s: Batch.AppendJSON differs (%v, %v)", f, err, err2)
			}
		}
	}
}

// TestBatchAppendJSON covers the body framing: nil, empty, and a failing event.
func TestBatchAppendJSON(t *testing.T) {
	for _, tc := range []struct {
		b    platform.Batch
		want string
	}{
		{platform.Batch{}, `{"traces":null}`},
		{platform.Batch{Traces: []platform.TraceEvent{}}, `{"traces":[]}`},
	} {
		got, err := tc.b.AppendJSON(nil)
		ref, _ := json.Marshal(tc.b)
		if err != nil || string(got) != tc.want || string(ref) != tc.want {
			t.Errorf("AppendJSON = %s, %v; json.Marshal = %s; want %s", got, err, ref, tc.want)
		}
	}
	good := baseEvent()
	bad := baseEvent()
	bad.Input = json.RawMessage(`{"unterminated":`)
	got, err := (&platform.Batch{Traces: []platform.TraceEvent{good, bad}}).AppendJSON([]byte("x"))
	if err == nil || string(got) != "x" {
		t.Fatalf("batch with an invalid event: %q, %v; want nothing appended and an error", got, err)
	}
	if !strings.Contains(err.Error(), "json.RawMessage") {
		t.Errorf("error %q does not name the bad value", err)
	}
}

func baseEvent() platform.TraceEvent {
	return platform.TraceEvent{
		TraceID: "01020304-0506-7708-890a-0b0c0d0e0f10", SpanID: "01020304-0506-7102-8304-050607080000",
		ThreadID: "01020304-0506-7708-890a-0b0c0d0e0f10", Name: "chat gpt-4o", Type: platform.TypeLLM,
		StartTime: time.Date(2026, 1, 2, 3, 4, 5, 600700800, time.UTC),
	}
}

// allControl is every byte below 0x20 plus the characters with special escapes.
func allControl() string {
	var b strings.Builder
	for c := range 0x20 {
		b.WriteByte(byte(c))
	}
	b.WriteString(`"\/<>&'` + "\x7f")
	return b.String()
}

// TestAppendJSONEdgeCases covers escaping, numbers, times and metadata value types.
func TestAppendJSONEdgeCases(t *testing.T) {
	nasty := []string{
		"", "plain", allControl(), "héllo wörld 日本語 🙂", "bad \xff\xfe utf8 \xc3", "trunc \xe2\x80",
		"line\u2028sep\u2029para", "<script>alert('x')&amp;</script>", "\u00a0\ufeff\U0010ffff",
		strings.Repeat("long ", 500),
	}
	cases := map[string]func(*platform.TraceEvent){
		"minimal": func(*platform.TraceEvent) {},
		"all fields": func(e *platform.TraceEvent) {
			e.ParentSpanID = e.SpanID
			e.Input = json.RawMessage(`{"messages":[{"role":"user","content":"hi <b>"}]}`)
			e.Output = json.RawMessage(`{"response":"ok","finish_reason":"stop"}`)
			e.EndTime = e.StartTime.Add(1234567 * time.Nanosecond)
			e.DurationMs = 1.234567
			e.Usage = &platform.Usage{PromptTokens: 1, CompletionTokens: 2, TotalTokens: 3, CachedTokens: 4,
				ReasoningTokens: 5, CostUSD: 0.000123, ContextWindowTokens: 128000, ContextUsedTokens: 7}
			e.Model, e.Provider = "gpt-4o", "openai"
			e.Metadata = platform.MetadataFromMap(map[string]any{"k": "v"})
			e.Tags = []string{"a", "b&c"}
			e.Status = platform.StatusError
			e.Error = &platform.EventError{Type: "Timeout", Message: "took > 30s"}
			e.UserID, e.SessionID = "u-1", "s-1"
		},
		"empty usage and error": func(e *platform.TraceEvent) {
			e.Usage = &platform.Usage{}
			e.Error = &platform.EventError{}
		},
		"empty non-nil slices": func(e *platform.TraceEvent) {
			e.Input, e.Output, e.Tags, e.Metadata = json.RawMessage{}, json.RawMessage{}, []string{}, platform.Metadata{}
		},
		"raw with white space": func(e *platform.TraceEvent) {
			e.Input = json.RawMessage(" {\n\t\"a\" : [ 1 , 2.5e-3 , true , null , \"x y\" ] ,\r\n \"b\":{ } } ")
			e.Output = json.RawMessage(`  "just a string \u2028 \ud83d\ude00"  `)
		},
		"raw scalars and nesting": func(e *platform.TraceEvent) {
			e.Input = json.RawMessage(strings.Repeat("[", 300) + strings.Repeat("]", 300))
			e.Output = json.RawMessage(`-0.0e+10`)
		},
		"raw with raw U+2028 and HTML": func(e *platform.TraceEvent) {
			e.Input = json.RawMessage("{\"a\":\"x\u2028y<>&\"}")
			e.Output = json.RawMessage("[\"\xff\"]")
		},
		"times in other zones": func(e *platform.TraceEvent) {
			e.StartTime = time.Date(2026, 6, 1, 12, 0, 0, 5, time.FixedZone("X", -(9*3600+30*60)))
			e.EndTime = time.Date(2026, 6, 1, 23, 0, 0, 0, time.FixedZone("Y", 14*3600))
			e.DurationMs = 1e21
		},
		"time year 0 and 9999": func(e *platform.TraceEvent) {
			e.StartTime = time.Date(0, 1, 1, 0, 0, 0, 0, time.UTC)
			e.EndTime = time.Date(9999, 12, 31, 23, 59, 59, 999999999, time.UTC)
		},
		"floats": func(e *platform.TraceEvent) {
			e.DurationMs = 1e-7
			e.Usage = &platform.Usage{CostUSD: 5e-324}
			e.Metadata = platform.MetadataFromMap(map[string]any{
				"f1": 0.1, "f2": 1e20, "f3": 1e21, "f4": 123456789.123456789, "f5": -1e-6, "f6": 9.99e-7,
				"f7": math.MaxFloat64, "f8": math.Copysign(0, -1), "f9": float32(0.1), "f10": float32(1e21),
				"f11": float32(1e-7), "f12": 100.0,
			})
		},
		"big ints and numbers": func(e *platform.TraceEvent) {
			e.Usage = &platform.Usage{PromptTokens: math.MaxInt64, TotalTokens: 1 << 53}
			e.Metadata = platform.MetadataFromMap(map[string]any{
				"i": math.MinInt64, "i64": int64(math.MaxInt64), "u64": uint64(math.MaxUint64), "i32": int32(-5),
				"u32": uint32(7), "u": uint(9), "i8": int8(-8), "u16": uint16(16), "n1": json.Number("12345678901234567890123"),
				"n2": json.Number("-0.5e+7"), "n3": json.Number(""),
			})
		},
		"nested metadata": func(e *platform.TraceEvent) {
			e.Metadata = platform.MetadataFromMap(map[string]any{
				"z": map[string]any{"b": []any{1, "x", nil, true, map[string]any{}, []any{}, []any(nil)}, "a": map[string]any(nil)},
				"y": []string{"p", "q<"}, "x": []string(nil), "w": json.RawMessage(nil), "v": json.RawMessage(" [1, 2] "),
				"u": struct {
					A int    `json:"a"`
					B string `json:"b,omitempty"`
				}{A: 1}, "t": time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), "s": &platform.Usage{PromptTokens: 3},
				"r": []int{1, 2}, "q": map[string]string{"b": "1", "a": "2"}, "p": []byte("bytes"), "o": nil,
				"Z": "upper sorts first", "é": "non-ASCII key", "": "empty key", "k\x00\u2028\xff": "odd key",
			})
		},
		"many metadata keys": func(e *platform.TraceEvent) {
			e.Metadata = platform.MetadataFromMap(map[string]any{})
			for i := range 200 {
				e.Metadata.Set(string(rune('a'+i%26))+strings.Repeat("k", i%7)+string(rune('0'+i%10)), i)
			}
		},
		"deep metadata": func(e *platform.TraceEvent) {
			var v any = "leaf"
			for i := range 150 {
				if i%2 == 0 {
					v = []any{v}
				} else {
					v = map[string]any{"d": v}
				}
			}
			e.Metadata = platform.MetadataFromMap(map[string]any{"deep": v})
		},
	}
	cases["nested map past the stack sort"] = func(e *platform.TraceEvent) {
		big := map[string]any{} // more keys than appendAnyMap sorts on the stack
		for i := range 70 {
			big[fmt.Sprintf("key-%02d-%s", (i*37)%70, nasty[i%len(nasty)][:min(3, len(nasty[i%len(nasty)]))])] = i
		}
		e.Metadata = platform.MetadataFromMap(map[string]any{"big": big, "list": []any{big}})
	}
	for i, s := range nasty {
		cases["strings "+string(rune('0'+i))] = func(e *platform.TraceEvent) {
			e.Name, e.Model, e.Provider, e.UserID, e.SessionID = s, s, s, s, s
			e.Tags = []string{s, s + "x"}
			e.Error = &platform.EventError{Type: s, Message: s}
			e.Metadata = platform.MetadataFromMap(map[string]any{s: s, "nested": map[string]any{s: []any{s}}})
		}
	}
	for name, edit := range cases {
		ev := baseEvent()
		edit(&ev)
		checkSame(t, name, &ev)
	}
}

// TestAppendJSONErrors: every value json.Marshal refuses makes AppendJSON fail the same way,
// appending nothing.
func TestAppendJSONErrors(t *testing.T) {
	cyclic := map[string]any{}
	cyclic["self"] = cyclic
	cases := map[string]func(*platform.TraceEvent){
		"invalid input":    func(e *platform.TraceEvent) { e.Input = json.RawMessage(`{"a":}`) },
		"truncated output": func(e *platform.TraceEvent) { e.Output = json.RawMessage(`["x"`) },
		"two values":       func(e *platform.TraceEvent) { e.Output = json.RawMessage(`1 2`) },
		"raw control char": func(e *platform.TraceEvent) { e.Input = json.RawMessage("\"a\nb\"") },
		"year 10000":       func(e *platform.TraceEvent) { e.StartTime = time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC) },
		"negative year":    func(e *platform.TraceEvent) { e.EndTime = time.Date(-1, 1, 1, 0, 0, 0, 0, time.UTC) },
		"zone of 24 hours": func(e *platform.TraceEvent) { e.StartTime = e.StartTime.In(time.FixedZone("Q", 24*3600)) },
		"NaN duration":     func(e *platform.TraceEvent) { e.DurationMs = math.NaN() },
		"Inf cost":         func(e *platform.TraceEvent) { e.Usage = &platform.Usage{CostUSD: math.Inf(1)} },
		"NaN metadata": func(e *platform.TraceEvent) {
			e.Metadata = platform.MetadataFromMap(map[string]any{"x": []any{math.NaN()}})
		},
		"float32 Inf": func(e *platform.TraceEvent) {
			e.Metadata = platform.MetadataFromMap(map[string]any{"x": float32(math.Inf(-1))})
		},
		"bad json.Number": func(e *platform.TraceEvent) {
			e.Metadata = platform.MetadataFromMap(map[string]any{"x": json.Number("1.")})
		},
		"bad raw in metadata": func(e *platform.TraceEvent) {
			e.Metadata = platform.MetadataFromMap(map[string]any{"x": json.RawMessage("nul")})
		},
		"empty raw metadata": func(e *platform.TraceEvent) {
			e.Metadata = platform.MetadataFromMap(map[string]any{"x": json.RawMessage{}})
		},
		"channel": func(e *platform.TraceEvent) {
			e.Metadata = platform.MetadataFromMap(map[string]any{"x": make(chan int)})
		},
		"cycle": func(e *platform.TraceEvent) { e.Metadata = platform.Metadata{{Key: "a", Value: cyclic}} },
		// Out of key order: the error is the first bad value's in key order.
		"unsorted, two bad values": func(e *platform.TraceEvent) {
			e.Metadata = platform.Metadata{{Key: "b", Value: json.Number("1.")}, {Key: "a", Value: make(chan int)}}
		},
		"unsorted after a bad value": func(e *platform.TraceEvent) {
			e.Metadata = platform.Metadata{{Key: "m", Value: math.Inf(1)}, {Key: "n", Value: 1}, {Key: "a", Value: json.RawMessage("nul")}}
		},
		"Metadata cycle": func(e *platform.TraceEvent) {
			md := platform.Metadata{{Key: "self"}}
			md[0].Value = md
			e.Metadata = md
		},
	}
	for name, edit := range cases {
		ev := baseEvent()
		edit(&ev)
		if _, err := referenceJSON(&ev); err == nil {
			t.Fatalf("%s: encoding/json accepts it; the case is wrong", name)
		}
		checkSame(t, name, &ev)
	}
}

// randString returns a mix of ASCII, control bytes, multi-byte runes, U+2028 and invalid UTF-8.
func randString(r *rand.Rand) string {
	pieces := []string{"a", "Z", " ", "\"", "\\", "/", "<", ">", "&", "\n", "\t", "\x00", "\x1f", "\x7f",
		"é", "日", "🙂", "\u2028", "\u2029", "\xff", "\xe2\x80", "\xed\xa0\x80", "{", "}", "[", "]", ":", ",", "0"}
	var b strings.Builder
	for range r.IntN(24) {
		b.WriteString(pieces[r.IntN(len(pieces))])
	}
	return b.String()
}

// randAny returns a random metadata value of the types the mapper and users put there.
func randAny(r *rand.Rand, depth int) any {
	n := 12
	if depth > 3 {
		n = 9
	}
	switch r.IntN(n) {
	case 0:
		return randString(r)
	case 1:
		return r.Int64() >> r.IntN(64)
	case 2:
		return int(r.Int32())
	case 3:
		return math.Float64frombits(r.Uint64()>>r.IntN(12)) * float64(1-2*r.IntN(2))
	case 4:
		return r.Float64() * math.Pow(10, float64(r.IntN(60)-30))
	case 5:
		return r.IntN(2) == 0
	case 6:
		return nil
	case 7:
		return json.Number(randNumber(r))
	case 8:
		raw, _ := json.Marshal(randString(r))
		return json.RawMessage(raw)
	case 9:
		m := map[string]any{}
		for range r.IntN(5) {
			m[randString(r)] = randAny(r, depth+1)
		}
		return m
	case 10:
		s := make([]any, r.IntN(4))
		for i := range s {
			s[i] = randAny(r, depth+1)
		}
		return s
	}
	return []string{randString(r), randString(r)}
}

func randNumber(r *rand.Rand) string {
	s := []string{"0", "-0", "1", "-12", "3.25", "1e5", "2E-3", "-4.5e+6", "123456789012345678901234567890"}
	return s[r.IntN(len(s))]
}

// TestAppendJSONRandom compares 3000 random events (random strings everywhere, random
// metadata trees, random usage, times and durations) with encoding/json.
func TestAppendJSONRandom(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 1))
	for i := range 3000 {
		ev := baseEvent()
		ev.Name = randString(r)
		ev.Model, ev.Provider, ev.UserID = randString(r), randString(r), randString(r)
		ev.StartTime = time.Unix(r.Int64N(1<<35), r.Int64N(1e9)).UTC()
		if r.IntN(2) == 0 {
			ev.EndTime = ev.StartTime.Add(time.Duration(r.Int64N(1e12)))
			ev.DurationMs = float64(ev.EndTime.Sub(ev.StartTime).Nanoseconds()) / 1e6
		}
		if r.IntN(2) == 0 {
			ev.Usage = &platform.Usage{PromptTokens: r.Int64N(1e6), CompletionTokens: r.Int64N(3),
				CostUSD: float64(r.IntN(3)) * r.Float64() / 1000}
		}
		if r.IntN(3) > 0 {
			raw, _ := json.Marshal(randAny(r, 0))
			ev.Input = raw
		}
		ev.Metadata = platform.MetadataFromMap(map[string]any{})
		for range r.IntN(30) {
			ev.Metadata.Set(randString(r), randAny(r, 0))
		}
		for range r.IntN(3) {
			ev.Tags = append(ev.Tags, randString(r))
		}
		checkSame(t, "random event "+string(rune('0'+i%10)), &ev)
	}
}

// FuzzAppendJSON: for any strings and raw JSON bytes, AppendJSON agrees with encoding/json
// (bytes, or failing together). Run with go test -fuzz FuzzAppendJSON ./platform.
func FuzzAppendJSON(f *testing.F) {
	f.Add("chat", "k", "v", []byte(`{"a":[1,2]}`), 1.5, int64(3))
	f.Add("\xff\u2028<&>", "\x00", "\x1f\"\\", []byte(" [ true ,null ] "), 1e21, int64(-1))
	f.Add("", "", "", []byte(`{"a"`), 1e-7, int64(math.MaxInt64))
	f.Fuzz(func(t *testing.T, name, key, val string, raw []byte, f64 float64, n int64) {
		ev := baseEvent()
		ev.Name, ev.Model = name, val
		ev.Input = raw
		ev.DurationMs = f64
		ev.Usage = &platform.Usage{PromptTokens: n, CostUSD: math.Abs(f64)}
		ev.Metadata = platform.MetadataFromMap(map[string]any{key: val, key + "n": n, key + "f": f64, "raw": json.RawMessage(raw),
			"num": json.Number(val), "list": []any{name, f64, map[string]any{val: key}}})
		checkSame(t, "fuzz", &ev)
	})
}

// TestAppendJSONErrorOfUnsortedMetadata: metadata out of key order with two bad values
// fails with the error of the first one in key order, as encoding/json fails on the
// equivalent map.
func TestAppendJSONErrorOfUnsortedMetadata(t *testing.T) {
	for _, md := range []platform.Metadata{
		{{Key: "b", Value: json.Number("1.")}, {Key: "a", Value: make(chan int)}},
		{{Key: "a", Value: make(chan int)}, {Key: "b", Value: json.Number("1.")}},
		{{Key: "m", Value: math.Inf(1)}, {Key: "n", Value: 1}, {Key: "a", Value: json.Number("x")}},
	} {
		ev := baseEvent()
		ev.Metadata = md
		_, err := ev.AppendJSON(nil)
		_, want := json.Marshal(map[string]any{md[0].Key: md[0].Value, md[1].Key: md[1].Value, md[len(md)-1].Key: md[len(md)-1].Value})
		if err == nil || want == nil || !strings.Contains(err.Error(), strings.TrimPrefix(want.Error(), "json: ")) {
			t.Errorf("%v: error %v, encoding/json %v", md, err, want)
		}
	}
}
