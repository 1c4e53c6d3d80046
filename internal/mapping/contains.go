package mapping

import "bytes"

// containsAt reports whether b contains needle, looking first for needle[k], a byte chosen
// to be rare in message text ('_' of "tool_calls", '6' of "base64"): bytes.IndexByte finds
// it with vector instructions, where bytes.Contains starts from the needle's first byte
// ('"' or 'b', frequent in JSON prose) and checks each candidate (issue 21: 6.8 % of
// BenchmarkMapChatSpan went to bytes.Contains on the event's input and output).
func containsAt(b []byte, needle string, k int) bool {
	c := needle[k]
	for i := k; i < len(b); {
		j := bytes.IndexByte(b[i:], c)
		if j < 0 {
			return false
		}
		i += j
		if start := i - k; start+len(needle) <= len(b) && string(b[start:start+len(needle)]) == needle {
			return true
		}
		i++
	}
	return false
}
