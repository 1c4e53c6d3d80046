// Package contract is the platform's side of the wire contract (docs/platform-api.md): the
// strict reading of one serialized TraceEvent that llmtrace-devserver (internal/devserver)
// and the test platform (internal/platformtest) apply to every event they receive. Senders
// use platform.TraceEvent.Validate; only receivers decode.
package contract

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/llmtrace/llmtrace/platform"
)

// DecodeEvent parses one serialized TraceEvent strictly and validates it: the platform's
// (and llmtrace-devserver's) reading of an event. Unknown keys, wrongly typed values
// (a fractional or string token count, an unparsable time), a missing required key and an
// event over platform.MaxEventBytes each give a *platform.ValidationError (Index -1) naming the field.
func DecodeEvent(raw []byte) (platform.TraceEvent, error) {
	var ev platform.TraceEvent
	if len(raw) > platform.MaxEventBytes {
		return ev, &platform.ValidationError{Index: -1, Field: "(event)", Reason: fmt.Sprintf("%d bytes serialized, over the %d byte limit", len(raw), platform.MaxEventBytes)}
	}
	trimmed := bytes.TrimSpace(raw)
	if len(trimmed) == 0 || trimmed[0] != '{' {
		return ev, &platform.ValidationError{Index: -1, Field: "(event)", Reason: "not a JSON object"}
	}
	dec := json.NewDecoder(bytes.NewReader(trimmed))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&ev); err != nil {
		return ev, &platform.ValidationError{Index: -1, SpanID: ev.SpanID, Field: jsonErrorField(err), Reason: jsonErrorReason(err)}
	}
	// Required keys that the zero value cannot tell apart from absent ones.
	var present map[string]json.RawMessage
	if err := json.Unmarshal(trimmed, &present); err == nil {
		for _, k := range []string{"traceId", "spanId", "threadId", "name", "type", "startTime"} {
			if v, ok := present[k]; !ok || string(v) == "null" {
				return ev, &platform.ValidationError{Index: -1, SpanID: ev.SpanID, Field: k, Reason: "missing (required)"}
			}
		}
	}
	return ev, ev.Validate()
}

func jsonErrorField(err error) string {
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) && te.Field != "" {
		return te.Field
	}
	var pe *time.ParseError
	if errors.As(err, &pe) {
		return "startTime/endTime"
	}
	if s := err.Error(); strings.HasPrefix(s, "json: unknown field ") {
		return strings.Trim(strings.TrimPrefix(s, "json: unknown field "), `"`)
	}
	return "(event)"
}

func jsonErrorReason(err error) string {
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		return fmt.Sprintf("%s is not a valid %s", te.Value, te.Type)
	}
	var pe *time.ParseError
	if errors.As(err, &pe) {
		return "not an RFC 3339 time: " + pe.Value
	}
	if strings.HasPrefix(err.Error(), "json: unknown field ") {
		return "unknown key"
	}
	return err.Error()
}
