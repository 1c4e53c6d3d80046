package platform_test

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/llmtrace/llmtrace/platform"
)

// TestAppendJSONMetadataKeyOrder checks the metadata key order against encoding/json for
// keys that sort on their first eight bytes, on later bytes (shared dialect prefixes), on
// length (one key a prefix of another, keys shorter than eight bytes) and on NUL bytes
// (which the eight-byte words pad with), below and above the 64 entries Metadata sorts on
// the stack.
func TestAppendJSONMetadataKeyOrder(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 7))
	pool := []string{"", "a", "a\x00", "a\x00\x00", "ab", "ab\x00c", "abcdefg", "abcdefgh",
		"abcdefgh\x00", "abcdefghi", "abcdefgg\xff", "gen_ai.request.model", "gen_ai.request.max_tokens",
		"gen_ai.response.id", "gen_ai.response", "otel.span_id", "otel.span_kind", "otel.scope.name",
		"\x00", "\x00\x00\x00\x00\x00\x00\x00\x00", "\xff\xfe", "é", "kind", "kind.x"}
	for _, n := range []int{2, 17, 48, 49, 64, 65, 120} {
		for round := range 20 {
			// Built by Set (sorted, each key once: written as it is) and by append (in
			// random order, keys repeated: written from a normalized copy, the last value
			// of a key winning, as the reference map assigned entry by entry holds).
			ev := baseEvent()
			for len(ev.Metadata) < n {
				k := pool[r.IntN(len(pool))]
				if len(ev.Metadata) >= len(pool)/2 {
					k += fmt.Sprint(r.IntN(1000))
				}
				ev.Metadata.Set(k, len(ev.Metadata))
			}
			checkSame(t, fmt.Sprintf("%d keys by Set, round %d", n, round), &ev)
			ev.Metadata = nil
			for i := range n {
				k := pool[r.IntN(len(pool))]
				if i >= len(pool)/2 {
					k += fmt.Sprint(r.IntN(100))
				}
				ev.Metadata = append(ev.Metadata, platform.MetadataEntry{Key: k, Value: i})
			}
			checkSame(t, fmt.Sprintf("%d keys by append, round %d", n, round), &ev)
		}
	}
}
