package main

import (
	"bytes"
	"errors"
	"fmt"

	"github.com/go-json-experiment/json/jsontext"
)

// errOTLP says a JSON body is an OTLP ExportTraceServiceRequest (it has "resourceSpans"),
// not a platform batch.
var errOTLP = errors.New("an OTLP JSON request")

// batch is what the sink read of one platform request body, {"traces": [TraceEvent, ...]}
// (docs/platform-api.md "Request").
type batch struct {
	keys     [][32]byte  // the accepted events' traceId ‖ spanId, in order
	rejected []rejection // events without a UUID traceId / spanId
}

type rejection struct {
	Index int    `json:"index"`
	Error string `json:"error"`
}

// reply is the platform's answer to the batch (docs/platform-api.md "Response").
func (b batch) reply() any {
	if len(b.rejected) == 0 {
		return struct {
			Accepted int `json:"accepted"`
		}{len(b.keys)}
	}
	return struct {
		Accepted int         `json:"accepted"`
		Rejected []rejection `json:"rejected"`
	}{len(b.keys), b.rejected}
}

// parseBatch reads a platform request body in one pass with a streaming tokenizer: of each
// event only traceId and spanId are read, every other value is skipped (still checked to be
// valid JSON). A body whose top level has "resourceSpans" returns errOTLP.
func parseBatch(body []byte) (batch, error) {
	var b batch
	d := jsontext.NewDecoder(bytes.NewReader(body))
	if tok, err := d.ReadToken(); err != nil || tok.Kind() != '{' {
		return b, fmt.Errorf("the body is not a JSON object: %v", errOr(err, tok.Kind()))
	}
	for d.PeekKind() == '"' {
		name, err := d.ReadToken()
		if err != nil {
			return b, err
		}
		switch name.String() {
		case "resourceSpans":
			return b, errOTLP
		case "traces":
			if err := b.readEvents(d); err != nil {
				return b, fmt.Errorf("traces: %w", err)
			}
		default:
			if err := d.SkipValue(); err != nil {
				return b, err
			}
		}
	}
	if _, err := d.ReadToken(); err != nil { // the closing '}'
		return b, err
	}
	return b, nil
}

func (b *batch) readEvents(d *jsontext.Decoder) error {
	if tok, err := d.ReadToken(); err != nil || tok.Kind() != '[' {
		return fmt.Errorf("not an array: %v", errOr(err, tok.Kind()))
	}
	for i := 0; d.PeekKind() != ']'; i++ {
		if d.PeekKind() == 0 { // end of input or a syntax error: ReadToken says which
			_, err := d.ReadToken()
			return err
		}
		if d.PeekKind() != '{' {
			if err := d.SkipValue(); err != nil {
				return err
			}
			b.rejected = append(b.rejected, rejection{i, "the event is not a JSON object"})
			continue
		}
		traceID, spanID, err := readIDs(d)
		if err != nil {
			return err
		}
		k, err := eventKey(traceID, spanID)
		if err != nil {
			b.rejected = append(b.rejected, rejection{i, err.Error()})
			continue
		}
		b.keys = append(b.keys, k)
	}
	_, err := d.ReadToken() // the closing ']'
	return err
}

// readIDs reads one event object and returns its traceId and spanId strings ("" when absent).
func readIDs(d *jsontext.Decoder) (traceID, spanID string, err error) {
	if _, err := d.ReadToken(); err != nil { // '{'
		return "", "", err
	}
	for d.PeekKind() == '"' {
		name, err := d.ReadToken()
		if err != nil {
			return "", "", err
		}
		switch n := name.String(); {
		case (n == "traceId" || n == "spanId") && d.PeekKind() == '"':
			v, err := d.ReadToken()
			if err != nil {
				return "", "", err
			}
			if n == "traceId" {
				traceID = v.String()
			} else {
				spanID = v.String()
			}
		default:
			if err := d.SkipValue(); err != nil {
				return "", "", err
			}
		}
	}
	_, err = d.ReadToken() // '}'
	return traceID, spanID, err
}

func errOr(err error, k jsontext.Kind) any {
	if err != nil {
		return err
	}
	return "starts with " + k.String()
}
