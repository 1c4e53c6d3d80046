package mapping

import "github.com/llmtrace/llmtrace/platform"

// What FuzzToolCalls (toolcalls_fuzz_test.go, package mapping_test, beside the captures'
// reader) takes from toolcalls_test.go.

// ToolCallsDiff compares the tool-call reader with encoding/json on doc (toolCallsDiff).
func ToolCallsDiff(doc []byte) string { return toolCallsDiff(doc) }

// ToolCallsCases are the documents of toolCallsCases.
func ToolCallsCases() []string {
	docs := make([]string, len(toolCallsCases))
	for i, c := range toolCallsCases {
		docs[i] = c.doc
	}
	return docs
}

// EventToolCalls, OracleEventToolCalls, NoArguments and OracleNoArguments:
// BenchmarkToolCalls (toolcalls_fuzz_test.go).
func EventToolCalls(ev *platform.TraceEvent) int       { return len(eventToolCalls(ev, nil)) }
func OracleEventToolCalls(ev *platform.TraceEvent) int { return len(oracleEventToolCalls(ev, nil)) }
func NoArguments(in []byte) bool                       { return noArguments(in) }
func OracleNoArguments(in []byte) bool                 { return oracleNoArguments(in) }
