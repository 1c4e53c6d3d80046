package llmtraceanthropic

import (
	"encoding/json"
	"errors"
	"strings"
	"time"

	"github.com/llmtrace/llmtrace/internal/genaiclient"
)

// stream follows a streamed Message as the application reads it (genaiclient.SSEHandler):
// message_start gives the id, model and input-side usage, message_delta the stop reason and
// the final counts, an "error" event fails the span; with capture on, the content blocks
// are rebuilt from their deltas. The raw stream is never kept.
type stream struct {
	c      *call
	blocks []*blockAcc
}

type blockAcc struct {
	b              block
	text, thinking strings.Builder
	input          strings.Builder
}

type streamEvent struct {
	Type    string       `json:"type"`
	Message *wireMessage `json:"message"`
	Index   int          `json:"index"`
	Block   *block       `json:"content_block"`
	Delta   *struct {
		Type        string `json:"type"`
		Text        string `json:"text"`
		Thinking    string `json:"thinking"`
		PartialJSON string `json:"partial_json"`
		StopReason  string `json:"stop_reason"`
	} `json:"delta"`
	Usage *usage `json:"usage"`
	Error *struct {
		Type    string `json:"type"`
		Message string `json:"message"`
	} `json:"error"`
}

func (s *stream) Event(event string, data []byte) {
	c := s.c
	if c.ttfc == 0 {
		c.ttfc = time.Since(c.start).Seconds()
	}
	var ev streamEvent
	if json.Unmarshal(data, &ev) != nil {
		return
	}
	switch ev.Type {
	case "message_start":
		if m := ev.Message; m != nil {
			c.id, c.model = m.ID, m.Model
			if m.Usage != nil {
				c.usage, c.hasUsage = *m.Usage, true
			}
		}
	case "message_delta":
		if ev.Delta != nil && ev.Delta.StopReason != "" {
			c.stopReason = ev.Delta.StopReason
		}
		if ev.Usage != nil {
			c.usage.merge(ev.Usage)
			c.hasUsage = true
		}
	case "error":
		if ev.Error != nil {
			genaiclient.RecordFailure(c.span, ev.Error.Type, ev.Error.Message)
		}
	case "content_block_start":
		if c.s.capture && ev.Block != nil && ev.Index == len(s.blocks) {
			acc := &blockAcc{b: *ev.Block}
			acc.text.WriteString(ev.Block.Text)
			acc.thinking.WriteString(ev.Block.Thinking)
			s.blocks = append(s.blocks, acc)
		}
	case "content_block_delta":
		if !c.s.capture || ev.Delta == nil || ev.Index < 0 || ev.Index >= len(s.blocks) {
			return
		}
		acc := s.blocks[ev.Index]
		switch ev.Delta.Type {
		case "text_delta":
			acc.text.WriteString(ev.Delta.Text)
		case "thinking_delta":
			acc.thinking.WriteString(ev.Delta.Thinking)
		case "input_json_delta":
			acc.input.WriteString(ev.Delta.PartialJSON)
		}
	}
}

// End ends the span: at the end of the stream, when the application closed the body first
// (the span keeps what was read, without an error), or on a read error (recorded).
func (s *stream) End(err error) {
	c := s.c
	if err != nil && !errors.Is(err, genaiclient.ErrClosedEarly) {
		genaiclient.RecordError(c.span, err)
	}
	if c.s.capture && s.blocks != nil {
		c.output = make([]genaiclient.Part, 0, len(s.blocks))
		for _, acc := range s.blocks {
			b := acc.b
			b.Text, b.Thinking = acc.text.String(), acc.thinking.String()
			if acc.input.Len() > 0 {
				b.Input = genaiclient.Arguments(acc.input.String())
			}
			c.output = append(c.output, part(b))
		}
	}
	c.end()
}
