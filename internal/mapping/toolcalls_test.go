package mapping

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"github.com/llmtrace/llmtrace/platform"
)

// The reader of tool calls (toolcalls_read.go) against encoding/json (the oracle,
// toolcalls_oracle_test.go) on the edge cases of encoding/json's decoding: each case
// states the calls json.Unmarshal finds, and both must find them.

// callsString writes calls as "id|name|args" lines (args <nil> when none).
func callsString(calls []toolCallRec) string {
	var b strings.Builder
	for _, c := range calls {
		args := "<nil>"
		if c.args != nil {
			args = string(c.args)
		}
		fmt.Fprintf(&b, "%s|%s|%s\n", c.id, c.name, args)
	}
	return b.String()
}

// toolCallsDiff compares the reader with the oracle on doc as an output, as an input (both
// without the containsAt gate, and appended to a call already there, which a refused
// document must leave alone), as both of an event (with the gate) and as a tool input
// (noArguments); it returns the first difference, or "".
func toolCallsDiff(doc []byte) string {
	prior := []toolCallRec{{id: "prior", name: "p", args: []byte("{}")}}
	for _, input := range []bool{false, true} {
		got := readToolCalls(doc, input, prior[:1:1])
		var want []toolCallRec
		if input {
			want = oracleInputCalls(doc, prior[:1:1])
		} else {
			want = oracleOutputCalls(doc, prior[:1:1])
		}
		if d := callsDiff(got, want); d != "" {
			return fmt.Sprintf("input %v: %s", input, d)
		}
	}
	ev := platform.TraceEvent{Input: doc, Output: doc}
	if d := callsDiff(eventToolCalls(&ev, nil), oracleEventToolCalls(&ev, nil)); d != "" {
		return "event: " + d
	}
	if got, want := noArguments(doc), oracleNoArguments(doc); got != want {
		return fmt.Sprintf("noArguments %v, encoding/json %v", got, want)
	}
	return ""
}

func callsDiff(got, want []toolCallRec) string {
	same := len(got) == len(want)
	for i := 0; same && i < len(got); i++ {
		g, w := got[i], want[i]
		same = g.id == w.id && g.name == w.name && bytes.Equal(g.args, w.args) && (g.args == nil) == (w.args == nil)
	}
	if same {
		return ""
	}
	return fmt.Sprintf("got\n%swant (encoding/json)\n%s", callsString(got), callsString(want))
}

// nested is depth arrays around a 1.
func nested(depth int) string {
	return strings.Repeat("[", depth) + "1" + strings.Repeat("]", depth)
}

// toolCallsCases are documents and the calls encoding/json finds in them, as an output
// (out) and as an input (in).
var toolCallsCases = []struct {
	name, doc string
	out, in   string
}{
	{"one call", `{"tool_calls":[{"id":"c1","name":"f","arguments":{"a":1}}]}`, "c1|f|{\"a\":1}\n", ""},
	{"white space everywhere", " \t\r\n{ \"tool_calls\" : [ { \"id\" : \"c1\" , \"arguments\" : { \"a\" : [ 1 , 2 ] } } ] } \n",
		"c1||{ \"a\" : [ 1 , 2 ] }\n", ""},
	{"names fold case", `{"TOOL_CALLS":[{"ID":"c1","Name":"f","ARGUMENTS":[1, 2]}]}`, "c1|f|[1, 2]\n", ""},
	{"long s folds to S", `{"tool_call` + "\u017f" + `":[{"id":"c1","name` + "\u017f" + `":"x","name":"f","argument` + "\u017f" + `":2}]}`, "c1|f|2\n", ""},
	{"escaped long s", `{"tool_calls":[{"id":"c1","argument\u017f":2}]}`, "c1||2\n", ""},
	{"dotted I does not fold to I", `{"tool_calls":[{"\u0130d":"x","\u0131d":"y","name":"f"}]}`, "|f|<nil>\n", ""},
	{"escaped name", `{"tool\u005fcalls":[{"\u0069d":"c1"}]}`, "c1||<nil>\n", ""},
	{"last duplicate wins", `{"tool_calls":[{"id":"a","name":"f","id":"b","arguments":1,"arguments":[2]}]}`, "b|f|[2]\n", ""},
	{"null keeps a string", `{"tool_calls":[{"id":"a","name":"f","id":null,"name":null}]}`, "a|f|<nil>\n", ""},
	{"null arguments are kept", `{"tool_calls":[{"id":"a","arguments":null}]}`, "a||null\n", ""},
	{"a repeated array decodes into the earlier elements",
		`{"tool_calls":[{"id":"a","name":"f","arguments":1},{"id":"b","name":"g"}],"tool_calls":[{"arguments":2}]}`, "a|f|2\n", ""},
	{"past a shorter array",
		`{"tool_calls":[{"id":"a"},{"id":"b","name":"g","arguments":3}],"tool_calls":[{"id":"c"}],"tool_calls":[{},{}]}`,
		"c||<nil>\nb|g|3\n", ""},
	{"an empty array starts afresh", `{"tool_calls":[{"id":"a"}],"tool_calls":[],"tool_calls":[{}]}`, "", ""},
	{"null starts afresh", `{"tool_calls":[{"id":"a"}],"tool_calls":null,"tool_calls":[{"name":"f"}]}`, "|f|<nil>\n", ""},
	{"a null element keeps the earlier one", `{"tool_calls":[{"id":"a"}],"tool_calls":[null,null]}`, "a||<nil>\n", ""},
	{"calls without id and name are left out", `{"tool_calls":[{"arguments":1},{"id":"a","arguments":{}}]}`, "a||{}\n", ""},
	{"id not a string", `{"tool_calls":[{"id":"a","name":"f"},{"id":1}]}`, "", ""},
	{"name an object", `{"tool_calls":[{"id":"a","name":{}}]}`, "", ""},
	{"tool_calls an object", `{"tool_calls":{"id":"a"}}`, "", ""},
	{"tool_calls a string", `{"tool_calls":"x"}`, "", ""},
	{"an element not an object", `{"tool_calls":[{"id":"a"},"x"]}`, "", ""},
	{"a type error after the calls", `{"tool_calls":[{"id":"a"}],"tool_calls":[true]}`, "", ""},
	{"other members of any type", `{"tool_calls":[{"id":"a","type":1,"function":{"name":"f"}}],"x":[{}]}`, "a||<nil>\n", ""},
	{"not an object", `[{"tool_calls":[{"id":"a"}]}]`, "", ""},
	{"a string", `"{\"tool_calls\":[{\"id\":\"a\"}]}"`, "", ""},
	{"null", `null`, "", ""},
	{"trailing comma", `{"tool_calls":[{"id":"a"}],}`, "", ""},
	{"trailing text", `{"tool_calls":[{"id":"a"}]} x`, "", ""},
	{"two documents", `{"tool_calls":[{"id":"a"}]}{}`, "", ""},
	{"control byte in a string", "{\"tool_calls\":[{\"id\":\"a\x01\"}]}", "", ""},
	{"bad escape", `{"tool_calls":[{"id":"a"}],"x":"\x"}`, "", ""},
	{"leading zero", `{"tool_calls":[{"id":"a"}],"x":01}`, "", ""},
	{"bad literal", `{"tool_calls":[{"id":"a"}],"x":nul}`, "", ""},
	{"unterminated", `{"tool_calls":[{"id":"a"}]`, "", ""},
	{"escapes", `{"tool_calls":[{"id":"c\u00e9\ud83d\ude00\n\/\"","name":"f\\"}]}`, "c\u00e9\U0001F600\n/\"|f\\|<nil>\n", ""},
	{"lone surrogates", `{"tool_calls":[{"id":"\ud800x\udc00\ud800\ud800\udc00"}]}`, "\ufffdx\ufffd\ufffd\U00010000||<nil>\n", ""},
	{"invalid UTF-8", "{\"tool_calls\":[{\"id\":\"a\xff\xed\xa0\x80b\"}]}", "a\ufffd\ufffd\ufffd\ufffdb||<nil>\n", ""},
	{"arguments a string holding JSON", `{"tool_calls":[{"id":"a","arguments":"{\"city\":\"Paris\"}"}]}`, "a||{\"city\":\"Paris\"}\n", ""},
	{"arguments a string holding JSON with white space", `{"tool_calls":[{"id":"a","arguments":" [1] "}]}`, "a|| [1] \n", ""},
	{"arguments a string holding a string", `{"tool_calls":[{"id":"a","arguments":"\"x\""}]}`, "a||\"x\"\n", ""},
	{"arguments a string of text", `{"tool_calls":[{"id":"a","arguments":"Paris"}]}`, "a||\"Paris\"\n", ""},
	{"arguments an empty string", `{"tool_calls":[{"id":"a","arguments":""}]}`, "a||\"\"\n", ""},
	{"arguments a string of invalid UTF-8 JSON", "{\"tool_calls\":[{\"id\":\"a\",\"arguments\":\"\\\"\xff\\\"\"}]}", "a||\"\ufffd\"\n", ""},
	{"nesting at encoding/json's limit", `{"tool_calls":[{"id":"a","arguments":` + nested(9997) + `}]}`, "a||" + nested(9997) + "\n", ""},
	{"nesting past encoding/json's limit", `{"tool_calls":[{"id":"a","arguments":` + nested(9998) + `}]}`, "", ""},
	{"nesting past 64 levels", `{"tool_calls":[{"id":"a","arguments":[` + strings.Repeat(`{"a":[`, 40) + `1` + strings.Repeat(`]}`, 40) + `]}]}`,
		"a||[" + strings.Repeat(`{"a":[`, 40) + `1` + strings.Repeat(`]}`, 40) + "]\n", ""},

	{"messages", `{"messages":[{"role":"user","content":"hi"},{"role":"assistant","tool_calls":[{"id":"c1","name":"f","arguments":"{}"}]},` +
		`{"tool_calls":[{"id":"c2","name":"g"}]}],"tool_calls":[{"id":"c3"}]}`, "c3||<nil>\n", "c1|f|{}\nc2|g|<nil>\n"},
	{"messages fold case", `{"me` + "\u017f\u017f" + `ages":[{"Tool_Calls":[{"id":"c1"}]}]}`, "", "c1||<nil>\n"},
	{"a repeated messages array decodes into the earlier messages",
		`{"messages":[{"tool_calls":[{"id":"a","name":"f"}]},{"tool_calls":[{"id":"b"}]}],"messages":[{"tool_calls":[{"arguments":5}]}]}`,
		"", "a|f|5\n"},
	{"messages past a shorter array",
		`{"messages":[{"tool_calls":[{"id":"a"}]},{"x":1},{"tool_calls":[{"id":"b"},{"id":"b2"}]}],"messages":[{}],"messages":[{},null,{"tool_calls":[{"name":"g"}]},{}]}`,
		"", "a||<nil>\nb|g|<nil>\n"},
	{"tool calls past a shorter array in a message",
		`{"messages":[{"tool_calls":[{"id":"a"},{"id":"b"}],"tool_calls":[{}],"tool_calls":[{"name":"f"},{}]}]}`,
		"", "a|f|<nil>\nb||<nil>\n"},
	{"messages null starts afresh", `{"messages":[{"tool_calls":[{"id":"a"}]}],"messages":null,"messages":[{}]}`, "", ""},
	{"messages empty starts afresh", `{"messages":[{"tool_calls":[{"id":"a"}]}],"messages":[],"messages":[{},{"tool_calls":[{"id":"b"}]}]}`, "", "b||<nil>\n"},
	{"a message not an object", `{"messages":[{"tool_calls":[{"id":"a"}]},1]}`, "", ""},
	{"messages an object", `{"messages":{"tool_calls":[{"id":"a"}]}}`, "", ""},
	{"tool_calls a number in a message", `{"messages":[{"tool_calls":[{"id":"a"}]},{"tool_calls":2}]}`, "", ""},
	{"a type error in the ignored member", `{"messages":[{"tool_calls":[{"id":"a"}]}],"tool_calls":2}`, "", "a||<nil>\n"},
	{"a type error in the other ignored member", `{"messages":2,"tool_calls":[{"id":"a"}]}`, "a||<nil>\n", ""},
}

func TestToolCallsMatchEncodingJSON(t *testing.T) {
	for _, c := range toolCallsCases {
		for _, input := range []bool{false, true} {
			want := c.out
			if input {
				want = c.in
			}
			if got := callsString(readToolCalls([]byte(c.doc), input, nil)); got != want {
				t.Errorf("%s (input %v): got\n%swant\n%s", c.name, input, got, want)
			}
		}
		if d := toolCallsDiff([]byte(c.doc)); d != "" {
			t.Errorf("%s: %s", c.name, d)
		}
	}
}

// The oracle agrees with the cases: they state what encoding/json does.
func TestToolCallsCasesAreEncodingJSON(t *testing.T) {
	for _, c := range toolCallsCases {
		if got := callsString(oracleOutputCalls([]byte(c.doc), nil)); got != c.out {
			t.Errorf("%s: encoding/json finds\n%sas an output, the case says\n%s", c.name, got, c.out)
		}
		if got := callsString(oracleInputCalls([]byte(c.doc), nil)); got != c.in {
			t.Errorf("%s: encoding/json finds\n%sas an input, the case says\n%s", c.name, got, c.in)
		}
	}
}

func TestNoArguments(t *testing.T) {
	for _, c := range []struct {
		in   string
		want bool
	}{
		{"", true}, {"  null\n", true}, {`""`, true}, {"{}", true}, {"[]", true}, {"\u00a0[]\v", true},
		{`{"args": [], "kwargs": {}}`, true},
		{"\u00a0\u2003{\"args\":[],\"kwargs\":{}}\u3000", true},
		{`{"kwargs":{},"args":[]}`, true},
		{`{"args":[1],"args":[],"kwargs":{}}`, true},
		{`{"args":[],"kwargs":{},"args":null}`, false},
		{`{"\u0061rgs":[],"kw\u0061rgs":{}}`, true},
		{`{"args":[],"kwargs":{},"x":1}`, false},
		{`{"ARGS":[],"kwargs":{}}`, false},
		{`{"args":[ ],"kwargs":{}}`, false},
		{`{"args":[],"kwargs":{"a":1}}`, false},
		{`{"args":[]}`, false},
		{`{"args":[],"kwargs":{}`, false},
		{`{"args":[],"kwargs":{}}x`, false},
		{`{"args":[],"kwargs":{},}`, false},
		{`{"args":[],"kwargs":{}, "other":` + nested(20000), false},
		{`{ }`, false},
		{`{"city":"Paris"}`, false},
		{`[1]`, false},
		{`"x"`, false},
		{"{\"args\":[],\"kwargs\":{},\"a\xff\":1}", false},
	} {
		if got := noArguments([]byte(c.in)); got != c.want {
			t.Errorf("noArguments(%q) = %v, want %v", c.in, got, c.want)
		}
		if got := oracleNoArguments([]byte(c.in)); got != c.want {
			t.Errorf("encoding/json: noArguments(%q) = %v, the case says %v", c.in, got, c.want)
		}
	}
}

func TestValidJSONMatchesEncodingJSON(t *testing.T) {
	for _, s := range []string{"", " ", "1", " 1 ", "-", "-0", "-01", "1.", "1.5e", "1.5e+3", "1E9", "tru", "true",
		`"a`, `"\u12"`, `"\u12g4"`, `"\uABCD"`, "\"\x7f\xff\"", "[1,]", "[,1]", "{\"a\"}", `{"a":1,}`, `{"a":1 "b":2}`,
		"[1]\x00", nested(10000), nested(10001), "[" + nested(9999) + "," + nested(9999) + "]"} {
		if d := toolCallsDiff([]byte(s)); d != "" {
			t.Errorf("%.40q: %s", s, d)
		}
		if got, want := validJSON([]byte(s)), jsonValid([]byte(s)); got != want {
			t.Errorf("validJSON(%.40q) = %v, encoding/json %v", s, got, want)
		}
	}
}

// The reader allocates nothing for a document without tool calls.
func TestToolCallsReadWithoutAllocating(t *testing.T) {
	in := []byte(`{"messages":[{"role":"user","content":"what is the \"weather\"?\n"},{"role":"assistant","content":"tool_calls"}]}`)
	noArgs := []byte(`{"args": [], "kwargs": {}}`)
	if n := testing.AllocsPerRun(100, func() {
		if readToolCalls(in, true, nil) != nil || !noArguments(noArgs) || noArguments(in) {
			t.Fatal("wrong answer")
		}
	}); n != 0 {
		t.Errorf("%v allocations", n)
	}
}

// shapeGen builds a JSON document from fuzz bytes, of the shapes that matter to the
// reader: objects whose members are named like the fields (in other cases, folded,
// escaped, repeated), arrays of them, nulls, strings holding JSON, and now and then a
// value of the wrong type or a piece of invalid JSON.
type shapeGen struct {
	in  []byte
	out []byte
}

func (g *shapeGen) next() int {
	if len(g.in) == 0 {
		return 0
	}
	b := g.in[0]
	g.in = g.in[1:]
	return int(b)
}

var shapeNames = []string{`"tool_calls"`, `"messages"`, `"id"`, `"name"`, `"arguments"`, `"TOOL_CALLS"`, `"Messages"`,
	`"ID"`, `"nAmE"`, `"ARGUMENTS"`, `"tool_call` + "\u017f" + `"`, `"argument\u017f"`, `"\u0130d"`, `"tool\u005fcalls"`,
	`"role"`, `"args"`, `"kwargs"`, `"content"`, `"i` + "\xff" + `d"`}

var shapeScalars = []string{`null`, `"c1"`, `"get_weather"`, `""`, `1`, `-0.5e3`, `true`, `"{\"city\":\"Paris\"}"`,
	`" [1] "`, `"\"x\""`, `"\ud800\udc00\u00e9\n"`, `"a` + "\xff" + `"`, `"Paris"`, `[]`, `{}`, `"c2"`, `null`}

var shapeInvalid = []string{`01`, `"\q"`, `nul`, `[1,]`, "\"\x01\"", `{"a"}`}

func (g *shapeGen) value(depth int) {
	switch c := g.next(); {
	case c == 255:
		g.out = append(g.out, shapeInvalid[g.next()%len(shapeInvalid)]...)
	case depth >= 6 || c%8 < 3:
		g.out = append(g.out, shapeScalars[g.next()%len(shapeScalars)]...)
	case c%8 < 6:
		g.object(depth + 1)
	default:
		g.array(depth)
	}
}

// array writes an array of objects and nulls.
func (g *shapeGen) array(depth int) {
	g.out = append(g.out, '[')
	for i := range g.next() % 4 {
		if i > 0 {
			g.out = append(g.out, ',')
		}
		if g.next()%4 == 0 || depth >= 6 {
			g.out = append(g.out, "null"...)
		} else {
			g.object(depth + 1)
		}
	}
	g.out = append(g.out, ']')
}

func (g *shapeGen) object(depth int) {
	g.out = append(g.out, '{')
	for i := range g.next() % 5 {
		if i > 0 {
			g.out = append(g.out, ',')
		}
		k := g.next()
		if k < 160 { // mostly the five names the reader looks for
			k %= 5
		}
		g.out = append(g.out, shapeNames[k%len(shapeNames)]...)
		g.out = append(g.out, ':')
		switch t := g.next(); {
		case t >= 224: // any value, of the wrong type as often as not
			g.value(depth)
		case k%5 < 2: // tool_calls, messages: mostly an array of objects
			g.array(depth)
		case k%5 < 4: // id, name: mostly a string
			g.out = append(g.out, shapeScalars[[]int{1, 2, 3, 10, 11, 15, 0}[t%7]]...)
		default:
			g.value(depth)
		}
	}
	g.out = append(g.out, '}')
}

// FuzzToolCallsShapes is FuzzToolCalls on documents built from the fuzz bytes (shapeGen),
// which reach repeated names, nulls and type errors far more often than mutated bytes do.
func FuzzToolCallsShapes(f *testing.F) {
	f.Add([]byte{3, 4, 0, 7, 3, 1, 4, 2, 1, 3, 4, 0, 7, 2, 1, 4, 5, 1})
	f.Add([]byte{5, 4, 1, 7, 3, 1, 4, 3, 2, 1, 3, 4, 2, 0, 7, 2, 1, 4, 1, 0, 5, 3})
	f.Add([]byte("tool_calls and messages, repeated"))
	f.Fuzz(func(t *testing.T, in []byte) {
		g := shapeGen{in: in}
		g.object(0)
		if d := toolCallsDiff(g.out); d != "" {
			t.Errorf("%q: %s", g.out, d)
		}
	})
}
