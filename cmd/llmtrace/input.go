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
	"github.com/llmtrace/llmtrace/platform"
)

// mapOTLP reads OTLP JSON and returns the request body, (*platform.Batch).AppendJSON.
// Its errors are plain words for a person: where the JSON breaks (line and column), which
// field has the wrong type, or what the document lacks.
func mapOTLP(r io.Reader, omitContent bool) ([]byte, error) {
	b, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("reading: %w", err)
	}
	if err := checkJSON(b); err != nil {
		return nil, err
	}
	td, err := pdataview.ReadOTLPJSON(bytes.NewReader(b))
	if err != nil {
		return nil, errors.New(plainOTLPError(err.Error()))
	}
	events := mapping.NewMapper(mapping.MapOptions{OmitContent: omitContent}).Map(pdataview.Spans(td))
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
