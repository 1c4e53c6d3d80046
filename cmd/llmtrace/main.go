// Command llmtrace previews what OpenTelemetry spans become on the platform.
//
// Usage:
//
//	llmtrace <command> [flags] [arguments]
//	llmtrace help [command]
//
// Commands:
//
//	map [--pretty] [--omit-content] [file|-]
//	fakellm [-addr host:port]
//	version
//
// map reads OTLP JSON (a file, or stdin when the argument is "-" or absent): one document
// holding resourceSpans, resourceLogs or both, or JSON lines of such documents (the
// collector file exporter's output); it joins gen_ai log records onto the spans they name
// and prints the request body the platform would receive, {"traces":[…]}: the same bytes
// the Client sends, platform.Batch.AppendJSON (indented with --pretty).
//
// fakellm serves fake LLM provider APIs on loopback (internal/fakellm's Responder: every
// provider of fakellm.Providers) until interrupted, printing each provider's base URL.
// version prints the binary's version from its build information and platform.Version.
//
// Exit codes: 0 success (help included); 1 bad input (a file that cannot be read, is not
// JSON, or is not an OTLP traces document; fakellm: the address cannot be listened on),
// with one line on stderr naming the file and what is wrong; 2 bad usage (unknown command
// or flag, too many arguments), with the usage on stderr.
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
)

func main() { os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr)) }

// Exit codes (documented in the package comment and in `llmtrace help`).
const (
	exitOK       = 0
	exitBadInput = 1
	exitUsage    = 2
)

const mainUsage = `llmtrace previews what OpenTelemetry spans become on the llmtrace platform.

Usage:
  llmtrace <command> [flags] [arguments]

Commands:
  map      map an OTLP JSON traces document to the platform's request body
  fakellm  serve fake LLM provider APIs (OpenAI, Anthropic, …) on 127.0.0.1:8788, no key needed
  version  print the version of this binary
  help     show this help, or a command's help: llmtrace help map

Flags:
  -h, --help   show this help

Exit codes:
  0  success
  1  bad input: the file cannot be read, is not JSON, or is not an OTLP traces document;
     fakellm: the address cannot be listened on
  2  bad usage: unknown command or flag, too many arguments
`

// run is the whole command; it returns the exit code.
func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, mainUsage)
		return exitUsage
	}
	switch cmd := args[0]; cmd {
	case "-h", "-help", "--help":
		fmt.Fprint(stdout, mainUsage)
		return exitOK
	case "help":
		switch {
		case len(args) == 1:
			fmt.Fprint(stdout, mainUsage)
			return exitOK
		case len(args) == 2 && args[1] == "map":
			mapFlags(stdout)
			return exitOK
		case len(args) == 2 && args[1] == "fakellm":
			fakellmFlags(stdout)
			return exitOK
		case len(args) == 2 && args[1] == "version":
			fmt.Fprint(stdout, versionUsage)
			return exitOK
		default:
			fmt.Fprintf(stderr, "llmtrace help: unknown command %q\n\n%s", strings.Join(args[1:], " "), mainUsage)
			return exitUsage
		}
	case "map":
		return mapCommand(args[1:], stdin, stdout, stderr)
	case "fakellm":
		return fakellmMain(args[1:], stdout, stderr)
	case "version", "-version", "--version":
		return versionCommand(args[1:], stdout, stderr)
	default:
		fmt.Fprintf(stderr, "llmtrace: unknown command %q\n\n%s", cmd, mainUsage)
		return exitUsage
	}
}

// mapOptions are the flags of `llmtrace map`.
type mapOptions struct {
	pretty, omitContent bool
}

// mapFlags defines the flags of `llmtrace map` on a new FlagSet whose usage text goes to w.
func mapFlags(w io.Writer) (*flag.FlagSet, *mapOptions) {
	var o mapOptions
	fs := flag.NewFlagSet("map", flag.ContinueOnError)
	fs.SetOutput(w)
	fs.BoolVar(&o.pretty, "pretty", false, "indent the JSON output (two spaces)")
	fs.BoolVar(&o.omitContent, "omit-content", false,
		"drop message content, tool arguments and tool results (input and output); usage, model and timing stay")
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), `Usage: llmtrace map [--pretty] [--omit-content] [file|-]

Reads OTLP JSON from file, or from stdin when file is "-" or absent: one document holding
resourceSpans (ExportTraceServiceRequest), resourceLogs (ExportLogsServiceRequest) or both,
as an OTLP/HTTP JSON exporter writes them, or JSON lines of such documents, as the
collector's file exporter writes them. gen_ai log records (the prompts and answers of the
official GenAI instrumentations) join the spans they name; a record whose span is not in
the input becomes an event of its own. Prints the platform request body
{"traces": [TraceEvent, ...]} that llmtrace would send: the same bytes, one line
(indented with --pretty).

Flags:
`)
		fs.PrintDefaults()
		fmt.Fprint(fs.Output(), `  -h, --help
    	show this help

Exit codes: 0 success, 1 bad input (named on stderr), 2 bad usage.
`)
	}
	if w != nil {
		// Called as `llmtrace help map`: print the help now.
		fs.Usage()
	}
	return fs, &o
}

// parseFlags parses args with fs. -h / --help prints the usage on stdout (exitOK); a bad flag
// prints the flag package's message ("flag provided but not defined: -x") and the usage on
// stderr (exitUsage); ok is false in both cases.
func parseFlags(fs *flag.FlagSet, args []string, stdout, stderr io.Writer) (code int, ok bool) {
	var usageErr bytes.Buffer
	fs.SetOutput(&usageErr)
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fs.SetOutput(stdout)
			fs.Usage()
			return exitOK, false
		}
		stderr.Write(usageErr.Bytes())
		return exitUsage, false
	}
	return exitOK, true
}

// mapCommand is `llmtrace map [flags] [file|-]`.
func mapCommand(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs, opts := mapFlags(nil)
	if code, ok := parseFlags(fs, args, stdout, stderr); !ok {
		return code
	}
	if fs.NArg() > 1 {
		fmt.Fprintf(stderr, "llmtrace map: one input file at most, got %d: %q\n", fs.NArg(), fs.Args())
		fs.SetOutput(stderr)
		fs.Usage()
		return exitUsage
	}
	in, name := stdin, "stdin"
	if p := fs.Arg(0); p != "" && p != "-" {
		f, err := os.Open(p)
		if err != nil {
			fmt.Fprintln(stderr, "llmtrace map: "+openError(p, err))
			return exitBadInput
		}
		defer f.Close()
		in, name = f, p
	}
	body, err := mapOTLP(in, opts.omitContent)
	if err != nil {
		fmt.Fprintf(stderr, "llmtrace map: %s: %s\n", name, oneLine(err.Error()))
		return exitBadInput
	}
	if opts.pretty {
		var buf bytes.Buffer
		if err := json.Indent(&buf, body, "", "  "); err != nil {
			fmt.Fprintln(stderr, "llmtrace map: indenting output: "+oneLine(err.Error()))
			return exitBadInput
		}
		body = buf.Bytes()
	}
	body = append(body, '\n')
	if _, err := stdout.Write(body); err != nil {
		fmt.Fprintln(stderr, "llmtrace map: writing output: "+oneLine(err.Error()))
		return exitBadInput
	}
	return exitOK
}

// openError says why a file cannot be opened, in plain words, naming it.
func openError(path string, err error) string {
	switch {
	case errors.Is(err, os.ErrNotExist):
		return path + ": no such file"
	case errors.Is(err, os.ErrPermission):
		return path + ": permission denied"
	default:
		return oneLine(err.Error())
	}
}

func oneLine(s string) string { return strings.ReplaceAll(s, "\n", " ") }
