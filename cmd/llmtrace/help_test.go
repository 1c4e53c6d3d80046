package main

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func runArgs(args ...string) (stdout, stderr string, code int) {
	var out, errb bytes.Buffer
	code = run(args, strings.NewReader(""), &out, &errb)
	return out.String(), errb.String(), code
}

// Help is asked for in the usual Go CLI ways; it goes to stdout, exits 0 and names the
// commands and the exit codes.
func TestHelp(t *testing.T) {
	for _, args := range [][]string{{"help"}, {"-h"}, {"--help"}, {"-help"}} {
		out, stderr, code := runArgs(args...)
		if code != 0 || stderr != "" {
			t.Errorf("%q: exit %d, stderr %q", args, code, stderr)
		}
		for _, want := range []string{"Usage:", "map ", "help ", "Exit codes:", "0  success", "1  bad input", "2  bad usage"} {
			if !strings.Contains(out, want) {
				t.Errorf("%q: help lacks %q:\n%s", args, want, out)
			}
		}
	}
}

// `llmtrace map --help` (and -h, and `llmtrace help map`) describes every flag of map.
func TestMapHelp(t *testing.T) {
	for _, args := range [][]string{{"map", "--help"}, {"map", "-h"}, {"help", "map"}} {
		out, stderr, code := runArgs(args...)
		if code != 0 || stderr != "" {
			t.Errorf("%q: exit %d, stderr %q", args, code, stderr)
		}
		fs, _ := mapFlags(nil)
		fs.VisitAll(func(f *flag.Flag) {
			if !strings.Contains(out, "-"+f.Name+"\n") || !strings.Contains(out, f.Usage) {
				t.Errorf("%q: help does not describe -%s:\n%s", args, f.Name, out)
			}
		})
		for _, want := range []string{"Usage: llmtrace map", "-h, --help", "Exit codes:"} {
			if !strings.Contains(out, want) {
				t.Errorf("%q: help lacks %q:\n%s", args, want, out)
			}
		}
	}
}

// Bad usage exits 2 with the reason and the usage on stderr, nothing on stdout.
func TestUsageErrors(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{nil, "Usage:"},
		{[]string{"frobnicate"}, `unknown command "frobnicate"`},
		{[]string{"help", "frobnicate"}, `unknown command "frobnicate"`},
		{[]string{"map", "--bogus"}, "flag provided but not defined: -bogus"},
		{[]string{"map", "a.json", "b.json"}, "one input file at most"},
	} {
		out, stderr, code := runArgs(tc.args...)
		if code != 2 || out != "" || !strings.Contains(stderr, tc.want) || !strings.Contains(stderr, "Usage") {
			t.Errorf("%q: exit %d stdout %q stderr %q, want 2 and %q", tc.args, code, out, stderr, tc.want)
		}
	}
}

// Bad input exits 1 with one line naming the file and what is wrong in plain words —
// never the OTLP decoder's internals (function names, "error found in #10 byte").
func TestBadInputPlainWords(t *testing.T) {
	dir := t.TempDir()
	whole, err := os.ReadFile(filepath.Join(capturesDir, "vercel-ai-v5-error-500.json"))
	if err != nil {
		t.Fatal(err)
	}
	badID := bytes.Replace(whole, []byte(`"traceId":"`), []byte(`"traceId":"zz`), 1)
	if bytes.Equal(badID, whole) {
		t.Fatal("capture has no traceId to corrupt")
	}
	for _, tc := range []struct {
		name, body, want string
	}{
		{"truncated.json", string(whole[:300]), "the JSON ends early at line 1, column 301 (300 bytes): the file looks truncated"},
		{"syntax.json", "{\n  \"resourceSpans\": [,]\n}", "not valid JSON at line 2, column 21: invalid character ','"},
		{"wrongtype.json", `{"resourceSpans":[{"scopeSpans":[{"spans":[{"name":3}]}]}]}`, "resourceSpans.scopeSpans.spans.name at line 1, column 52 is a JSON number, want a string"},
		{"array.json", `[]`, "the document is a JSON array, want an object"},
		{"empty.json", "  \n", "the input is empty"},
		{"badid.json", string(badID), "a traceId, spanId or parentSpanId is not 32 (trace) or 16 (span) hex digits"},
		{"badtime.json", `{"resourceSpans":[{"scopeSpans":[{"spans":[{"startTimeUnixNano":"abc"}]}]}]}`, `a time or number field is not an integer: parsing "abc"`},
	} {
		p := filepath.Join(dir, tc.name)
		if err := os.WriteFile(p, []byte(tc.body), 0o644); err != nil {
			t.Fatal(err)
		}
		out, stderr, code := runMap(t, p)
		want := "llmtrace map: " + p + ": " + tc.want
		if code != 1 || out != "" || strings.Count(stderr, "\n") != 1 || !strings.HasPrefix(stderr, want) {
			t.Errorf("%s: exit %d stdout %q stderr %q, want 1 and %q", tc.name, code, out, stderr, want)
		}
		for _, internal := range []string{"error found in", "ReadObject", "readString", "SlowPath", "Iter", "bigger context"} {
			if strings.Contains(stderr, internal) {
				t.Errorf("%s: stderr shows parser internals %q: %s", tc.name, internal, stderr)
			}
		}
	}
	if _, stderr, code := runMap(t, filepath.Join(dir, "missing.json")); code != 1 ||
		stderr != "llmtrace map: "+filepath.Join(dir, "missing.json")+": no such file\n" {
		t.Errorf("missing file: exit %d %q", code, stderr)
	}
}
