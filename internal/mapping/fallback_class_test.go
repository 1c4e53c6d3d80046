package mapping

import (
	"slices"
	"strings"
	"testing"
)

// TestSegClassNeverHidesAMatch checks the class prefilter against the comparisons the
// fallback rules make (fallback_class.go): a key whose last segment matches a class's
// names — exactly, or under strings.EqualFold for the content names — always has that
// class's bit. Keys: every name in several namespaces and ASCII case forms, a Unicode form
// that folds onto a name, and every attribute key the compiled rules know.
func TestSegClassNeverHidesAMatch(t *testing.T) {
	r := compile(&precedence)
	classes := []struct {
		bit   uint8
		names []string
		fold  bool
	}{
		{fbClassContent, slices.Concat(fbInputNames, fbOutputNames, fbToolInputNames, fbToolOutputNames), true},
		{fbClassModel, fbModelNames, false},
		{fbClassTokens, slices.Concat(fbPromptNames, fbCompletionNames, fbTotalNames, []string{fbCacheReadName, fbCacheWriteName}), false},
		{fbClassID, slices.Concat(fbConversationNames, fbUserNames, fbSessionNames), false},
	}
	var keys []string
	for _, c := range classes {
		for _, n := range c.names {
			for _, form := range []string{n, strings.ToUpper(n), strings.ToLower(n), strings.ToUpper(n[:1]) + n[1:]} {
				keys = append(keys, form, "gen_ai."+form, "genkit:"+form, "a.b:c."+form)
			}
		}
	}
	keys = append(keys, "app.respon\u017Fe", "x.\u017FYSTEM") // ſ (U+017F) folds to s: the first matches "response"
	keys = append(keys, r.keys.keys...)
	keys = append(keys, "", ".", "a.", "temperature", "gen_ai.request.max_tokens", "server.port")
	checked := 0
	for _, k := range keys {
		got := r.segClasses.classOf(k)
		seg := lastSegment(k)
		for _, c := range classes {
			match := false
			for _, n := range c.names {
				if seg == n || c.fold && strings.EqualFold(seg, n) {
					match = true
				}
			}
			if match {
				checked++
				if got&c.bit == 0 {
					t.Errorf("classOf(%q) = %08b: misses class %08b, whose names match %q", k, got, c.bit, seg)
				}
			}
		}
	}
	if checked < 200 {
		t.Fatalf("only %d matching keys checked", checked)
	}
	if got := r.segClasses.classOf("app.respon\u017Fe"); got != fbClassAll {
		t.Errorf("non-ASCII segment: classOf = %08b, want every class", got)
	}
}

// TestSegClassSkipsMostKeys checks that the prefilter does its job: of the rule keys
// whose last segment is no fallback name, most get no class, so the fallback rules skip
// them without comparing strings.
func TestSegClassSkipsMostKeys(t *testing.T) {
	r := compile(&precedence)
	names := slices.Concat(fbInputNames, fbOutputNames, fbToolInputNames, fbToolOutputNames, fbModelNames,
		fbPromptNames, fbCompletionNames, fbTotalNames, []string{fbCacheReadName, fbCacheWriteName},
		fbConversationNames, fbUserNames, fbSessionNames)
	other, none := 0, 0
	for _, k := range r.keys.keys {
		if indexOfFold(names, lastSegment(k)) >= 0 {
			continue
		}
		other++
		if r.segClasses.classOf(k) == 0 {
			none++
		}
	}
	if none*10 < other*9 {
		t.Errorf("%d of the %d rule keys that end in no fallback name have no class; want 90 %%", none, other)
	}
}
