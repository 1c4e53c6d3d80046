package mapping

import (
	"strings"
	"testing"
)

// fallbackIDs splits only keys ending in "Id" or "id": every trace-identity name must end
// so, or keys named after it would be skipped.
func TestFallbackIDNamesEndInId(t *testing.T) {
	for _, list := range [][]string{fbConversationNames, fbUserNames, fbSessionNames} {
		for _, n := range list {
			if !strings.HasSuffix(n, "Id") && !strings.HasSuffix(n, "id") {
				t.Errorf("%q does not end in Id / id (fallbackIDs' filter)", n)
			}
		}
	}
}

// One pass fills the three trace-wide values from keys in any namespace, first name then
// lowest key, consuming the keys taken and leaving the others.
func TestFallbackIDsOnePass(t *testing.T) {
	s := newSpan(1, 0, "step",
		str("app.thread_id", "t-2"), str("app.conversationId", "c-1"), str("z.userId", "u-z"),
		str("a.userId", "u-a"), str("x.session_id", ""), str("y.session_id", "s-y"), str("w.sessionid", "no"),
		str("ns:user_id", "u-colon"))
	m := NewMapper(MapOptions{})
	var p prepared
	m.prepare(&p, s)
	defer p.a.release()
	if p.ids.conv.v != "c-1" || p.ids.user.v != "u-a" || p.ids.session.v != "s-y" {
		t.Errorf("conv %q user %q session %q", p.ids.conv.v, p.ids.user.v, p.ids.session.v)
	}
	for k, want := range map[string]bool{"app.conversationId": true, "a.userId": true, "y.session_id": true,
		"app.thread_id": false, "z.userId": false, "x.session_id": false, "w.sessionid": false, "ns:user_id": false} {
		if got := p.a.isUsed(k); got != want {
			t.Errorf("%s used %v, want %v", k, got, want)
		}
	}
}
