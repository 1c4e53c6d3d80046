package platform

import (
	"slices"
	"testing"
)

// packChunks runs a packer over items and returns the request boundaries: request k is
// items[bounds[k]:bounds[k+1]].
func packChunks(items []encodedEvent, maxEvents, maxBytes int) []int {
	bounds := []int{0}
	p := newPacker(maxEvents, maxBytes)
	for i, it := range items {
		if p.add(it.size()) {
			bounds = append(bounds, i)
		}
	}
	if len(items) > 0 {
		bounds = append(bounds, len(items))
	}
	return bounds
}

func TestPacker(t *testing.T) {
	mk := func(sizes ...int) []encodedEvent {
		var items []encodedEvent
		off := 0
		for i, s := range sizes {
			items = append(items, encodedEvent{index: i, start: off, end: off + s})
			off += s
		}
		return items
	}
	for _, tt := range []struct {
		name      string
		sizes     []int
		maxEvents int
		maxBytes  int
		want      []int
	}{
		{"empty", nil, 10, 100, []int{0}},
		{"one", []int{50}, 10, 100, []int{0, 1}},
		{"by count", []int{1, 1, 1, 1, 1}, 2, 1000, []int{0, 2, 4, 5}},
		// 13 framing + 40 + 1 + 40 = 94 ≤ 100; a third would be 135.
		{"by bytes", []int{40, 40, 40, 40, 40}, 10, 100, []int{0, 2, 4, 5}},
		{"exact fit", []int{43, 43}, 10, 100, []int{0, 2}},   // 13 + 43 + 1 + 43 = 100
		{"one over", []int{43, 44}, 10, 100, []int{0, 1, 2}}, // 101
		{"event filling a request", []int{10, 87, 10}, 10, 100, []int{0, 1, 2, 3}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			items := mk(tt.sizes...)
			got := packChunks(items, tt.maxEvents, tt.maxBytes)
			if !slices.Equal(got, tt.want) {
				t.Fatalf("packer's requests = %v, want %v", got, tt.want)
			}
			for k := 0; k+1 < len(got); k++ {
				chunk := items[got[k]:got[k+1]]
				if len(chunk) > tt.maxEvents || requestBytes(chunk) > tt.maxBytes {
					t.Errorf("chunk %d: %d events, %d bytes", k, len(chunk), requestBytes(chunk))
				}
			}
		})
	}
}
