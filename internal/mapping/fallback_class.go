package mapping

// Fallback name classes: the fallback rules (fallback.go) look at the last segment of
// every attribute key the named rules left, comparing it with short lists of names
// (fbInputNames, fbModelNames, fbPromptNames, …), some under case folding. Most keys match
// none. spanAttrs.add classes each key once, from a hash of its last segment's length and
// a few of its bytes, ASCII case folded (segHash), into the classes whose names share
// that hash (ruleset.segClasses, built by compile from the lists); a rule skips a key
// whose class bit is clear without comparing strings. A set bit only says "maybe": the
// rule still compares the segment with its names, so what matches is exactly what the
// lists say. A segment with a byte outside ASCII gets every class: Unicode case folding
// (strings.EqualFold) can match an ASCII name from one ("reſponse", with U+017F LATIN SMALL
// LETTER LONG S, folds to "response").
const (
	fbClassContent uint8 = 1 << iota // fbInputNames, fbOutputNames, the tool content names (fallbackContent)
	fbClassModel                     // fbModelNames (fallbackModelKey)
	fbClassTokens                    // token-count names (readFlatUsage)
	fbClassID                        // conversation, user and session names (fallbackIDs)
	fbClassAll     = ^uint8(0)
)

// segHash is the class-table slot of a last key segment (see the comment above): its
// length and its first, middle, second-to-last and last bytes, mixed; the same for two
// segments equal under ASCII case folding (each byte is taken with bit 0x20 set).
func segHash(seg string) uint {
	n := len(seg)
	if n == 0 {
		return 0
	}
	x := uint32(n)<<24 | uint32(seg[0]|0x20)<<16 | uint32(seg[n/2]|0x20)<<8 | uint32(seg[n-1]|0x20)
	x ^= uint32(seg[max(n-2, 0)]|0x20) << 4
	return uint(x*0x9E3779B1) >> (32 - segClassBits)
}

const segClassBits = 10

// segClassTable maps segHash slots to the fallback classes of the names hashed there.
type segClassTable [1 << segClassBits]uint8

// fallbackSegClasses builds the class table of the fallback name lists.
func fallbackSegClasses() *segClassTable {
	var t segClassTable
	add := func(c uint8, lists ...[]string) {
		for _, l := range lists {
			for _, name := range l {
				t[segHash(name)] |= c
			}
		}
	}
	add(fbClassContent, fbInputNames, fbOutputNames, fbToolInputNames, fbToolOutputNames)
	add(fbClassModel, fbModelNames)
	add(fbClassTokens, fbPromptNames, fbCompletionNames, fbTotalNames, []string{fbCacheReadName, fbCacheWriteName})
	add(fbClassID, fbConversationNames, fbUserNames, fbSessionNames)
	return &t
}

// classOf returns the fallback classes key's last segment may belong to.
func (t *segClassTable) classOf(key string) uint8 {
	i := len(key) - 1
	var high byte
	for ; i >= 0; i-- {
		b := key[i]
		if b == '.' || b == ':' {
			break
		}
		high |= b
	}
	if high >= 0x80 {
		return fbClassAll
	}
	return t[segHash(key[i+1:])]
}
