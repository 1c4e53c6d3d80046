package llmtraceanthropic

import (
	"encoding/json"

	"go.opentelemetry.io/otel/attribute"

	"github.com/llmtrace/llmtrace/internal/genaiclient"
	"github.com/llmtrace/llmtrace/semconv"
)

// messagesRequest is what the span reads of a POST /v1/messages body.
type messagesRequest struct {
	Model         string          `json:"model"`
	MaxTokens     *int64          `json:"max_tokens"`
	Temperature   *float64        `json:"temperature"`
	TopP          *float64        `json:"top_p"`
	TopK          *float64        `json:"top_k"`
	StopSequences []string        `json:"stop_sequences"`
	Stream        bool            `json:"stream"`
	System        json.RawMessage `json:"system"`
	Messages      json.RawMessage `json:"messages"`
	Tools         json.RawMessage `json:"tools"`
	OutputConfig  *struct {
		Format *struct {
			Type string `json:"type"`
		} `json:"format"`
	} `json:"output_config"`
	OutputFormat *struct {
		Type string `json:"type"`
	} `json:"output_format"` // the beta's older name of output_config.format
}

// request reads the request body: the model and the span's start attributes (operation,
// provider, request parameters, and the content when capture is on). A body that is not
// JSON yields only the operation and provider.
func (c *call) request(body []byte) (model string, attrs []attribute.KeyValue) {
	attrs = append(attrs,
		attribute.String(semconv.GenAIOperationName, semconv.OpChat),
		attribute.String(semconv.GenAIProviderName, semconv.ProviderAnthropic))
	var r messagesRequest
	if json.Unmarshal(body, &r) != nil {
		return "", attrs
	}
	if r.Model != "" {
		attrs = append(attrs, attribute.String(semconv.GenAIRequestModel, r.Model))
	}
	if r.MaxTokens != nil {
		attrs = append(attrs, attribute.Int64(semconv.GenAIRequestMaxTokens, *r.MaxTokens))
	}
	for _, p := range []struct {
		key string
		v   *float64
	}{{semconv.GenAIRequestTemperature, r.Temperature}, {semconv.GenAIRequestTopP, r.TopP}, {semconv.GenAIRequestTopK, r.TopK}} {
		if p.v != nil {
			attrs = append(attrs, attribute.Float64(p.key, *p.v))
		}
	}
	if len(r.StopSequences) > 0 {
		attrs = append(attrs, attribute.StringSlice(semconv.GenAIRequestStopSequences, r.StopSequences))
	}
	if r.Stream {
		attrs = append(attrs, attribute.Bool(semconv.GenAIRequestStream, true))
	}
	if (r.OutputConfig != nil && r.OutputConfig.Format != nil && r.OutputConfig.Format.Type == "json_schema") ||
		(r.OutputFormat != nil && r.OutputFormat.Type == "json_schema") {
		attrs = append(attrs, attribute.String(semconv.GenAIOutputType, semconv.OutputTypeJSON))
	}
	if c.s.capture {
		if sys := systemParts(r.System); len(sys) > 0 {
			attrs = append(attrs, attribute.String(semconv.GenAISystemInstructions, genaiclient.JSON(sys)))
		}
		if msgs := inputMessages(r.Messages); len(msgs) > 0 {
			attrs = append(attrs, attribute.String(semconv.GenAIInputMessages, genaiclient.JSON(msgs)))
		}
		if defs := toolDefinitions(r.Tools); len(defs) > 0 {
			attrs = append(attrs, attribute.String(semconv.GenAIToolDefinitions, genaiclient.JSON(defs)))
		}
	}
	return r.Model, attrs
}
