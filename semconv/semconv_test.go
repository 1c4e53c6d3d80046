package semconv

import (
	"os/exec"
	"strings"
	"testing"

	otel "go.opentelemetry.io/otel/semconv/v1.41.0"
)

// TestOfficialKeysMatchOTel checks every official key of this package against the
// constants of go.opentelemetry.io/otel/semconv/v1.41.0 (the last release with GenAI).
func TestOfficialKeysMatchOTel(t *testing.T) {
	pairs := []struct{ ours, theirs string }{
		{GenAIOperationName, string(otel.GenAIOperationNameKey)},
		{GenAIProviderName, string(otel.GenAIProviderNameKey)},
		{GenAIConversationID, string(otel.GenAIConversationIDKey)},
		{GenAIAgentID, string(otel.GenAIAgentIDKey)},
		{GenAIAgentName, string(otel.GenAIAgentNameKey)},
		{GenAIAgentDescription, string(otel.GenAIAgentDescriptionKey)},
		{GenAIAgentVersion, string(otel.GenAIAgentVersionKey)},
		{GenAIWorkflowName, string(otel.GenAIWorkflowNameKey)},
		{GenAIDataSourceID, string(otel.GenAIDataSourceIDKey)},
		{GenAIOutputType, string(otel.GenAIOutputTypeKey)},
		{GenAIPromptName, string(otel.GenAIPromptNameKey)},
		{GenAIEmbeddingsDimCount, string(otel.GenAIEmbeddingsDimensionCountKey)},
		{GenAIRequestModel, string(otel.GenAIRequestModelKey)},
		{GenAIRequestTemperature, string(otel.GenAIRequestTemperatureKey)},
		{GenAIRequestMaxTokens, string(otel.GenAIRequestMaxTokensKey)},
		{GenAIRequestTopP, string(otel.GenAIRequestTopPKey)},
		{GenAIRequestTopK, string(otel.GenAIRequestTopKKey)},
		{GenAIRequestFrequencyPen, string(otel.GenAIRequestFrequencyPenaltyKey)},
		{GenAIRequestPresencePen, string(otel.GenAIRequestPresencePenaltyKey)},
		{GenAIRequestStopSequences, string(otel.GenAIRequestStopSequencesKey)},
		{GenAIRequestSeed, string(otel.GenAIRequestSeedKey)},
		{GenAIRequestChoiceCount, string(otel.GenAIRequestChoiceCountKey)},
		{GenAIRequestStream, string(otel.GenAIRequestStreamKey)},
		{GenAIRequestEncodingFmts, string(otel.GenAIRequestEncodingFormatsKey)},
		{GenAIResponseModel, string(otel.GenAIResponseModelKey)},
		{GenAIResponseID, string(otel.GenAIResponseIDKey)},
		{GenAIResponseFinishReason, string(otel.GenAIResponseFinishReasonsKey)},
		{GenAIResponseTTFC, string(otel.GenAIResponseTimeToFirstChunkKey)},
		{GenAIUsageInputTokens, string(otel.GenAIUsageInputTokensKey)},
		{GenAIUsageOutputTokens, string(otel.GenAIUsageOutputTokensKey)},
		{GenAIUsageCacheReadInputTokens, string(otel.GenAIUsageCacheReadInputTokensKey)},
		{GenAIUsageCacheCreationTokens, string(otel.GenAIUsageCacheCreationInputTokensKey)},
		{GenAIUsageReasoningTokens, string(otel.GenAIUsageReasoningOutputTokensKey)},
		{GenAIInputMessages, string(otel.GenAIInputMessagesKey)},
		{GenAIOutputMessages, string(otel.GenAIOutputMessagesKey)},
		{GenAISystemInstructions, string(otel.GenAISystemInstructionsKey)},
		{GenAIToolDefinitions, string(otel.GenAIToolDefinitionsKey)},
		{GenAIToolName, string(otel.GenAIToolNameKey)},
		{GenAIToolType, string(otel.GenAIToolTypeKey)},
		{GenAIToolDescription, string(otel.GenAIToolDescriptionKey)},
		{GenAIToolCallID, string(otel.GenAIToolCallIDKey)},
		{GenAIToolCallArgs, string(otel.GenAIToolCallArgumentsKey)},
		{GenAIToolCallResult, string(otel.GenAIToolCallResultKey)},
		{GenAIRetrievalQueryText, string(otel.GenAIRetrievalQueryTextKey)},
		{GenAIRetrievalDocuments, string(otel.GenAIRetrievalDocumentsKey)},
		{ErrorType, string(otel.ErrorTypeKey)},
		{ExceptionType, string(otel.ExceptionTypeKey)},
		{ExceptionMessage, string(otel.ExceptionMessageKey)},
		{ExceptionStacktrace, string(otel.ExceptionStacktraceKey)},
		{ServerAddress, string(otel.ServerAddressKey)},
		{ServerPort, string(otel.ServerPortKey)},
		{UserID, string(otel.UserIDKey)},
		{SessionID, string(otel.SessionIDKey)},
		{EnduserID, string(otel.EnduserIDKey)},
		{ServiceName, string(otel.ServiceNameKey)},
		// enum values
		{OpChat, otel.GenAIOperationNameChat.Value.AsString()},
		{OpGenerateContent, otel.GenAIOperationNameGenerateContent.Value.AsString()},
		{OpTextCompletion, otel.GenAIOperationNameTextCompletion.Value.AsString()},
		{OpEmbeddings, otel.GenAIOperationNameEmbeddings.Value.AsString()},
		{OpRetrieval, otel.GenAIOperationNameRetrieval.Value.AsString()},
		{OpCreateAgent, otel.GenAIOperationNameCreateAgent.Value.AsString()},
		{OpInvokeAgent, otel.GenAIOperationNameInvokeAgent.Value.AsString()},
		{OpExecuteTool, otel.GenAIOperationNameExecuteTool.Value.AsString()},
		{OpInvokeWorkflow, otel.GenAIOperationNameInvokeWorkflow.Value.AsString()},
		{ProviderAnthropic, otel.GenAIProviderNameAnthropic.Value.AsString()},
		{ProviderAWSBedrock, otel.GenAIProviderNameAWSBedrock.Value.AsString()},
		{ProviderAzureAIInference, otel.GenAIProviderNameAzureAIInference.Value.AsString()},
		{ProviderAzureAIOpenAI, otel.GenAIProviderNameAzureAIOpenAI.Value.AsString()},
		{ProviderCohere, otel.GenAIProviderNameCohere.Value.AsString()},
		{ProviderDeepseek, otel.GenAIProviderNameDeepseek.Value.AsString()},
		{ProviderGCPGemini, otel.GenAIProviderNameGCPGemini.Value.AsString()},
		{ProviderGCPGenAI, otel.GenAIProviderNameGCPGenAI.Value.AsString()},
		{ProviderGCPVertexAI, otel.GenAIProviderNameGCPVertexAI.Value.AsString()},
		{ProviderGroq, otel.GenAIProviderNameGroq.Value.AsString()},
		{ProviderIBMWatsonxAI, otel.GenAIProviderNameIBMWatsonxAI.Value.AsString()},
		{ProviderMistralAI, otel.GenAIProviderNameMistralAI.Value.AsString()},
		{ProviderOpenAI, otel.GenAIProviderNameOpenAI.Value.AsString()},
		{ProviderPerplexity, otel.GenAIProviderNamePerplexity.Value.AsString()},
		{ProviderXAI, otel.GenAIProviderNameXAI.Value.AsString()},
	}
	for _, p := range pairs {
		if p.ours != p.theirs {
			t.Errorf("key %q differs from otel semconv v1.41.0 %q", p.ours, p.theirs)
		}
	}
}

// TestNoCollectorDependency checks that semconv and otelbridge import nothing from the
// collector (CONTRIBUTING.md "Layout": the SDK path carries no collector).
func TestNoCollectorDependency(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", ".", "../otelbridge").CombinedOutput()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, out)
	}
	for _, line := range strings.Split(string(out), "\n") {
		if strings.HasPrefix(line, "go.opentelemetry.io/collector") {
			t.Errorf("semconv/otelbridge depend on %s", line)
		}
	}
}
