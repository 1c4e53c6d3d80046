package mapping

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/llmtrace/llmtrace/internal/contract"
	"github.com/llmtrace/llmtrace/internal/jsonesc"
	"github.com/llmtrace/llmtrace/platform"
)

// MapOptions.MaxInputBytes / MaxOutputBytes through the public Mapper: the serialized field
// is never over its cap, whatever the cap (capJSON, map_metadata.go), metadata.truncated
// names exactly the capped fields, and the marker's preview is the longest prefix of the
// original JSON text that fits (so it shrinks with the cap, and is a prefix).

// capsSpan is a model call whose input and output messages carry text, characters that JSON
// escapes (quotes, a newline, a control byte, U+2028) and multi-byte UTF-8.
func capsSpan(text string) *testSpan {
	in, _ := json.Marshal([]map[string]any{{"role": "user", "content": text}})
	out, _ := json.Marshal([]map[string]any{{"role": "assistant", "finish_reason": "stop",
		"parts": []map[string]any{{"type": "text", "content": "answer: " + text}}}})
	return newSpan(1, 0, "chat m", str("gen_ai.operation.name", "chat"), str("gen_ai.request.model", "m"),
		str("gen_ai.input.messages", string(in)), str("gen_ai.output.messages", string(out)))
}

// capMarker is the decoded truncation marker.
type capMarker struct {
	Truncated     bool    `json:"truncated"`
	OriginalBytes *int    `json:"original_bytes"`
	Preview       *string `json:"preview"`
}

// capsWireFields encodes ev as the Client sends it (TraceEvent.AppendJSON), checks it
// against the contract and returns its top-level fields as they are on the wire.
func capsWireFields(t *testing.T, ev *platform.TraceEvent) map[string]json.RawMessage {
	t.Helper()
	b, err := ev.AppendJSON(nil)
	if err != nil {
		t.Fatalf("encode: %v", err)
	}
	if _, err := contract.DecodeEvent(b); err != nil {
		t.Fatalf("contract: %v\n%.400s", err, b)
	}
	var f map[string]json.RawMessage
	if err := json.Unmarshal(b, &f); err != nil {
		t.Fatal(err)
	}
	return f
}

func capsTruncatedList(ev *platform.TraceEvent) []string {
	var l []string
	if v, ok := ev.Metadata.Get("truncated").([]any); ok {
		for _, x := range v {
			l = append(l, fmt.Sprint(x))
		}
	}
	return l
}

// checkCapMarker checks a capped field (wire bytes got) against the original JSON text and the
// cap: within the cap, the marker as large as the cap allows, the preview a maximal prefix.
func checkCapMarker(t *testing.T, got json.RawMessage, orig string, capBytes int) {
	t.Helper()
	if len(got) > capBytes {
		t.Fatalf("%d bytes over the %d-byte cap: %.120s", len(got), capBytes, got)
	}
	digits := len(fmt.Sprint(len(orig)))
	if capBytes < len(`{"truncated":true}`) {
		if got != nil {
			t.Fatalf("cap %d below any marker, field present: %s", capBytes, got)
		}
		return
	}
	var m capMarker
	dec := json.NewDecoder(strings.NewReader(string(got)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&m); err != nil || !m.Truncated {
		t.Fatalf("not a truncation marker (%v): %s", err, got)
	}
	if capBytes < 36+digits { // no room for original_bytes
		if m.OriginalBytes != nil || m.Preview != nil {
			t.Fatalf("cap %d: %s does not fit", capBytes, got)
		}
		return
	}
	if m.OriginalBytes == nil || *m.OriginalBytes != len(orig) {
		t.Fatalf("cap %d: original_bytes in %s, want %d", capBytes, got, len(orig))
	}
	preview := ""
	if m.Preview != nil {
		preview = *m.Preview
		if preview == "" {
			t.Fatalf("empty preview kept: %s", got)
		}
	}
	if !strings.HasPrefix(orig, preview) || len(preview) > previewBytesWant {
		t.Fatalf("preview %q is not a prefix of the original of at most %d bytes", preview, previewBytesWant)
	}
	if !utf8.ValidString(preview) || strings.ContainsRune(preview, utf8.RuneError) {
		t.Fatalf("preview %q cuts a character", preview)
	}
	// Maximal: the next character of the original would not fit (cap or 1 KiB limit).
	if len(preview) == len(orig) {
		t.Fatalf("the whole original %q previewed, but it is over the cap", orig)
	}
	_, size := utf8.DecodeRuneInString(orig[len(preview):])
	next := len(jsonesc.AppendString(nil, orig[len(preview):len(preview)+size])) - 2
	grown := len(got) + next
	if preview == "" {
		grown += len(`,"preview":""`)
	}
	if grown <= capBytes && len(preview)+size <= previewBytesWant {
		t.Fatalf("cap %d: preview %q (%d bytes on the wire) stops short; %q would fit", capBytes, preview, len(got), orig[len(preview):len(preview)+size])
	}
}

// previewBytesWant is the documented preview limit (MapOptions, capJSON): 1 KiB.
const previewBytesWant = 1024

func TestContentCapsThroughMapper(t *testing.T) {
	text := strings.Repeat("The \"quick\" fox\n\x01 jumps\u2028 — naïve 日本語 🙂. ", 40) // ~2.5 KB
	full := mapOne(t, MapOptions{MaxInputBytes: platform.MaxContentBytes, MaxOutputBytes: platform.MaxContentBytes}, capsSpan(text))[0]
	if len(full.Input) < 2000 || len(full.Output) < 2000 || capsTruncatedList(&full) != nil {
		t.Fatalf("uncapped: %d / %d bytes, truncated %v", len(full.Input), len(full.Output), capsTruncatedList(&full))
	}
	orig := map[string]string{"input": string(full.Input), "output": string(full.Output)}
	caps := []int{1, 17, 18, 39, 40, 41, 53, 54, 64, 100, 200, 512, 1000, 1100, 1200, 2000,
		len(full.Input) - 1, len(full.Input), len(full.Output) - 1, len(full.Output), 8000}
	for _, field := range []string{"input", "output"} {
		for _, c := range caps {
			t.Run(fmt.Sprintf("%s/%d", field, c), func(t *testing.T) {
				opts := MapOptions{MaxInputBytes: platform.MaxContentBytes, MaxOutputBytes: platform.MaxContentBytes}
				other := "output"
				if field == "input" {
					opts.MaxInputBytes = c
				} else {
					opts.MaxOutputBytes, other = c, "input"
				}
				ev := mapOne(t, opts, capsSpan(text))[0]
				f := capsWireFields(t, &ev)
				if string(f[other]) != orig[other] {
					t.Errorf("%s changed by the %s cap", other, field)
				}
				tr := capsTruncatedList(&ev)
				if len(orig[field]) <= c {
					if string(f[field]) != orig[field] || tr != nil {
						t.Errorf("within the cap: changed (%d bytes) or truncated %v", len(f[field]), tr)
					}
					return
				}
				if !slices.Equal(tr, []string{field}) {
					t.Errorf("metadata.truncated %v, want [%s]", tr, field)
				}
				checkCapMarker(t, f[field], orig[field], c)
			})
		}
	}
}

// The default caps (256 KiB) keep a 1 KiB preview of a larger input and output.
func TestContentCapDefaultPreview(t *testing.T) {
	ev := mapOne(t, MapOptions{}, capsSpan(strings.Repeat("x", 300<<10)))[0]
	f := capsWireFields(t, &ev)
	for _, field := range []string{"input", "output"} {
		var m capMarker
		if err := json.Unmarshal(f[field], &m); err != nil || m.Preview == nil || len(*m.Preview) != previewBytesWant ||
			m.OriginalBytes == nil || *m.OriginalBytes <= defaultMaxIOBytes {
			t.Errorf("default cap: %s %.200s (%v)", field, f[field], err)
		}
	}
	if !slices.Equal(capsTruncatedList(&ev), []string{"input", "output"}) {
		t.Errorf("truncated %v", capsTruncatedList(&ev))
	}
}

// Multi-byte UTF-8 at the cut: for every cap from the smallest marker with a preview to a
// few hundred bytes, and at the 1 KiB preview limit, the preview ends on a character
// boundary and is as long as fits.
func TestContentCapMultiByteAtCut(t *testing.T) {
	for _, unit := range []string{"é", "日", "🙂", "a日🙂é\u2028"} {
		text := strings.Repeat(unit, 2000/len(unit)+1)
		base := MapOptions{MaxInputBytes: platform.MaxContentBytes, MaxOutputBytes: platform.MaxContentBytes}
		orig := string(mapOne(t, base, capsSpan(text))[0].Input)
		for c := 40; c <= 300; c++ {
			opts := base
			opts.MaxInputBytes = c
			ev := mapOne(t, opts, capsSpan(text))[0]
			checkCapMarker(t, capsWireFields(t, &ev)["input"], orig, c)
		}
		// The 1 KiB preview limit falls inside a character for most units.
		opts := base
		opts.MaxInputBytes = len(orig) - 1
		ev := mapOne(t, opts, capsSpan(text))[0]
		checkCapMarker(t, capsWireFields(t, &ev)["input"], orig, len(orig)-1)
	}
}

// An error event's output (the exception, mapper.go) obeys MaxOutputBytes too.
func TestContentCapErrorEventOutput(t *testing.T) {
	s := capsSpan("hi")
	s.code = StatusCodeError
	s.events = []testEvent{{"exception", t0, kvs{str("exception.type", "ValueError"), str("exception.message", "boom"),
		str("exception.stacktrace", strings.Repeat("  File \"x.py\", line 1, in f — ü\n", 200))}}}
	for _, c := range []int{10, 64, 200, 1500} {
		evs := mapOne(t, MapOptions{MaxOutputBytes: c}, s)
		if len(evs) != 2 || evs[1].Type != platform.TypeError {
			t.Fatalf("cap %d: %d events", c, len(evs))
		}
		if out := capsWireFields(t, &evs[1])["output"]; len(out) > c {
			t.Errorf("cap %d: error event output is %d bytes: %.100s", c, len(out), out)
		}
	}
}
