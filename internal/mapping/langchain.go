package mapping

import (
	sc "github.com/llmtrace/llmtrace/semconv"
)

// langchain is LangChain's LangSmith parameters as Traceloop's LangChain instrumentation
// carries them (traceloop.association.properties.ls_model_name / ls_provider;
// semconv/frameworks.go, semconv/traceloop.go): the model a run names and its provider,
// ranked after every dialect's own. OpenInference carries the same ls_provider inside its
// `metadata` object, read by provider inference (provider_infer.go).
var langchain = &dialect{
	name:         "langchain ls_* (traceloop)",
	modelKeys:    modelNames{name: []string{sc.TLAssocModelName}},
	providerKeys: []string{sc.TLAssocProvider},
}
