// Command llmtrace previews what OpenTelemetry spans become on the platform.
//
//	llmtrace map [--pretty] [file|-]
//
// reads one OTLP JSON traces document (a file, or stdin when the argument is "-" or absent)
// and prints the request body the platform would receive, {"traces":[…]}: the same bytes
// the Client sends, otelbridge.Batch.AppendJSON (indented with --pretty). Bad input exits 1 with a
// one-line reason on stderr; bad usage exits 2.
package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/llmtrace/llmtrace/internal/pdataview"
	"github.com/llmtrace/llmtrace/otelbridge"
)

func main() { os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr)) }

const usage = "usage: llmtrace map [--pretty] [--omit-content] [file|-]"

// run is the whole command; it returns the exit code.
func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] != "map" {
		fmt.Fprintln(stderr, usage)
		return 2
	}
	fs := flag.NewFlagSet("map", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	pretty := fs.Bool("pretty", false, "indent the JSON output")
	omit := fs.Bool("omit-content", false, "drop message content, tool arguments and results")
	if err := fs.Parse(args[1:]); err != nil {
		fmt.Fprintln(stderr, "llmtrace map: "+err.Error()+"; "+usage)
		return 2
	}
	if fs.NArg() > 1 {
		fmt.Fprintln(stderr, "llmtrace map: one input file at most; "+usage)
		return 2
	}
	in, name := stdin, "stdin"
	if p := fs.Arg(0); p != "" && p != "-" {
		f, err := os.Open(p)
		if err != nil {
			fmt.Fprintln(stderr, "llmtrace map: "+oneLine(err.Error()))
			return 1
		}
		defer f.Close()
		in, name = f, p
	}
	body, err := mapOTLP(in, *omit)
	if err != nil {
		fmt.Fprintf(stderr, "llmtrace map: %s: %s\n", name, oneLine(err.Error()))
		return 1
	}
	if *pretty {
		var buf bytes.Buffer
		if err := json.Indent(&buf, body, "", "  "); err != nil {
			fmt.Fprintln(stderr, "llmtrace map: "+oneLine(err.Error()))
			return 1
		}
		body = buf.Bytes()
	}
	body = append(body, '\n')
	if _, err := stdout.Write(body); err != nil {
		fmt.Fprintln(stderr, "llmtrace map: writing output: "+oneLine(err.Error()))
		return 1
	}
	return 0
}

// mapOTLP reads OTLP JSON and returns the request body, (*otelbridge.Batch).AppendJSON.
func mapOTLP(r io.Reader, omitContent bool) ([]byte, error) {
	td, err := pdataview.ReadOTLPJSON(r)
	if err != nil {
		return nil, err
	}
	events, err := otelbridge.NewMapper(otelbridge.MapOptions{OmitContent: omitContent}).Map(pdataview.Spans(td))
	if err != nil {
		return nil, err
	}
	if events == nil {
		events = []otelbridge.TraceEvent{}
	}
	b, err := (&otelbridge.Batch{Traces: events}).AppendJSON(nil)
	if err != nil {
		return nil, errors.New("encoding events: " + err.Error())
	}
	return b, nil
}

func oneLine(s string) string { return strings.ReplaceAll(s, "\n", " ") }
