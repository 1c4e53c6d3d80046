package semconv

import (
	"testing"

	otel "go.opentelemetry.io/otel/semconv/v1.41.0"
)

// TestClientKeysMatchOTel checks the client-instrumentation keys and values against
// go.opentelemetry.io/otel/semconv/v1.41.0.
func TestClientKeysMatchOTel(t *testing.T) {
	pairs := []struct{ ours, theirs string }{
		{OpenAIAPIType, string(otel.OpenAIAPITypeKey)},
		{OpenAIRequestServiceTier, string(otel.OpenAIRequestServiceTierKey)},
		{OpenAIResponseServiceTier, string(otel.OpenAIResponseServiceTierKey)},
		{OpenAIResponseSystemFingerprint, string(otel.OpenAIResponseSystemFingerprintKey)},
		{OpenAIAPITypeChatCompletions, otel.OpenAIAPITypeChatCompletions.Value.AsString()},
		{OpenAIAPITypeResponses, otel.OpenAIAPITypeResponses.Value.AsString()},
		{OutputTypeText, otel.GenAIOutputTypeText.Value.AsString()},
		{OutputTypeJSON, otel.GenAIOutputTypeJSON.Value.AsString()},
		{OutputTypeImage, otel.GenAIOutputTypeImage.Value.AsString()},
		{ErrorTypeOther, otel.ErrorTypeOther.Value.AsString()},
	}
	for _, p := range pairs {
		if p.ours != p.theirs {
			t.Errorf("ours %q, semconv v1.41.0 %q", p.ours, p.theirs)
		}
	}
}
