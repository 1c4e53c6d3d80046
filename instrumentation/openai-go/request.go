package llmtraceopenai

import (
	"encoding/json"

	"go.opentelemetry.io/otel/attribute"

	"github.com/llmtrace/llmtrace/internal/genaiclient"
	"github.com/llmtrace/llmtrace/semconv"
)

// chatRequest is what the span reads of a POST /chat/completions body.
type chatRequest struct {
	Model               string          `json:"model"`
	Messages            json.RawMessage `json:"messages"`
	Temperature         *float64        `json:"temperature"`
	TopP                *float64        `json:"top_p"`
	MaxTokens           *int64          `json:"max_tokens"`
	MaxCompletionTokens *int64          `json:"max_completion_tokens"`
	FrequencyPenalty    *float64        `json:"frequency_penalty"`
	PresencePenalty     *float64        `json:"presence_penalty"`
	Stop                json.RawMessage `json:"stop"`
	Seed                *int64          `json:"seed"`
	N                   *int64          `json:"n"`
	Stream              bool            `json:"stream"`
	ServiceTier         string          `json:"service_tier"`
	ResponseFormat      *struct {
		Type string `json:"type"`
	} `json:"response_format"`
	Tools json.RawMessage `json:"tools"`
}

// responsesRequest is what the span reads of a POST /responses body.
type responsesRequest struct {
	Model           string          `json:"model"`
	Input           json.RawMessage `json:"input"`
	Instructions    string          `json:"instructions"`
	Temperature     *float64        `json:"temperature"`
	TopP            *float64        `json:"top_p"`
	MaxOutputTokens *int64          `json:"max_output_tokens"`
	Stream          bool            `json:"stream"`
	ServiceTier     string          `json:"service_tier"`
	Tools           json.RawMessage `json:"tools"`
	Text            *struct {
		Format struct {
			Type string `json:"type"`
		} `json:"format"`
	} `json:"text"`
}

// embeddingsRequest is what the span reads of a POST /embeddings body.
type embeddingsRequest struct {
	Model          string `json:"model"`
	EncodingFormat string `json:"encoding_format"`
	Dimensions     *int64 `json:"dimensions"`
}

// request reads the request body: the model and the span's start attributes (operation,
// request parameters, and the content when capture is on). A body that is not JSON yields
// only the operation.
func (c *call) request(body []byte) (model string, attrs []attribute.KeyValue) {
	op := semconv.OpChat
	if c.ep == embeddingsAPI {
		op = semconv.OpEmbeddings
	}
	attrs = append(attrs, attribute.String(semconv.GenAIOperationName, op))
	switch c.ep {
	case chatCompletions:
		attrs = append(attrs, attribute.String(semconv.OpenAIAPIType, semconv.OpenAIAPITypeChatCompletions))
		var r chatRequest
		if json.Unmarshal(body, &r) != nil {
			return "", attrs
		}
		model = r.Model
		attrs = appendFloat(attrs, semconv.GenAIRequestTemperature, r.Temperature)
		attrs = appendFloat(attrs, semconv.GenAIRequestTopP, r.TopP)
		if r.MaxCompletionTokens != nil {
			attrs = appendInt(attrs, semconv.GenAIRequestMaxTokens, r.MaxCompletionTokens)
		} else {
			attrs = appendInt(attrs, semconv.GenAIRequestMaxTokens, r.MaxTokens)
		}
		attrs = appendFloat(attrs, semconv.GenAIRequestFrequencyPen, r.FrequencyPenalty)
		attrs = appendFloat(attrs, semconv.GenAIRequestPresencePen, r.PresencePenalty)
		if stop := stopSequences(r.Stop); len(stop) > 0 {
			attrs = append(attrs, attribute.StringSlice(semconv.GenAIRequestStopSequences, stop))
		}
		attrs = appendInt(attrs, semconv.GenAIRequestSeed, r.Seed)
		if r.N != nil && *r.N != 1 {
			attrs = appendInt(attrs, semconv.GenAIRequestChoiceCount, r.N)
		}
		if r.ResponseFormat != nil {
			attrs = appendOutputType(attrs, r.ResponseFormat.Type)
		}
		attrs = appendStream(attrs, r.Stream)
		if r.ServiceTier != "" {
			attrs = append(attrs, attribute.String(semconv.OpenAIRequestServiceTier, r.ServiceTier))
		}
		if c.s.capture {
			if msgs := chatInputMessages(r.Messages); len(msgs) > 0 {
				attrs = append(attrs, attribute.String(semconv.GenAIInputMessages, genaiclient.JSON(msgs)))
			}
			if defs := toolDefinitions(r.Tools); len(defs) > 0 {
				attrs = append(attrs, attribute.String(semconv.GenAIToolDefinitions, genaiclient.JSON(defs)))
			}
		}
	case responsesAPI:
		attrs = append(attrs, attribute.String(semconv.OpenAIAPIType, semconv.OpenAIAPITypeResponses))
		var r responsesRequest
		if json.Unmarshal(body, &r) != nil {
			return "", attrs
		}
		model = r.Model
		attrs = appendFloat(attrs, semconv.GenAIRequestTemperature, r.Temperature)
		attrs = appendFloat(attrs, semconv.GenAIRequestTopP, r.TopP)
		attrs = appendInt(attrs, semconv.GenAIRequestMaxTokens, r.MaxOutputTokens)
		if r.Text != nil {
			attrs = appendOutputType(attrs, r.Text.Format.Type)
		}
		attrs = appendStream(attrs, r.Stream)
		if r.ServiceTier != "" {
			attrs = append(attrs, attribute.String(semconv.OpenAIRequestServiceTier, r.ServiceTier))
		}
		if c.s.capture {
			if r.Instructions != "" {
				attrs = append(attrs, attribute.String(semconv.GenAISystemInstructions,
					genaiclient.JSON([]genaiclient.Part{genaiclient.TextPart(r.Instructions)})))
			}
			if msgs := responsesInputMessages(r.Input); len(msgs) > 0 {
				attrs = append(attrs, attribute.String(semconv.GenAIInputMessages, genaiclient.JSON(msgs)))
			}
			if defs := toolDefinitions(r.Tools); len(defs) > 0 {
				attrs = append(attrs, attribute.String(semconv.GenAIToolDefinitions, genaiclient.JSON(defs)))
			}
		}
	case embeddingsAPI:
		var r embeddingsRequest
		if json.Unmarshal(body, &r) != nil {
			return "", attrs
		}
		model = r.Model
		if r.EncodingFormat != "" {
			attrs = append(attrs, attribute.StringSlice(semconv.GenAIRequestEncodingFmts, []string{r.EncodingFormat}))
		}
		attrs = appendInt(attrs, semconv.GenAIEmbeddingsDimCount, r.Dimensions)
	}
	if model != "" {
		attrs = append(attrs, attribute.String(semconv.GenAIRequestModel, model))
	}
	return model, attrs
}

func appendFloat(attrs []attribute.KeyValue, key string, v *float64) []attribute.KeyValue {
	if v == nil {
		return attrs
	}
	return append(attrs, attribute.Float64(key, *v))
}

func appendInt(attrs []attribute.KeyValue, key string, v *int64) []attribute.KeyValue {
	if v == nil {
		return attrs
	}
	return append(attrs, attribute.Int64(key, *v))
}

// appendStream sets gen_ai.request.stream, conditionally required: only when streaming.
func appendStream(attrs []attribute.KeyValue, stream bool) []attribute.KeyValue {
	if !stream {
		return attrs
	}
	return append(attrs, attribute.Bool(semconv.GenAIRequestStream, true))
}

// appendOutputType maps OpenAI's response format type onto gen_ai.output.type.
func appendOutputType(attrs []attribute.KeyValue, format string) []attribute.KeyValue {
	switch format {
	case "text":
		return append(attrs, attribute.String(semconv.GenAIOutputType, semconv.OutputTypeText))
	case "json_object", "json_schema":
		return append(attrs, attribute.String(semconv.GenAIOutputType, semconv.OutputTypeJSON))
	}
	return attrs
}

// stopSequences reads "stop": a string or an array of strings.
func stopSequences(raw json.RawMessage) []string {
	if len(raw) == 0 {
		return nil
	}
	var one string
	if json.Unmarshal(raw, &one) == nil {
		if one == "" {
			return nil
		}
		return []string{one}
	}
	var many []string
	_ = json.Unmarshal(raw, &many)
	return many
}
