package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strings"

	"github.com/llmtrace/llmtrace/internal/mapping"
	"github.com/llmtrace/llmtrace/internal/pdataview"
	"github.com/llmtrace/llmtrace/internal/tracestate"
	"github.com/llmtrace/llmtrace/platform"
	"go.opentelemetry.io/collector/pdata/plog"
	"go.opentelemetry.io/collector/pdata/ptrace"
)

// mapOTLP reads OTLP JSON — one document holding resourceSpans, resourceLogs or both, or
// JSON lines (one such document per line, as the collector's file exporter writes) — and
// returns the request body, (*platform.Batch).AppendJSON. Spans and gen_ai log records are
// joined in one pass, as the collector joins them whatever their order of arrival: the
// records first (they wait for their spans), then the spans (each event carries its
// records' content), then the records whose span is not in the input, each an event on its
// own (internal/tracestate State.MapLogs, FlushLogs). Its errors are plain words for a person: where
// the JSON breaks (line and column), which field has the wrong type, or what the document
// lacks.
func mapOTLP(r io.Reader, omitContent bool) ([]byte, error) {
	b, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("reading: %w", err)
	}
	docs, err := splitDocuments(b)
	if err != nil {
		return nil, err
	}
	td, ld := ptrace.NewTraces(), plog.NewLogs()
	for _, d := range docs {
		if err := checkJSON(d.b); err != nil {
			return nil, d.wrap(err)
		}
		t, l, err := readDocument(d.b)
		if err != nil {
			return nil, d.wrap(err)
		}
		t.ResourceSpans().MoveAndAppendTo(td.ResourceSpans())
		l.ResourceLogs().MoveAndAppendTo(ld.ResourceLogs())
	}
	m := tracestate.New(tracestate.Options{Map: mapping.MapOptions{OmitContent: omitContent}})
	var events []platform.TraceEvent
	if ld.LogRecordCount() > 0 {
		events = append(events, m.MapLogs(pdataview.Logs(ld)).Events...)
	}
	events = append(events, m.Map(pdataview.Spans(td))...)
	events = append(events, m.FlushLogs()...)
	if events == nil {
		events = []platform.TraceEvent{}
	}
	// What the Client would check before sending: an event it would reject is an error here.
	for i := range events {
		if err := events[i].Validate(); err != nil {
			return nil, err
		}
	}
	out, err := (&platform.Batch{Traces: events}).AppendJSON(nil)
	if err != nil {
		return nil, errors.New("encoding events: " + err.Error())
	}
	return out, nil
}

// document is one OTLP JSON document of the input and where it starts.
type document struct {
	b    []byte
	line int // 1-based line of its first byte; 0 when the input is one document
}

// wrap names the document's line in err when the input holds several.
func (d document) wrap(err error) error {
	if d.line == 0 {
		return err
	}
	return fmt.Errorf("the document at line %d: %w", d.line, err)
}

// splitDocuments returns the JSON values of b: b itself when it holds one value (or is not
// JSON: checkJSON then says where it breaks), else each value of a JSON-lines input.
func splitDocuments(b []byte) ([]document, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	var first json.RawMessage
	if dec.Decode(&first) != nil || !dec.More() && len(bytes.TrimSpace(b[dec.InputOffset():])) == 0 {
		return []document{{b: b}}, nil
	}
	var docs []document
	dec = json.NewDecoder(bytes.NewReader(b))
	start := 0
	for {
		off := start + len(b[start:]) - len(bytes.TrimLeft(b[start:], " \t\r\n"))
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			if errors.Is(err, io.EOF) {
				return docs, nil
			}
			// Name the document's line; checkJSON says where in it the JSON breaks.
			line, _ := position(b, off)
			rest := b[off:]
			if nl := bytes.IndexByte(rest, '\n'); nl >= 0 {
				rest = rest[:nl]
			}
			d := document{b: rest, line: line}
			if cerr := checkJSON(rest); cerr != nil {
				return nil, d.wrap(cerr)
			}
			return nil, d.wrap(errors.New(strings.TrimPrefix(err.Error(), "json: ")))
		}
		end := int(dec.InputOffset())
		line, _ := position(b, off)
		docs = append(docs, document{b: b[off:end], line: line})
		start = end
	}
}

// readDocument decodes one OTLP JSON document holding resourceSpans, resourceLogs or both.
func readDocument(b []byte) (ptrace.Traces, plog.Logs, error) {
	hasSpans := bytes.Contains(b, []byte(`"resourceSpans"`)) || bytes.Contains(b, []byte(`"resource_spans"`))
	hasLogs := bytes.Contains(b, []byte(`"resourceLogs"`)) || bytes.Contains(b, []byte(`"resource_logs"`))
	if !hasSpans && !hasLogs {
		return ptrace.Traces{}, plog.Logs{}, errors.New("not an OTLP JSON traces or logs document (no resourceSpans or resourceLogs)")
	}
	td, ld := ptrace.NewTraces(), plog.NewLogs()
	if hasSpans {
		t, err := pdataview.ReadOTLPJSON(bytes.NewReader(b))
		if err != nil {
			return td, ld, errors.New(plainOTLPError(err.Error()))
		}
		td = t
	}
	if hasLogs {
		l, err := (&plog.JSONUnmarshaler{}).UnmarshalLogs(b)
		if err != nil {
			return td, ld, errors.New(plainOTLPError(oneLine(err.Error())))
		}
		ld = l
	}
	return td, ld, nil
}

// checkJSON reports, in plain words with a line and column, why b is not one JSON object
// shaped like an OTLP traces document as far as encoding/json can tell: empty, truncated,
// a syntax error, or a value of the wrong JSON type at a named field. The OTLP-specific
// checks (IDs, enums) are left to the OTLP decoder.
func checkJSON(b []byte) error {
	trimmed := bytes.TrimSpace(b)
	if len(trimmed) == 0 {
		return errors.New("the input is empty: want an OTLP JSON traces document {\"resourceSpans\": [...]}")
	}
	var doc otlpShape
	err := json.Unmarshal(b, &doc)
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case err == nil:
	case errors.Is(err, io.ErrUnexpectedEOF) || (errors.As(err, &se) && se.Offset >= int64(len(trimmed)) && strings.Contains(se.Error(), "end of JSON input")):
		line, col := position(b, len(bytes.TrimRight(b, " \t\r\n")))
		return fmt.Errorf("the JSON ends early at line %d, column %d (%d bytes): the file looks truncated", line, col, len(b))
	case errors.As(err, &se):
		line, col := position(b, int(se.Offset)-1)
		return fmt.Errorf("not valid JSON at line %d, column %d: %s", line, col, strings.TrimPrefix(se.Error(), "json: "))
	case errors.As(err, &te):
		line, col := position(b, int(te.Offset)-1)
		if te.Field == "" {
			return fmt.Errorf("the document is a JSON %s, want an object {\"resourceSpans\": [...]}", te.Value)
		}
		return fmt.Errorf("%s at line %d, column %d is a JSON %s, want %s", te.Field, line, col, te.Value, jsonTypeName(te.Type.String()))
	default:
		return errors.New(strings.TrimPrefix(err.Error(), "json: "))
	}
	return nil
}

// otlpShape mirrors the parts of OTLP JSON (opentelemetry-proto, ExportTraceServiceRequest)
// whose JSON types are fixed, so a wrong type is reported with its field path.
type otlpShape struct {
	ResourceLogs []struct {
		ScopeLogs []struct {
			LogRecords []struct {
				TraceID    string `json:"traceId"`
				SpanID     string `json:"spanId"`
				EventName  string `json:"eventName"`
				Attributes []struct {
					Key string `json:"key"`
				} `json:"attributes"`
			} `json:"logRecords"`
		} `json:"scopeLogs"`
	} `json:"resourceLogs"`
	ResourceSpans []struct {
		ScopeSpans []struct {
			Spans []struct {
				TraceID      string `json:"traceId"`
				SpanID       string `json:"spanId"`
				ParentSpanID string `json:"parentSpanId"`
				Name         string `json:"name"`
				Attributes   []struct {
					Key string `json:"key"`
				} `json:"attributes"`
			} `json:"spans"`
		} `json:"scopeSpans"`
	} `json:"resourceSpans"`
}

// jsonTypeName names a Go type as the JSON it stands for.
func jsonTypeName(goType string) string {
	switch {
	case goType == "string":
		return "a string"
	case strings.HasPrefix(goType, "[]"):
		return "an array"
	case strings.HasPrefix(goType, "struct"):
		return "an object"
	default:
		return goType
	}
}

// position turns a byte offset into a 1-based line and column (in bytes).
func position(b []byte, off int) (line, col int) {
	if off < 0 {
		off = 0
	}
	if off > len(b) {
		off = len(b)
	}
	line = 1 + bytes.Count(b[:off], []byte("\n"))
	col = off - bytes.LastIndexByte(b[:off], '\n')
	return line, col
}

// jsoniterDetail matches the parser-internal tail of the OTLP decoder's errors:
// ", error found in #10 byte of ...|…|..., bigger context ...|…|...".
var jsoniterDetail = regexp.MustCompile(`, error found in #\d+ byte of .*$`)

// jsoniterFunc matches the decoder function that leads its messages ("ReadObjectCB: ",
// "ID.UnmarshalJSONIter: ").
var jsoniterFunc = regexp.MustCompile(`(^|: )[A-Za-z][A-Za-z0-9]*(\.[A-Za-z][A-Za-z0-9]*)?: `)

// plainOTLPError turns the OTLP decoder's message into plain words: parser internals
// dropped, the known cases named.
func plainOTLPError(msg string) string {
	msg = strings.TrimPrefix(msg, "invalid or truncated OTLP JSON: ")
	msg = jsoniterDetail.ReplaceAllString(msg, "")
	for {
		next := jsoniterFunc.ReplaceAllString(msg, "$1")
		if next == msg {
			break
		}
		msg = next
	}
	switch {
	case strings.Contains(msg, "length mismatch"):
		return "a traceId, spanId or parentSpanId is not 32 (trace) or 16 (span) hex digits: " + msg
	case strings.Contains(msg, "ParseUint") || strings.Contains(msg, "parsing"):
		return "a time or number field is not an integer: " + msg
	}
	return msg
}
