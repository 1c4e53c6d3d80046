package prices

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"sync/atomic"
	"time"

	"github.com/dlclark/regexp2/v2"
)

// matchOp is one operation of the package's match logic (its MatchLogic type).
type matchOp uint8

const (
	opEquals matchOp = iota
	opStartsWith
	opEndsWith
	opContains
	opRegex
	opOr
	opAnd
)

var matchOps = map[string]matchOp{
	"equals": opEquals, "starts_with": opStartsWith, "ends_with": opEndsWith, "contains": opContains,
	"regex": opRegex, "or": opOr, "and": opAnd,
}

// regexTimeout bounds one regex test of an override's rule (the vendored rules are simple).
const regexTimeout = 50 * time.Millisecond

// matcher is a compiled match rule. As in the package, the name is compared in lower case
// (equals, starts_with, ends_with, contains) and regexes run unanchored with JavaScript
// semantics (ECMAScript mode of regexp2: the table uses lookaheads Go's regexp lacks) on the
// lower-cased name. A regex of the vendored table is compiled on its first test (an
// override's when it is loaded, to report it if it does not compile).
type matcher struct {
	op   matchOp
	s    string // lower-cased operand of the string operations; the pattern of a regex
	re   atomic.Pointer[regexp2.Regexp]
	subs []*matcher
}

// regex returns the compiled regex, compiling it on first use; nil if it does not compile
// (which parseMatch reports for overrides and TestVendoredTable rules out for the vendored
// table).
func (m *matcher) regex() *regexp2.Regexp {
	if re := m.re.Load(); re != nil {
		return re
	}
	re, err := compileRegex(m.s)
	if err != nil {
		return nil
	}
	m.re.CompareAndSwap(nil, re)
	return m.re.Load()
}

func compileRegex(pattern string) (*regexp2.Regexp, error) {
	re, err := regexp2.Compile(pattern, regexp2.ECMAScript)
	if err != nil {
		return nil, err
	}
	re.MatchTimeout = regexTimeout
	return re, nil
}

// match reports whether the lower-cased name satisfies the rule.
func (m *matcher) match(name string) bool {
	switch m.op {
	case opEquals:
		return name == m.s
	case opStartsWith:
		return strings.HasPrefix(name, m.s)
	case opEndsWith:
		return strings.HasSuffix(name, m.s)
	case opContains:
		return strings.Contains(name, m.s)
	case opRegex:
		re := m.regex()
		if re == nil {
			return false
		}
		ok, err := re.MatchString(name)
		return err == nil && ok
	case opOr:
		for _, s := range m.subs {
			if s.match(name) {
				return true
			}
		}
		return false
	case opAnd:
		for _, s := range m.subs {
			if !s.match(name) {
				return false
			}
		}
		return true
	}
	return false
}

// parseMatch reads a match rule: an object with exactly one of equals, starts_with,
// ends_with, contains, regex (a string) or or, and (a non-empty array of rules). With strict (an
// override) a regex is compiled now, else on its first test.
func parseMatch(raw json.RawMessage, strict bool) (*matcher, error) {
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(raw, &obj); err != nil || obj == nil {
		return nil, fmt.Errorf("a match rule must be an object with one of equals, starts_with, ends_with, contains, regex, or, and; got %s", clip(raw))
	}
	if len(obj) != 1 {
		keys := make([]string, 0, len(obj))
		for k := range obj {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		return nil, fmt.Errorf("a match rule must have exactly one operation, got %d (%s); combine several with or/and", len(obj), strings.Join(keys, ", "))
	}
	for k, v := range obj {
		op, ok := matchOps[k]
		if !ok {
			return nil, fmt.Errorf("unknown match operation %q (one of equals, starts_with, ends_with, contains, regex, or, and)", k)
		}
		m := &matcher{op: op}
		switch op {
		case opOr, opAnd:
			var subs []json.RawMessage
			if err := json.Unmarshal(v, &subs); err != nil || len(subs) == 0 {
				return nil, fmt.Errorf("match operation %q needs a non-empty array of rules, got %s", k, clip(v))
			}
			for _, s := range subs {
				sm, err := parseMatch(s, strict)
				if err != nil {
					return nil, err
				}
				m.subs = append(m.subs, sm)
			}
		default:
			var s string
			if err := json.Unmarshal(v, &s); err != nil {
				return nil, fmt.Errorf("match operation %q needs a string, got %s", k, clip(v))
			}
			if op == opRegex {
				m.s = s
				if strict {
					re, err := compileRegex(s)
					if err != nil {
						return nil, fmt.Errorf("regex %q does not compile: %v", s, err)
					}
					m.re.Store(re)
				}
			} else {
				m.s = strings.ToLower(s)
			}
		}
		return m, nil
	}
	panic("unreachable")
}

// clip shortens a JSON value for an error message.
func clip(raw json.RawMessage) string {
	s := strings.TrimSpace(string(raw))
	if s == "" {
		return "nothing"
	}
	if len(s) > 60 {
		return s[:57] + "..."
	}
	return s
}
