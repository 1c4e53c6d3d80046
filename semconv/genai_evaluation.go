package semconv

// The evaluation event of the gen_ai conventions (gen-ai-events.md v1.41,
// "gen_ai.evaluation.result"): the result of evaluating a GenAI operation's output, parented
// to the span of the operation evaluated (or naming its gen_ai.response.id). It can be a
// span event or a log record.
const (
	EventEvaluationResult = "gen_ai.evaluation.result"
	// GenAIEvaluationName names the metric or evaluator ("Relevance", "IntentResolution").
	GenAIEvaluationName = "gen_ai.evaluation.name"
	// GenAIEvaluationScoreValue is the score (double, its range the evaluator's).
	GenAIEvaluationScoreValue = "gen_ai.evaluation.score.value"
	// GenAIEvaluationScoreLabel is the score as a label ("relevant", "pass", "fail").
	GenAIEvaluationScoreLabel = "gen_ai.evaluation.score.label"
	// GenAIEvaluationExplanation is the evaluator's free-form explanation.
	GenAIEvaluationExplanation = "gen_ai.evaluation.explanation"
)
