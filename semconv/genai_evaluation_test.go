package semconv

import (
	"testing"

	otel "go.opentelemetry.io/otel/semconv/v1.41.0"
)

// The evaluation keys match go.opentelemetry.io/otel/semconv/v1.41.0.
func TestEvaluationKeysMatchOTel(t *testing.T) {
	for _, p := range []struct{ ours, theirs string }{
		{GenAIEvaluationName, string(otel.GenAIEvaluationNameKey)},
		{GenAIEvaluationScoreValue, string(otel.GenAIEvaluationScoreValueKey)},
		{GenAIEvaluationScoreLabel, string(otel.GenAIEvaluationScoreLabelKey)},
		{GenAIEvaluationExplanation, string(otel.GenAIEvaluationExplanationKey)},
	} {
		if p.ours != p.theirs {
			t.Errorf("%q, want %q", p.ours, p.theirs)
		}
	}
}
