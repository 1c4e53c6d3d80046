package prices

import "math"

// Usage is the token usage of one model call with OpenTelemetry gen_ai semantics (the
// gen_ai.usage.* attributes of semconv v1.41 and the genai registry): InputTokens counts all
// prompt tokens including the cache reads and cache writes, OutputTokens all completion
// tokens including reasoning; the other fields are parts of those two. Zero means not reported.
//
// Cost converts it to the package's usage classes (input_tokens, cache_read_tokens,
// cache_write_tokens, output_tokens, output_reasoning_tokens, input_audio_tokens, ...), which
// are inclusive the same way: each token is priced once, at the price of the most specific
// class the model has a price for (a cache read at cache_read_mtok, the rest of the input at
// input_mtok).
type Usage struct {
	InputTokens              int64 // gen_ai.usage.input_tokens
	OutputTokens             int64 // gen_ai.usage.output_tokens
	CacheReadInputTokens     int64 // gen_ai.usage.cache_read.input_tokens
	CacheCreationInputTokens int64 // gen_ai.usage.cache_creation.input_tokens
	ReasoningOutputTokens    int64 // gen_ai.usage.reasoning.output_tokens
	AudioInputTokens         int64 // gen_ai.usage.audio.input_tokens
	ImageInputTokens         int64 // gen_ai.usage.image.input_tokens
	VideoInputTokens         int64 // gen_ai.usage.video.input_tokens
	TextInputTokens          int64 // gen_ai.usage.text.input_tokens
	AudioOutputTokens        int64 // gen_ai.usage.audio.output_tokens
	TextOutputTokens         int64 // gen_ai.usage.text.output_tokens
}

// usageKeys are the package's usage keys of the Usage fields, in field order.
var usageKeys = [...]string{
	"input_tokens", "output_tokens", "cache_read_tokens", "cache_write_tokens", "output_reasoning_tokens",
	"input_audio_tokens", "input_image_tokens", "input_video_tokens", "input_text_tokens",
	"output_audio_tokens", "output_text_tokens",
}

func (u *Usage) values() [len(usageKeys)]int64 {
	return [...]int64{
		u.InputTokens, u.OutputTokens, u.CacheReadInputTokens, u.CacheCreationInputTokens, u.ReasoningOutputTokens,
		u.AudioInputTokens, u.ImageInputTokens, u.VideoInputTokens, u.TextInputTokens,
		u.AudioOutputTokens, u.TextOutputTokens,
	}
}

// reported is the usage as calcPrice sees it: the units with a positive count.
type reported struct {
	n     int
	units [len(usageKeys)]*unit
	vals  [len(usageKeys)]float64
}

func (r *reported) get(u *unit) (float64, bool) {
	for i := 0; i < r.n; i++ {
		if r.units[i] == u {
			return r.vals[i], true
		}
	}
	return 0, false
}

// value is calcPrice's reading of one class: the reported count, or 0 when the usage leaves it
// out, unless a reported part of it (or two reported classes whose overlap it is) is positive —
// then the usage is incomplete and the price unknown.
func (r *reported) value(reg *unitRegistry, t *unit) (float64, bool) {
	if v, ok := r.get(t); ok {
		return v, true
	}
	for i := 0; i < r.n; i++ {
		if r.units[i] != t && r.units[i].ancestors[t.index] {
			return 0, false
		}
	}
	for i := 0; i < r.n; i++ {
		for j := i + 1; j < r.n; j++ {
			a, b := r.units[i], r.units[j]
			if compatible(a, b) && !related(a, b) && reg.join(a, b) == t {
				return 0, false
			}
		}
	}
	return 0, true
}

// cost replicates calcPrice's arithmetic: the exclusive count of each priced class is its
// reported count minus the exclusive counts of its priced descendants (most specific first),
// a priced request count is 1, and each class costs price × count / per; a tiered price takes
// the price of the last tier whose start the total input tokens exceed. false when calcPrice
// throws: negative or inconsistent counts (cache reads above the input, ...) or a set it
// refuses.
func (ps *priceSet) cost(reg *unitRegistry, u *Usage) (float64, bool) {
	if ps.err != nil || !ps.priced {
		return 0, false
	}
	var r reported
	for i, v := range u.values() {
		if v < 0 {
			return 0, false
		}
		if v > 0 {
			r.units[r.n] = reg.fields[i]
			r.vals[r.n] = float64(v)
			r.n++
		}
	}
	var threshold float64
	if ps.tiered {
		v, ok := r.value(reg, reg.input)
		if !ok {
			return 0, false
		}
		threshold = v
	}
	var leafBuf [16]float64
	leaf := leafBuf[:0]
	if len(ps.entries) > len(leafBuf) {
		leaf = make([]float64, 0, len(ps.entries))
	}
	leaf = leaf[:len(ps.entries)]
	clear(leaf)
	for _, i := range ps.leafOrder {
		s, ok := r.value(reg, ps.entries[i].unit)
		if !ok {
			return 0, false
		}
		var m float64
		for _, d := range ps.descendants[i] {
			m += leaf[d]
		}
		v := s - m
		tol := epsilon * math.Max(1, math.Max(math.Abs(s), math.Abs(m))) * float64(len(ps.leafOrder)+1)
		if v < 0 && math.Abs(v) <= tol {
			v = 0
		}
		if v < 0 {
			return 0, false
		}
		leaf[i] = v
	}
	var in, out, other float64
	for i, e := range ps.entries {
		count := leaf[i]
		if e.unit.usageKey == requestsKey {
			count = 1
		}
		var c float64
		if e.tier == nil {
			c = e.flat * count / e.unit.per
		} else if count > 0 {
			p := e.tier.base
			for _, t := range e.tier.tiers {
				if threshold > t.start {
					p = t.price
				}
			}
			c = p * count / 1e6 * 1e6 / e.unit.per
		}
		switch e.unit.direction {
		case "input":
			in += c
		case "output":
			out += c
		default:
			other += c
		}
	}
	return in + out + other, true
}

// epsilon is JavaScript's Number.EPSILON, calcPrice's tolerance for rounding residue.
const epsilon = 2.220446049250313e-16
