package semconv

// Firebase Genkit's span attributes (github.com/firebase/genkit/go v1.4.0
// core/tracing/tracing.go spanMetadata.attributes; JS js/core/src/tracing/instrumentation.ts
// metadataToAttributes, the same keys). Genkit writes no gen_ai.* key: an action's input and
// output are JSON strings (a model action's are the ai package's ModelRequest and
// ModelResponse, go/ai/gen.go), its kind is genkit:type plus genkit:metadata:subtype.
const (
	GenkitPrefix          = "genkit:"
	GenkitType            = "genkit:type"             // action | util | flowStep | helper | promptTemplate | dotprompt
	GenkitName            = "genkit:name"             // model actions: "plugin/model"
	GenkitState           = "genkit:state"            // success | error
	GenkitInput           = "genkit:input"            // JSON
	GenkitOutput          = "genkit:output"           // JSON, on success only
	GenkitPath            = "genkit:path"             // /{flow,t:flow}/{generate,t:util}/{openai/gpt-4o-mini,t:action,s:model}
	GenkitIsRoot          = "genkit:isRoot"           // bool
	GenkitIsFailureSource = "genkit:isFailureSource"  // bool
	GenkitSubtype         = "genkit:metadata:subtype" // the action type (go/core/api/action.go)
	// Session keys: genkit:sessionId / genkit:threadName (JS chat send spans,
	// js/ai/src/chat.ts) and genkit:metadata:agent:sessionId (JS 1.42 agents,
	// @genkit-ai/ai lib/agent.mjs). Genkit for Go v1.4.0 writes none.
	GenkitSessionID      = "genkit:sessionId"
	GenkitThreadName     = "genkit:threadName"
	GenkitAgentSessionID = "genkit:metadata:agent:sessionId"
)

// genkit:type values.
const (
	GenkitTypeAction   = "action"
	GenkitTypeUtil     = "util"
	GenkitTypeFlowStep = "flowStep"
)

// genkit:metadata:subtype values (go/core/api/action.go ActionType; JS adds agent).
const (
	GenkitSubModel           = "model"
	GenkitSubBackgroundModel = "background-model"
	GenkitSubTool            = "tool"
	GenkitSubToolV2          = "tool.v2"
	GenkitSubFlow            = "flow"
	GenkitSubUtil            = "util"
	GenkitSubEmbedder        = "embedder"
	GenkitSubRetriever       = "retriever"
	GenkitSubIndexer         = "indexer"
	GenkitSubEvaluator       = "evaluator"
	GenkitSubPrompt          = "executable-prompt"
	GenkitSubAgent           = "agent"
)
