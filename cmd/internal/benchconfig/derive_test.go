package main

import (
	"os"
	"reflect"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

const baseFile = "../../../testdata/otelcol.yaml"

func load(t *testing.T, b []byte) map[string]any {
	t.Helper()
	var m map[string]any
	if err := yaml.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	return m
}

func dig(m map[string]any, path ...string) any {
	var v any = m
	for _, p := range path {
		mm, _ := v.(map[string]any)
		v = mm[p]
	}
	return v
}

// otlphttp gets exactly the llmtrace exporter's shared settings (the persistent queue with
// its batch and storage, retry, compression, timeout, endpoint) and takes its place in every
// pipeline; everything else of the base stays, fsync aside.
func TestDeriveOTLPHTTP(t *testing.T) {
	b, err := os.ReadFile(baseFile)
	if err != nil {
		t.Fatal(err)
	}
	base := load(t, b)
	out, err := derive(b, "otlphttp", false)
	if err != nil {
		t.Fatal(err)
	}
	got := load(t, out)

	src := dig(base, "exporters", "llmtrace").(map[string]any)
	dst, ok := dig(got, "exporters", otlpHTTPType).(map[string]any)
	if !ok || dig(got, "exporters", "llmtrace") != nil {
		t.Fatalf("exporters: %v", dig(got, "exporters"))
	}
	for _, k := range sharedKeys {
		if src[k] == nil || !reflect.DeepEqual(dst[k], src[k]) {
			t.Errorf("otlphttp %s = %v, want the llmtrace exporter's %v", k, dst[k], src[k])
		}
	}
	if len(dst) != len(sharedKeys) {
		t.Errorf("otlphttp has %d settings, want the %d shared ones: %v", len(dst), len(sharedKeys), dst)
	}
	if q := dig(got, "exporters", otlpHTTPType, "sending_queue", "storage"); q != "file_storage/llmtrace" {
		t.Errorf("sending_queue.storage %v", q)
	}
	for _, p := range []string{"traces", "logs"} {
		if ex := dig(got, "service", "pipelines", p, "exporters"); !reflect.DeepEqual(ex, []any{otlpHTTPType}) {
			t.Errorf("pipeline %s exporters %v", p, ex)
		}
		if !reflect.DeepEqual(dig(got, "service", "pipelines", p, "processors"), dig(base, "service", "pipelines", p, "processors")) {
			t.Errorf("pipeline %s processors changed", p)
		}
	}
	if f := dig(got, "extensions", "file_storage/llmtrace", "fsync"); f != false {
		t.Errorf("fsync %v", f)
	}
	for _, k := range []string{"receivers", "processors"} {
		if !reflect.DeepEqual(got[k], base[k]) {
			t.Errorf("%s changed: %v", k, got[k])
		}
	}
	if !strings.Contains(string(out), "${env:LLMTRACE_QUEUE_SIZE:-200000}") {
		t.Error("the ${env:...} references are not kept as written")
	}
}

// llmtrace: the base with fsync set, nothing else changed.
func TestDeriveLLMTraceOnlyFsync(t *testing.T) {
	b, err := os.ReadFile(baseFile)
	if err != nil {
		t.Fatal(err)
	}
	for _, fsync := range []bool{false, true} {
		out, err := derive(b, "llmtrace", fsync)
		if err != nil {
			t.Fatal(err)
		}
		got, want := load(t, out), load(t, b)
		want["extensions"].(map[string]any)["file_storage/llmtrace"].(map[string]any)["fsync"] = fsync
		if !reflect.DeepEqual(got, want) {
			t.Errorf("fsync %t: %v\nwant %v", fsync, got, want)
		}
	}
}

func TestDeriveErrors(t *testing.T) {
	for _, c := range []struct{ base, exporter, says string }{
		{"extensions: {file_storage: {}}\nexporters: {llmtrace: {}}", "otlp", `"otlp": llmtrace or otlphttp`},
		{"exporters: {llmtrace: {}}", "otlphttp", "no file_storage extension"},
		{"extensions: {file_storage/x: {}}\nexporters: {debug: {}}", "otlphttp", "no llmtrace exporter"},
		{"extensions: [", "llmtrace", "yaml"},
	} {
		if _, err := derive([]byte(c.base), c.exporter, true); err == nil || !strings.Contains(err.Error(), c.says) {
			t.Errorf("%q %s: %v, want an error saying %q", c.base, c.exporter, err, c.says)
		}
	}
}
