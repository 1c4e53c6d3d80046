// Package semconv holds the attribute keys and enum values of every span dialect the
// llmtrace mapping core reads: the official OpenTelemetry gen_ai conventions (current and
// deprecated names), OpenInference, OpenLLMetry / Traceloop and the Vercel AI SDK `ai.*`
// keys (v3–v7). Names only, no logic. Official keys are checked against
// go.opentelemetry.io/otel/semconv/v1.41.0, the last release carrying GenAI constants.
package semconv
