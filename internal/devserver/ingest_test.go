package devserver

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/llmtrace/llmtrace/platform"
)

func TestAuth(t *testing.T) {
	srv, ts := newTestServer(t, testKey)
	_, evs := newTrace(t, t0, "auth")
	body := batchJSON(t, evs)
	for _, tc := range []struct {
		name, auth string
		want       int
	}{
		{"missing", "", http.StatusUnauthorized},
		{"not bearer", "Basic " + testKey, http.StatusUnauthorized},
		{"bearer without key", "Bearer ", http.StatusUnauthorized},
		{"wrong key", "Bearer not-the-key", http.StatusForbidden},
		{"key as prefix", "Bearer " + testKey + "x", http.StatusForbidden},
		{"truncated key", "Bearer " + testKey[:len(testKey)-1], http.StatusForbidden},
		{"first character", "Bearer " + testKey[:1], http.StatusForbidden},
		{"half the key", "Bearer " + testKey[:len(testKey)/2], http.StatusForbidden},
		{"key twice", "Bearer " + testKey + testKey, http.StatusForbidden},
		{"right key", "Bearer " + testKey, http.StatusOK},
		{"scheme case-insensitive", "bearer " + testKey, http.StatusOK},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := count(t, srv)
			r := post(t, ts, bytes.NewReader(body), map[string]string{"Authorization": tc.auth})
			if r.status != tc.want {
				t.Fatalf("status %d, want %d: %s", r.status, tc.want, r.body)
			}
			if tc.want != http.StatusOK {
				msg, _ := r.json(t)["error"].(string)
				if msg == "" {
					t.Fatalf("no error message: %s", r.body)
				}
				if strings.Contains(string(r.body), testKey) {
					t.Fatalf("reply echoes the key: %s", r.body)
				}
				if n := count(t, srv); n != before {
					t.Fatalf("unauthorized request stored events: %d → %d", before, n)
				}
			}
		})
	}

	t.Run("no key configured", func(t *testing.T) {
		srv, ts := newTestServer(t, "")
		r := post(t, ts, bytes.NewReader(body), map[string]string{"Authorization": ""})
		if r.status != http.StatusOK || count(t, srv) != 3 {
			t.Fatalf("status %d, %d stored: %s", r.status, count(t, srv), r.body)
		}
	})
}

func TestIngestStoresAndServesBack(t *testing.T) {
	srv, ts := newTestServer(t, testKey)
	ids, evs := newTrace(t, t0, "weather agent")
	// Send out of order: GET must order by startTime.
	sent := []platform.TraceEvent{evs[2], evs[0], evs[1]}
	r := post(t, ts, bytes.NewReader(batchJSON(t, sent)), nil)
	if r.status != http.StatusOK {
		t.Fatalf("status %d: %s", r.status, r.body)
	}
	if got := string(bytes.TrimSpace(r.body)); got != `{"accepted":3}` {
		t.Fatalf("reply %s, want {\"accepted\":3}", got)
	}

	g := get(t, ts, "/v1/traces/"+ids.trace)
	if g.status != http.StatusOK || g.header.Get("Content-Type") != "application/json" {
		t.Fatalf("GET: %d %q %s", g.status, g.header.Get("Content-Type"), g.body)
	}
	var got struct {
		Events []platform.TraceEvent `json:"events"`
	}
	if err := json.Unmarshal(g.body, &got); err != nil {
		t.Fatal(err)
	}
	// The wire JSON of each event round-trips: compare through encoding.
	wantJSON, _ := json.Marshal(evs)
	gotJSON, _ := json.Marshal(got.Events)
	if !bytes.Equal(wantJSON, gotJSON) {
		t.Fatalf("GET returned\n%s\nwant\n%s", gotJSON, wantJSON)
	}

	stored, err := srv.Events(context.Background(), ids.trace)
	if err != nil {
		t.Fatal(err)
	}
	if len(stored) != 3 || stored[0].SpanID != ids.root || stored[1].SpanID != ids.llm || stored[2].SpanID != ids.tool {
		t.Fatalf("Events order: %+v", stored)
	}
	if u := stored[1].Usage; u == nil || *u != *evs[1].Usage {
		t.Fatalf("usage round trip: %+v", u)
	}
	if !stored[0].StartTime.Equal(evs[0].StartTime) || string(stored[0].Input) != string(evs[0].Input) {
		t.Fatalf("root round trip: %+v", stored[0])
	}
	all, err := srv.AllEvents(context.Background())
	if err != nil || len(all) != 3 {
		t.Fatalf("AllEvents: %d, %v", len(all), err)
	}

	if g := get(t, ts, "/v1/traces/"+newV7(t)); g.status != http.StatusNotFound || g.json(t)["error"] == nil {
		t.Fatalf("unknown trace: %d %s", g.status, g.body)
	}
	if none, err := srv.Events(context.Background(), newV7(t)); err != nil || len(none) != 0 {
		t.Fatalf("Events(unknown) = %v, %v", none, err)
	}
}

func TestPartialSuccessRejectsByIndex(t *testing.T) {
	srv, ts := newTestServer(t, testKey)
	ids, evs := newTrace(t, t0, "partial")
	v4 := uuid.New().String() // a UUID v4
	evs[1].TraceID = v4
	r := post(t, ts, bytes.NewReader(batchJSON(t, evs)), nil)
	if r.status != http.StatusOK {
		t.Fatalf("status %d: %s", r.status, r.body)
	}
	var rep ingestReply
	if err := json.Unmarshal(r.body, &rep); err != nil {
		t.Fatal(err)
	}
	if rep.Accepted != 2 || len(rep.Rejected) != 1 || rep.Rejected[0].Index != 1 {
		t.Fatalf("reply %s, want accepted 2 and index 1 rejected", r.body)
	}
	if e := rep.Rejected[0].Error; !strings.HasPrefix(e, "traceId: ") || !strings.Contains(e, v4) {
		t.Fatalf("rejection reason %q does not name traceId and the value", e)
	}
	if n := count(t, srv); n != 2 {
		t.Fatalf("%d stored, want 2", n)
	}
	stored, _ := srv.Events(context.Background(), ids.trace)
	for _, ev := range stored {
		if ev.SpanID == ids.llm {
			t.Fatalf("rejected event was stored: %+v", ev)
		}
	}
}

// Every kind of invalid event is judged by contract.DecodeEvent and rejected alone.
func TestInvalidEventsRejectedAlone(t *testing.T) {
	srv, ts := newTestServer(t, testKey)
	_, evs := newTrace(t, t0, "valid")
	good, _ := json.Marshal(evs[0])
	mutate := func(f func(m map[string]any)) string {
		var m map[string]any
		json.Unmarshal(good, &m)
		m["spanId"] = newV7(t)
		f(m)
		b, _ := json.Marshal(m)
		return string(b)
	}
	bad := []struct{ raw, field string }{
		{mutate(func(m map[string]any) { m["type"] = "agent" }), "type"},
		{mutate(func(m map[string]any) { m["usage"] = map[string]any{"prompt_tokens": -1} }), "usage.prompt_tokens"},
		{mutate(func(m map[string]any) { m["usage"] = map[string]any{"prompt_tokens": 1.5} }), "usage.prompt_tokens"},
		{mutate(func(m map[string]any) { delete(m, "threadId") }), "threadId"},
		{mutate(func(m map[string]any) { m["startTime"] = "yesterday" }), "startTime"},
		{mutate(func(m map[string]any) { m["colour"] = "blue" }), "colour"},
		{mutate(func(m map[string]any) { m["name"] = strings.Repeat("n", 513) }), "name"},
		{`"not an object"`, "(event)"},
	}
	parts := []string{string(good)}
	for _, b := range bad {
		parts = append(parts, b.raw)
	}
	body := `{"traces":[` + strings.Join(parts, ",") + `]}`
	r := post(t, ts, strings.NewReader(body), nil)
	var rep ingestReply
	if err := json.Unmarshal(r.body, &rep); err != nil || r.status != http.StatusOK {
		t.Fatalf("%d %s %v", r.status, r.body, err)
	}
	if rep.Accepted != 1 || len(rep.Rejected) != len(bad) {
		t.Fatalf("reply %s", r.body)
	}
	for i, b := range bad {
		rj := rep.Rejected[i]
		if rj.Index != i+1 || !strings.Contains(rj.Error, b.field) {
			t.Errorf("rejected[%d] = %+v, want index %d naming %q", i, rj, i+1, b.field)
		}
	}
	if n := count(t, srv); n != 1 {
		t.Fatalf("%d stored, want 1", n)
	}
}

func TestIdempotentUpsert(t *testing.T) {
	srv, ts := newTestServer(t, testKey)
	ids, evs := newTrace(t, t0, "first name")
	body := batchJSON(t, evs)
	for i := 0; i < 2; i++ {
		if r := post(t, ts, bytes.NewReader(body), nil); r.status != http.StatusOK {
			t.Fatalf("send %d: %d %s", i, r.status, r.body)
		}
	}
	if n := count(t, srv); n != 3 {
		t.Fatalf("same batch twice: %d events stored, want 3", n)
	}
	evs[0].Name = "renamed"
	evs[1].Usage = &platform.Usage{PromptTokens: 100, CompletionTokens: 1, TotalTokens: 101}
	evs[1].Model = "gpt-4o"
	if r := post(t, ts, bytes.NewReader(batchJSON(t, evs)), nil); r.status != http.StatusOK {
		t.Fatalf("update: %d %s", r.status, r.body)
	}
	if n := count(t, srv); n != 3 {
		t.Fatalf("after update: %d events stored, want 3", n)
	}
	stored, _ := srv.Events(context.Background(), ids.trace)
	if stored[0].Name != "renamed" || stored[1].Model != "gpt-4o" || stored[1].Usage.PromptTokens != 100 {
		t.Fatalf("values not updated: %+v / %+v", stored[0], stored[1])
	}
	// The indexed columns follow the event too.
	var list traceList
	json.Unmarshal(get(t, ts, "/v1/traces").body, &list)
	if len(list.Traces) != 1 || list.Traces[0].Name != "renamed" || list.Traces[0].Usage.PromptTokens != 100 {
		t.Fatalf("list after update: %+v", list)
	}
}

func TestCompressedBodies(t *testing.T) {
	for _, tc := range []struct {
		encoding string
		compress func(testing.TB, []byte) []byte
	}{
		{"gzip", gzipBytes},
		{"zstd", zstdBytes},
		{"identity", func(_ testing.TB, b []byte) []byte { return b }},
	} {
		t.Run(tc.encoding, func(t *testing.T) {
			srv, ts := newTestServer(t, testKey)
			ids, evs := newTrace(t, t0, "compressed "+tc.encoding)
			r := post(t, ts, bytes.NewReader(tc.compress(t, batchJSON(t, evs))), map[string]string{"Content-Encoding": tc.encoding})
			if r.status != http.StatusOK || r.json(t)["accepted"] != float64(3) {
				t.Fatalf("%d %s", r.status, r.body)
			}
			stored, _ := srv.Events(context.Background(), ids.trace)
			if len(stored) != 3 || stored[0].Name != "compressed "+tc.encoding {
				t.Fatalf("stored %+v", stored)
			}
		})
	}
	t.Run("unknown encoding", func(t *testing.T) {
		_, ts := newTestServer(t, testKey)
		r := post(t, ts, strings.NewReader(`{"traces":[]}`), map[string]string{"Content-Encoding": "br"})
		if r.status != http.StatusUnsupportedMediaType || !strings.Contains(r.json(t)["error"].(string), "br") {
			t.Fatalf("%d %s", r.status, r.body)
		}
	})
}

func TestBodyLimits(t *testing.T) {
	_, ts := newTestServer(t, testKey)
	atLimit := paddedBody(platform.MaxRequestBytes)
	over := paddedBody(platform.MaxRequestBytes + 1)
	for _, tc := range []struct {
		name     string
		body     []byte
		encoding string
		want     int
	}{
		{"identity at 5 MiB", atLimit, "", http.StatusOK},
		{"identity over 5 MiB", over, "", http.StatusRequestEntityTooLarge},
		{"gzip at 5 MiB", gzipBytes(t, atLimit), "gzip", http.StatusOK},
		{"gzip over 5 MiB decompressed", gzipBytes(t, over), "gzip", http.StatusRequestEntityTooLarge},
		{"zstd over 5 MiB decompressed", zstdBytes(t, over), "zstd", http.StatusRequestEntityTooLarge},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := post(t, ts, bytes.NewReader(tc.body), map[string]string{"Content-Encoding": tc.encoding})
			if r.status != tc.want {
				t.Fatalf("status %d, want %d: %s", r.status, tc.want, r.body)
			}
			if tc.want == http.StatusRequestEntityTooLarge && !strings.Contains(r.json(t)["error"].(string), "5242880") {
				t.Fatalf("413 without the limit: %s", r.body)
			}
		})
	}
}

// Compressed bodies over the limits, streamed without a Content-Length, are 413:
// incompressible noise (the decompressed cap), and a gzip stream of empty deflate blocks
// that decompresses to nothing but exceeds the wire cap (http.MaxBytesReader).
func TestCompressedWireLimit(t *testing.T) {
	_, ts := newTestServer(t, testKey)
	t.Run("gzip of empty blocks", func(t *testing.T) {
		body := []byte{0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff} // gzip header, deflate
		emptyStored := []byte{0, 0, 0, 0xff, 0xff}            // non-final stored block, length 0
		body = append(body, bytes.Repeat(emptyStored, (platform.MaxRequestBytes+compressedSlack)/5+1)...)
		r := post(t, ts, io.MultiReader(bytes.NewReader(body)), map[string]string{"Content-Encoding": "gzip"})
		if r.status != http.StatusRequestEntityTooLarge {
			t.Fatalf("status %d, want 413: %s", r.status, r.body)
		}
	})
	t.Run("same stream under the wire cap", func(t *testing.T) {
		body := []byte{0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff}
		body = append(body, bytes.Repeat([]byte{0, 0, 0, 0xff, 0xff}, 1000)...)
		r := post(t, ts, io.MultiReader(bytes.NewReader(body)), map[string]string{"Content-Encoding": "gzip"})
		if r.status != http.StatusBadRequest { // valid blocks, but the stream never ends
			t.Fatalf("status %d, want 400: %s", r.status, r.body)
		}
	})
	noise := make([]byte, platform.MaxRequestBytes+compressedSlack+1)
	rand.NewChaCha8([32]byte{1}).Read(noise)
	for _, tc := range []struct {
		encoding string
		compress func(testing.TB, []byte) []byte
	}{{"gzip", gzipBytes}, {"zstd", zstdBytes}} {
		t.Run(tc.encoding, func(t *testing.T) {
			body := tc.compress(t, noise)
			if len(body) <= platform.MaxRequestBytes+compressedSlack {
				t.Fatalf("compressed noise is only %d bytes", len(body))
			}
			r := post(t, ts, io.MultiReader(bytes.NewReader(body)), map[string]string{"Content-Encoding": tc.encoding})
			if r.status != http.StatusRequestEntityTooLarge {
				t.Fatalf("status %d, want 413: %s", r.status, r.body)
			}
		})
	}
}

func TestEventCountLimit(t *testing.T) {
	srv, ts := newTestServer(t, testKey)
	many := func(n int) []platform.TraceEvent {
		trace, thread := newV7(t), newV7(t)
		evs := make([]platform.TraceEvent, n)
		for i := range evs {
			evs[i] = platform.TraceEvent{TraceID: trace, SpanID: newV7(t), ThreadID: thread,
				Name: fmt.Sprintf("span %d", i), Type: platform.TypeCustom, StartTime: t0.Add(time.Duration(i))}
		}
		return evs
	}
	r := post(t, ts, bytes.NewReader(batchJSON(t, many(1001))), nil)
	if r.status != http.StatusRequestEntityTooLarge || !strings.Contains(r.json(t)["error"].(string), "1001") {
		t.Fatalf("1001 events: %d %s", r.status, r.body)
	}
	if n := count(t, srv); n != 0 {
		t.Fatalf("413 batch stored %d events", n)
	}
	r = post(t, ts, bytes.NewReader(batchJSON(t, many(1000))), nil)
	if r.status != http.StatusOK || r.json(t)["accepted"] != float64(1000) {
		t.Fatalf("1000 events: %d %s", r.status, r.body)
	}
	if n := count(t, srv); n != 1000 {
		t.Fatalf("%d stored, want 1000", n)
	}
}

func TestContentType(t *testing.T) {
	_, ts := newTestServer(t, testKey)
	for _, tc := range []struct {
		ct   string
		want int
	}{
		{"application/json", http.StatusOK},
		{"application/json; charset=utf-8", http.StatusOK},
		{"Application/JSON", http.StatusOK},
		{"text/plain", http.StatusUnsupportedMediaType},
		{"application/x-protobuf", http.StatusUnsupportedMediaType},
		{"application/json; charset=latin1", http.StatusUnsupportedMediaType},
		{"", http.StatusUnsupportedMediaType},
	} {
		t.Run(tc.ct, func(t *testing.T) {
			hdr := map[string]string{"Content-Type": tc.ct}
			r := post(t, ts, strings.NewReader(`{"traces":[]}`), hdr)
			if r.status != tc.want {
				t.Fatalf("status %d, want %d: %s", r.status, tc.want, r.body)
			}
			if tc.want != http.StatusOK && r.json(t)["error"] == nil {
				t.Fatalf("no error: %s", r.body)
			}
		})
	}
}

func TestMalformedBodies(t *testing.T) {
	_, ts := newTestServer(t, testKey)
	for _, tc := range []struct{ name, body, detail string }{
		{"empty", ``, "empty body"},
		{"truncated", `{"traces":[`, "truncated"},
		{"syntax", `{"traces":[}`, "invalid JSON at byte"},
		{"array", `[]`, "(body)"},
		{"traces not array", `{"traces":{}}`, "traces"},
		{"other key", `{"events":[]}`, "events"},
		{"traces missing", `{}`, "missing"},
		{"traces null", `{"traces":null}`, "missing or null"},
		{"trailing data", `{"traces":[]} {}`, "after the JSON object"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := post(t, ts, strings.NewReader(tc.body), nil)
			if r.status != http.StatusBadRequest {
				t.Fatalf("status %d: %s", r.status, r.body)
			}
			var rep errorReply
			if err := json.Unmarshal(r.body, &rep); err != nil || rep.Error == "" || len(rep.Details) == 0 {
				t.Fatalf("want {error, details}: %s", r.body)
			}
			if !strings.Contains(rep.Details[0], tc.detail) {
				t.Fatalf("details %q do not mention %q", rep.Details, tc.detail)
			}
		})
	}
}

func TestInvalidCompressedBodies(t *testing.T) {
	_, ts := newTestServer(t, testKey)
	valid := gzipBytes(t, []byte(`{"traces":[]}`))
	corrupt := bytes.Clone(valid)
	corrupt[len(corrupt)-6] ^= 0xff // break the CRC-32
	for _, tc := range []struct {
		name, encoding string
		body           []byte
	}{
		{"plain JSON labelled gzip", "gzip", []byte(`{"traces":[]}`)},
		{"truncated gzip", "gzip", valid[:len(valid)/2]},
		{"gzip with bad checksum", "gzip", corrupt},
		{"plain JSON labelled zstd", "zstd", []byte(`{"traces":[]}`)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := post(t, ts, bytes.NewReader(tc.body), map[string]string{"Content-Encoding": tc.encoding})
			if r.status != http.StatusBadRequest {
				t.Fatalf("status %d: %s", r.status, r.body)
			}
			if msg := r.json(t)["error"].(string); !strings.Contains(msg, "invalid "+tc.encoding) {
				t.Fatalf("error %q", msg)
			}
		})
	}
}

// Concurrent batches on a file database all land (WAL + busy timeout + IMMEDIATE).
func TestConcurrentBatches(t *testing.T) {
	srv, ts := newTestServer(t, testKey)
	const n = 8
	bodies := make([][]byte, n)
	for i := range bodies {
		_, evs := newTrace(t, t0.Add(time.Duration(i)*time.Second), fmt.Sprintf("concurrent %d", i))
		bodies[i] = batchJSON(t, evs)
	}
	var wg sync.WaitGroup
	statuses := make([]int, n)
	for i := range bodies {
		wg.Add(1)
		go func() {
			defer wg.Done()
			req, _ := http.NewRequest(http.MethodPost, ts.URL+"/v1/traces", bytes.NewReader(bodies[i]))
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("Authorization", "Bearer "+testKey)
			resp, err := ts.Client().Do(req)
			if err != nil {
				return
			}
			resp.Body.Close()
			statuses[i] = resp.StatusCode
		}()
	}
	wg.Wait()
	for i, s := range statuses {
		if s != http.StatusOK {
			t.Errorf("batch %d: status %d", i, s)
		}
	}
	if got := count(t, srv); got != 3*n {
		t.Fatalf("%d stored, want %d", got, 3*n)
	}
}

func TestMemoryDatabase(t *testing.T) {
	a, err := New(Config{DBPath: ":memory:"})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	b, err := New(Config{DBPath: ":memory:"})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	ts := newHTTPTest(t, a)
	var wg sync.WaitGroup
	for i := 0; i < 4; i++ {
		_, evs := newTrace(t, t0, "memory")
		body := batchJSON(t, evs)
		wg.Add(1)
		go func() {
			defer wg.Done()
			req, _ := http.NewRequest(http.MethodPost, ts.URL+"/v1/traces", bytes.NewReader(body))
			req.Header.Set("Content-Type", "application/json")
			if resp, err := ts.Client().Do(req); err == nil {
				resp.Body.Close()
			}
		}()
	}
	wg.Wait()
	if n := count(t, a); n != 12 {
		t.Fatalf("memory server stored %d, want 12", n)
	}
	if n := count(t, b); n != 0 {
		t.Fatalf("a second :memory: server shares data: %d events", n)
	}
}

func TestBadDatabasePath(t *testing.T) {
	if _, err := New(Config{DBPath: t.TempDir() + "/no/such/dir/dev.db"}); err == nil {
		t.Fatal("New with a path in a missing directory succeeded")
	}
	if _, err := New(Config{DBPath: t.TempDir() + "/dev.db?mode=ro"}); err == nil || !strings.Contains(err.Error(), "must not contain") {
		t.Fatalf("New with '?' in the path: %v", err)
	}
}

func TestEventsKeepMetadataExact(t *testing.T) {
	srv, ts := newTestServer(t, testKey)
	ids, evs := newTrace(t, t0, "model")
	evs[1].Metadata = platform.MetadataFromMap(map[string]any{"otel.span_id": "0123456789abcdef", "big": int64(9007199254740993), "gen_ai.request.temperature": 0.2})
	post(t, ts, bytes.NewReader(batchJSON(t, evs)), nil)
	stored, err := srv.Events(context.Background(), ids.trace)
	if err != nil {
		t.Fatal(err)
	}
	// Numbers come back as json.Number with their exact text (2^53+1 survives).
	want := map[string]any{"otel.span_id": "0123456789abcdef", "big": json.Number("9007199254740993"), "gen_ai.request.temperature": json.Number("0.2")}
	if !reflect.DeepEqual(stored[1].Metadata, platform.MetadataFromMap(want)) {
		t.Fatalf("metadata %#v", stored[1].Metadata)
	}
	g := get(t, ts, "/v1/traces/"+ids.trace)
	if !bytes.Contains(g.body, []byte(`"big":9007199254740993`)) {
		t.Fatalf("GET changed the number: %s", g.body)
	}
}
