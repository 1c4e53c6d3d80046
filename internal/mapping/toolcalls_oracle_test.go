package mapping

import (
	"bytes"
	"encoding/json"

	"github.com/llmtrace/llmtrace/platform"
)

// The oracle: eventToolCalls, appendCalls and noArguments as toolargs.go had them at
// 086c3fa, decoding with encoding/json. The reader that replaced them (toolcalls_read.go)
// must give exactly their results on every input: FuzzToolCalls (toolcalls_fuzz_test.go)
// and the tests of toolcalls_test.go compare the two.

// oracleToolCall is a tool call as encoding/json decoded it.
type oracleToolCall struct {
	ID        string          `json:"id"`
	Name      string          `json:"name"`
	Arguments json.RawMessage `json:"arguments"`
}

func oracleEventToolCalls(ev *platform.TraceEvent, dst []toolCallRec) []toolCallRec {
	if containsAt(ev.Output, toolCallsKey, 5) {
		dst = oracleOutputCalls(ev.Output, dst)
	}
	if containsAt(ev.Input, toolCallsKey, 5) {
		dst = oracleInputCalls(ev.Input, dst)
	}
	return dst
}

// oracleOutputCalls and oracleInputCalls are the two decodes of oracleEventToolCalls
// without the containsAt gate in front of them.
func oracleOutputCalls(doc []byte, dst []toolCallRec) []toolCallRec {
	var out struct {
		ToolCalls []oracleToolCall `json:"tool_calls"`
	}
	if json.Unmarshal(doc, &out) == nil {
		dst = oracleAppendCalls(dst, out.ToolCalls)
	}
	return dst
}

func oracleInputCalls(doc []byte, dst []toolCallRec) []toolCallRec {
	var in struct {
		Messages []struct {
			ToolCalls []oracleToolCall `json:"tool_calls"`
		} `json:"messages"`
	}
	if json.Unmarshal(doc, &in) == nil {
		for _, m := range in.Messages {
			dst = oracleAppendCalls(dst, m.ToolCalls)
		}
	}
	return dst
}

func oracleAppendCalls(dst []toolCallRec, calls []oracleToolCall) []toolCallRec {
	for _, c := range calls {
		if c.Name == "" && c.ID == "" {
			continue
		}
		var args []byte
		if len(c.Arguments) > 0 {
			args = []byte(c.Arguments)
			// Arguments kept as a JSON string holding JSON are the object itself.
			var s string
			if args[0] == '"' && json.Unmarshal(args, &s) == nil && json.Valid([]byte(s)) {
				args = []byte(s)
			}
		}
		dst = append(dst, toolCallRec{id: c.ID, name: c.Name, args: args})
	}
	return dst
}

func oracleNoArguments(in []byte) bool {
	in = bytes.TrimSpace(in)
	switch string(in) {
	case "", "null", `""`, "{}", "[]":
		return true
	}
	if in[0] != '{' {
		return false
	}
	var v map[string]json.RawMessage
	if json.Unmarshal(in, &v) != nil || len(v) != 2 {
		return false
	}
	a, k := string(bytes.TrimSpace(v["args"])), string(bytes.TrimSpace(v["kwargs"]))
	return a == "[]" && k == "{}"
}

// jsonValid is json.Valid.
func jsonValid(b []byte) bool { return json.Valid(b) }
