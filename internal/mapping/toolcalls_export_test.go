package mapping

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
