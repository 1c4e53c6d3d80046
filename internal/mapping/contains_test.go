package mapping

import (
	"bytes"
	"testing"
)

// containsAt answers as bytes.Contains does, wherever the rare byte falls.
func TestContainsAt(t *testing.T) {
	needles := []struct {
		s string
		k int
	}{{toolCallsKey, 5}, {"base64", 4}, {`"blob"`, 1}}
	docs := []string{"", "_", "6", "base6", "base64", "xbase64", "base_64 base64", `{"tool_calls":[]}`, `"tool_call"s"tool_calls"`,
		`__"tool_calls`, `"blo"b"blob`, `"blob"`, `b"blob"`, "64 base 64", `{"type":"base64"}`, `"tool_calls"x`}
	for _, n := range needles {
		for _, d := range docs {
			if got, want := containsAt([]byte(d), n.s, n.k), bytes.Contains([]byte(d), []byte(n.s)); got != want {
				t.Errorf("containsAt(%q, %q) = %v, bytes.Contains %v", d, n.s, got, want)
			}
		}
	}
}

func FuzzContainsAt(f *testing.F) {
	f.Add([]byte(`{"tool_calls":[{"type":"base64","blob":"x"}]}`), uint8(0))
	f.Fuzz(func(t *testing.T, b []byte, which uint8) {
		n := []struct {
			s string
			k int
		}{{toolCallsKey, 5}, {"base64", 4}, {`"blob"`, 1}}[which%3]
		if got, want := containsAt(b, n.s, n.k), bytes.Contains(b, []byte(n.s)); got != want {
			t.Fatalf("containsAt(%q, %q) = %v, bytes.Contains %v", b, n.s, got, want)
		}
	})
}
