package mapping

// What the external tests (package mapping_test: logs_join_test.go, which drives the log
// join of internal/tracestate) take from the internal test helpers.

// WeatherChatSpan and WeatherRecords: logs_shapes_literal_test.go; WantJSON:
// shapes_literal_test.go.
func WeatherChatSpan() SpanView   { return weatherChatSpan() }
func WeatherRecords() []LogRecord { return weatherRecords() }

var WantJSON = wantJSON

// EvalChatSpan is a chat span (span 4 under 1) and EvalRecord a gen_ai.evaluation.result
// record of it (semconv gen-ai-events.md v1.41).
func EvalChatSpan() SpanView {
	return newSpan(4, 1, "chat gpt-4o-mini", str("gen_ai.operation.name", "chat"), str("gen_ai.provider.name", "openai"),
		str("gen_ai.request.model", "gpt-4o-mini"), num("gen_ai.usage.input_tokens", 42), num("gen_ai.usage.output_tokens", 17))
}

func EvalRecord() LogRecord {
	return logRec(4, "gen_ai.evaluation.result", Value{}, str("gen_ai.evaluation.name", "Relevance"),
		kv{"gen_ai.evaluation.score.value", DoubleValue(0.85)}, str("gen_ai.evaluation.score.label", "relevant"),
		str("gen_ai.evaluation.explanation", "Answers the question."))
}
