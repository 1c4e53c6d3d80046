package llmtraceopenai

import (
	"encoding/json"
	"errors"
	"sort"
	"strings"
	"time"

	"github.com/llmtrace/llmtrace/internal/genaiclient"
)

// stream follows a streamed reply as the application reads it (genaiclient.SSEHandler):
// chat.completion.chunk events for Chat Completions, response.* events for the Responses
// API. It keeps the finish reasons, the usage chunk and, with capture on, the text and tool
// calls of each choice; never the raw stream.
type stream struct {
	c       *call
	choices map[int]*choiceAcc
}

type choiceAcc struct {
	text, refusal strings.Builder
	tools         map[int]*toolAcc
	finish        string
}

type toolAcc struct {
	id, name string
	args     strings.Builder
}

type chatChunk struct {
	ID                string `json:"id"`
	Model             string `json:"model"`
	ServiceTier       string `json:"service_tier"`
	SystemFingerprint string `json:"system_fingerprint"`
	Choices           []struct {
		Index int `json:"index"`
		Delta struct {
			Content   string `json:"content"`
			Refusal   string `json:"refusal"`
			ToolCalls []struct {
				Index    int    `json:"index"`
				ID       string `json:"id"`
				Function struct {
					Name      string `json:"name"`
					Arguments string `json:"arguments"`
				} `json:"function"`
			} `json:"tool_calls"`
		} `json:"delta"`
		FinishReason string `json:"finish_reason"`
	} `json:"choices"`
	Usage *usage `json:"usage"`
}

func (s *stream) Event(event string, data []byte) {
	c := s.c
	if c.ttfc == 0 {
		c.ttfc = time.Since(c.start).Seconds()
	}
	if c.ep == responsesAPI {
		s.responsesEvent(data)
		return
	}
	if string(data) == "[DONE]" {
		return
	}
	var ch chatChunk
	if json.Unmarshal(data, &ch) != nil {
		return
	}
	if ch.ID != "" {
		c.id = ch.ID
	}
	if ch.Model != "" {
		c.model = ch.Model
	}
	if ch.ServiceTier != "" {
		c.serviceTier = ch.ServiceTier
	}
	if ch.SystemFingerprint != "" {
		c.fingerprint = ch.SystemFingerprint
	}
	if ch.Usage != nil {
		c.usage = ch.Usage
	}
	for _, choice := range ch.Choices {
		if s.choices == nil {
			s.choices = map[int]*choiceAcc{}
		}
		acc := s.choices[choice.Index]
		if acc == nil {
			acc = &choiceAcc{}
			s.choices[choice.Index] = acc
		}
		if choice.FinishReason != "" {
			acc.finish = choice.FinishReason
		}
		if !c.s.capture {
			continue
		}
		acc.text.WriteString(choice.Delta.Content)
		acc.refusal.WriteString(choice.Delta.Refusal)
		for _, tc := range choice.Delta.ToolCalls {
			if acc.tools == nil {
				acc.tools = map[int]*toolAcc{}
			}
			t := acc.tools[tc.Index]
			if t == nil {
				t = &toolAcc{}
				acc.tools[tc.Index] = t
			}
			if tc.ID != "" {
				t.id = tc.ID
			}
			if tc.Function.Name != "" {
				t.name = tc.Function.Name
			}
			t.args.WriteString(tc.Function.Arguments)
		}
	}
}

// responsesEvent reads the Responses API events that carry the response object; an
// "error" event fails the span.
func (s *stream) responsesEvent(data []byte) {
	var ev struct {
		Type     string          `json:"type"`
		Response json.RawMessage `json:"response"`
		Code     string          `json:"code"`
		Message  string          `json:"message"`
	}
	if json.Unmarshal(data, &ev) != nil {
		return
	}
	switch ev.Type {
	case "response.created", "response.in_progress", "response.completed", "response.incomplete", "response.failed":
		s.c.responsesObject(ev.Response)
	case "error":
		genaiclient.RecordFailure(s.c.span, ev.Code, ev.Message)
	}
}

// End ends the span: at the end of the stream, when the application closed the body first
// (the span keeps what was read, without an error), or on a read error (recorded).
func (s *stream) End(err error) {
	c := s.c
	if err != nil && !errors.Is(err, genaiclient.ErrClosedEarly) {
		genaiclient.RecordError(c.span, err)
	}
	if c.ep == chatCompletions {
		idx := make([]int, 0, len(s.choices))
		for i := range s.choices {
			idx = append(idx, i)
		}
		sort.Ints(idx)
		for _, i := range idx {
			acc := s.choices[i]
			if acc.finish != "" {
				c.finish = append(c.finish, acc.finish)
			}
			if c.s.capture {
				c.output = append(c.output, acc.message())
			}
		}
	}
	c.end()
}

func (acc *choiceAcc) message() genaiclient.Message {
	parts := []genaiclient.Part{}
	if acc.text.Len() > 0 {
		parts = append(parts, genaiclient.TextPart(acc.text.String()))
	}
	if acc.refusal.Len() > 0 {
		parts = append(parts, genaiclient.Part{"type": "refusal", "content": acc.refusal.String()})
	}
	idx := make([]int, 0, len(acc.tools))
	for i := range acc.tools {
		idx = append(idx, i)
	}
	sort.Ints(idx)
	for _, i := range idx {
		t := acc.tools[i]
		parts = append(parts, genaiclient.ToolCallPart(t.id, t.name, genaiclient.Arguments(t.args.String())))
	}
	return genaiclient.Message{Role: "assistant", Parts: parts, FinishReason: outputFinishReason(acc.finish)}
}
