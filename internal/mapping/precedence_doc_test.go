package mapping

import (
	"bytes"
	"flag"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite testdata/precedence.golden and docs/precedence.md")

const (
	precedenceGolden = "testdata/precedence.golden"
	precedenceDoc    = "../../docs/precedence.md"
)

// listFields says, for each list of the ruleset, which event field (or what) it feeds.
// A new ruleset list needs its line here (TestPrecedenceGolden fails until it has one).
var listFields = map[string]string{
	"typeRules":              "`type`, `metadata.kind`",
	"requestRules":           "`input` of a model call: a whole request kept in one value",
	"inputRules":             "`input.messages`, `input.system` of a model call",
	"toolsRules":             "`input.tools` of a model call",
	"outputRules":            "`output` of a model call (response, tool calls)",
	"finishSteps":            "`output.finish_reason`",
	"valueDecodeInputRules":  "`input` of other spans: values a dialect encodes its own way (before any value key)",
	"valueDecodeOutputRules": "`output` of other spans: values a dialect encodes its own way (before any value key)",
	"valueInputKeys":         "`input` of other spans (not tools)",
	"valueOutputKeys":        "`output` of other spans (not tools)",
	"toolInputKeys":          "`input` of tool spans",
	"toolOutputKeys":         "`output` of tool spans",
	"valueEventInputRules":   "`input` from span events (after every value key)",
	"valueEventOutputRules":  "`output` from span events (after every value key)",
	"detectPrefixes":         "detection of gen_ai semantics (`GenAISemantics`, `otelbridge.GenAIOnly`): key prefixes (or whole keys) of a dialect; also any `gen_ai.` span event and any token count the fallback reads (fallback.go)",
	"detectScopes":           "detection of gen_ai semantics: instrumentation scopes whose spans carry a dialect",
	"contentKeys":            "content keys: consumed by `input` / `output`, never copied into `metadata` (a set)",
	"contentPrefixes":        "content key prefixes: every key under them is consumed (a set)",
	"contentShownRules":      "keys whose value `input` / `output` already shows: consumed",
	"indexedContentPrefixes": "prefixes under which only indexed keys (`{prefix}{i}.…`) are content (a set)",
	"jsonStringKeys":         "`metadata`: string values that are JSON by definition, stored as objects (a set)",
	"toolCallIDKeys":         "tool spans without arguments: the tool call id they execute (arguments from that call)",
	"toolNameKeys":           "tool spans without arguments: the tool name (arguments from the one call of that tool)",
	"promptKeys":             "`usage.prompt_tokens`",
	"completionKeys":         "`usage.completion_tokens`",
	"totalKeys":              "`usage.total_tokens`",
	"cachedKeys":             "`usage.cached_tokens`",
	"cacheCreationKeys":      "`metadata.cache_creation_tokens` (counted in `usage.prompt_tokens`)",
	"reasoningKeys":          "`usage.reasoning_tokens`",
	"costKeys":               "`usage.cost_usd`",
	"embeddingTokenKeys":     "`usage.prompt_tokens` and `usage.total_tokens` of an embedding call with no prompt / total key",
	"noCacheKeys":            "`usage`: prompt tokens without cache reads and writes (settles the exclusive form)",
	"anthropicInputKeys":     "`usage`: prompt keys that hold Anthropic's own input_tokens for provider anthropic",
	"usageRules":             "`usage` kept in a structured value, when no usage key says anything",
	"modelKeys":              "`model` (response, then request, then a name)",
	"modelRules":             "`model` when no model key names one",
	"providerKeys":           "`provider`",
	"providerRules":          "`provider` when no provider key names one",
	"frameworkSystems":       "provider-key values naming the framework, not the provider: skipped (a set)",
	"anthropicUsageRules":    "`usage` of provider anthropic: the raw Messages API usage object",
	"anthropicCacheRules":    "`usage.cached_tokens`, cache creation of provider anthropic outside the usage keys",
	"failureRules":           "`status`, `error.message`: a dialect's own failure signal",
	"conversationKeys":       "`threadId` (`metadata.conversation_id`)",
	"userKeys":               "`userId`",
	"sessionKeys":            "`sessionId`",
	"tagKeys":                "`tags`",
	"metaConversationKeys":   "`threadId`: keys inside OpenInference's `metadata` JSON, after every conversation key",
	"metaUserKeys":           "`userId`: keys inside OpenInference's `metadata` JSON, after every user key",
	"metaSessionKeys":        "`sessionId`: keys inside OpenInference's `metadata` JSON, after every session key",
	"conversationRules":      "`threadId` a dialect spells in several keys, after every conversation key",
}

// pkgSource is what the precedence dump needs from the package's own source: the file and
// variable name of each dialect value, and the functions that read each ruleset list.
type pkgSource struct {
	dialectVar, dialectFile map[string]string   // by dialect.name
	readers                 map[string][]string // by ruleset field: "`func` ([file.go](…))"
}

func readPkgSource(t *testing.T) pkgSource {
	t.Helper()
	src := pkgSource{dialectVar: map[string]string{}, dialectFile: map[string]string{}, readers: map[string][]string{}}
	lists := map[string]bool{}
	for _, f := range reflect.VisibleFields(reflect.TypeFor[ruleset]()) {
		lists[f.Name] = true
	}
	fset := token.NewFileSet()
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, decl := range f.Decls {
			switch decl := decl.(type) {
			case *ast.GenDecl:
				for _, spec := range decl.Specs {
					vs, ok := spec.(*ast.ValueSpec)
					if !ok {
						continue
					}
					for i, v := range vs.Values {
						if dn := dialectLitName(v); dn != "" {
							src.dialectVar[dn], src.dialectFile[dn] = vs.Names[i].Name, name
						}
					}
				}
			case *ast.FuncDecl:
				if name == "ruleset.go" { // compile builds the lists
					continue
				}
				ast.Inspect(decl, func(n ast.Node) bool {
					if sel, ok := n.(*ast.SelectorExpr); ok && lists[sel.Sel.Name] {
						r := "`" + decl.Name.Name + "` (" + fileLink(name) + ")"
						if !slices.Contains(src.readers[sel.Sel.Name], r) {
							src.readers[sel.Sel.Name] = append(src.readers[sel.Sel.Name], r)
						}
					}
					return true
				})
			}
		}
	}
	return src
}

// dialectLitName returns the name field of a &dialect{…} literal, or "".
func dialectLitName(e ast.Expr) string {
	u, ok := e.(*ast.UnaryExpr)
	if !ok || u.Op != token.AND {
		return ""
	}
	cl, ok := u.X.(*ast.CompositeLit)
	if id, isID := cl.Type.(*ast.Ident); !ok || !isID || id.Name != "dialect" {
		return ""
	}
	for _, el := range cl.Elts {
		if kv, ok := el.(*ast.KeyValueExpr); ok {
			if k, ok := kv.Key.(*ast.Ident); ok && k.Name == "name" {
				if lit, ok := kv.Value.(*ast.BasicLit); ok {
					s, _ := strconv.Unquote(lit.Value)
					return s
				}
			}
		}
	}
	return ""
}

// ruleName returns a rule's function name (without the package path) and its file.
func ruleName(rule any) (name, file string) {
	pc := reflect.ValueOf(rule).Pointer()
	fn := runtime.FuncForPC(pc)
	name = fn.Name()
	name = name[strings.LastIndex(name, "/")+1:]
	name = strings.TrimPrefix(name, "mapping.")
	file, _ = fn.FileLine(pc)
	return name, filepath.Base(file)
}

// listOrder groups a ruleset's order by list, lists in the order compile builds them.
func listOrder(r *ruleset) (names []string, entries map[string][]ruleEntry) {
	entries = map[string][]ruleEntry{}
	for _, e := range r.order {
		if _, ok := entries[e.list]; !ok {
			names = append(names, e.list)
		}
		entries[e.list] = append(entries[e.list], e)
	}
	return names, entries
}

// dumpPrecedence writes the resolved order of r, list by list: each entry's position, table
// row, dialect (its variable in the table) and key or rule.
func dumpPrecedence(r *ruleset, src pkgSource) []byte {
	var b bytes.Buffer
	b.WriteString("# The precedence table (precedence.go) as compile (ruleset.go) resolves it.\n")
	b.WriteString("# Regenerate: go test ./internal/mapping -run Precedence -update\n")
	names, entries := listOrder(r)
	for _, list := range names {
		fmt.Fprintf(&b, "\n%s\n", list)
		for i, e := range entries[list] {
			what := strconv.Quote(e.key)
			if e.rule != nil {
				n, _ := ruleName(e.rule)
				what = "rule " + n
			}
			fmt.Fprintf(&b, "  %2d  %-19s %-21s %s\n", i+1, e.row, dialectVar(src, e.dialect), what)
		}
	}
	return b.Bytes()
}

func dialectVar(src pkgSource, d *dialect) string {
	if v := src.dialectVar[d.name]; v != "" {
		return v
	}
	return d.name
}

// precedenceMarkdown writes docs/precedence.md: per ruleset list, the event field it feeds,
// the functions that read it, and its entries with their dialect and file; then an index of
// every key.
func precedenceMarkdown(r *ruleset, src pkgSource) []byte {
	var b bytes.Buffer
	b.WriteString(`# Where each attribute key is read

<!-- Generated from the code; do not edit. -->

The mapping core (` + "`internal/mapping`" + `) reads every dialect through one table,
` + "`precedence`" + ` in ` + fileLink("precedence.go") + `: for each concern, the dialects in the order
they are asked. ` + "`NewMapper`" + ` compiles it (` + "`compile`" + `, ` + fileLink("ruleset.go") + `) into the
lists below. For a list of rules the first rule that knows the span decides; for a list of
keys the first key present on the span wins. Each entry names its dialect — the variable in
the table, declared in the file shown — and the table row it comes from. The same order, as
plain text, is pinned by ` + "`internal/mapping/testdata/precedence.golden`" + `; both are
generated, and a test fails when they are stale:

    go test ./internal/mapping -run Precedence -update

To add a dialect: declare its ` + "`&dialect{…}`" + ` value in a file of its own, list it in
` + "`precedence.all`" + ` and in each row of the table whose concern it fills, where it should win
or lose (` + "`TestPrecedenceTableConsistent`" + ` names every row it is missing from), then
run the command above and read the diff of this page.

`)
	names, entries := listOrder(r)
	b.WriteString("| list | feeds | read by |\n|---|---|---|\n")
	for _, list := range names {
		fmt.Fprintf(&b, "| [%s](#%s) | %s | %s |\n", list, strings.ToLower(list), listFields[list], strings.Join(src.readers[list], ", "))
	}
	for _, list := range names {
		fmt.Fprintf(&b, "\n## %s\n\n%s. Read by %s.\n\n", list, capitalize(listFields[list]), strings.Join(src.readers[list], ", "))
		b.WriteString("| # | key or rule | dialect | row |\n|---|---|---|---|\n")
		for i, e := range entries[list] {
			what, file := "`"+e.key+"`", src.dialectFile[e.dialect.name]
			if e.rule != nil {
				var n string
				n, file = ruleName(e.rule)
				what = "rule `" + n + "`"
			}
			fmt.Fprintf(&b, "| %d | %s | `%s` (%s) | %s |\n", i+1, what, dialectVar(src, e.dialect), fileLink(file), e.row)
		}
	}
	b.WriteString("\n## Index of keys\n\nEvery attribute key above, with the lists (and positions) that read it.\n\n")
	b.WriteString("| key | read as |\n|---|---|\n")
	where := map[string][]string{}
	for _, list := range names {
		for i, e := range entries[list] {
			if e.rule == nil {
				where[e.key] = append(where[e.key], fmt.Sprintf("[%s](#%s) %d", list, strings.ToLower(list), i+1))
			}
		}
	}
	keys := make([]string, 0, len(where))
	for k := range where {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		fmt.Fprintf(&b, "| `%s` | %s |\n", k, strings.Join(where[k], ", "))
	}
	return b.Bytes()
}

// fileLink links a file of the package from docs/.
func fileLink(file string) string { return "[" + file + "](../internal/mapping/" + file + ")" }

func capitalize(s string) string {
	if s == "" || s[0] == '`' {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// The resolved order of the precedence table is pinned by testdata/precedence.golden, and
// docs/precedence.md is generated from it: a change of order, a new key or a new dialect
// shows as a diff of both (go test ./internal/mapping -run Precedence -update rewrites them).
// The first key present wins, so the order is behaviour.
func TestPrecedenceGolden(t *testing.T) {
	r := compile(&precedence)
	src := readPkgSource(t)

	// Every list of the ruleset is recorded in its order, from a row of the table, and
	// says what it feeds; every dialect is found in the source.
	names, entries := listOrder(r)
	rows := map[string]bool{}
	for _, f := range reflect.VisibleFields(reflect.TypeFor[table]()) {
		rows[f.Name] = true
	}
	for _, f := range reflect.VisibleFields(reflect.TypeFor[ruleset]()) {
		if f.Name == "order" || !isList(f.Type) {
			continue
		}
		if !slices.Contains(names, f.Name) {
			t.Errorf("ruleset.%s: no entry in order (compile records every list)", f.Name)
		}
		if listFields[f.Name] == "" {
			t.Errorf("ruleset.%s: no line in listFields (what it feeds, for docs/precedence.md)", f.Name)
		}
		if len(src.readers[f.Name]) == 0 {
			t.Errorf("ruleset.%s: read by no function", f.Name)
		}
	}
	for _, list := range names {
		for _, e := range entries[list] {
			if !rows[e.row] {
				t.Errorf("%s: row %q is no field of table", list, e.row)
			}
			if src.dialectFile[e.dialect.name] == "" {
				t.Errorf("%s: dialect %q declared in no file of the package", list, e.dialect.name)
			}
		}
	}
	// The recorded order is, entry for entry, the lists the mapping reads.
	rv := reflect.ValueOf(r).Elem()
	for _, f := range reflect.VisibleFields(rv.Type()) {
		if f.Name == "order" || !isList(f.Type) {
			continue
		}
		var got, want []string
		for _, e := range entries[f.Name] {
			got = append(got, entryString(e.key, e.rule))
		}
		switch v := rv.FieldByIndex(f.Index); {
		case f.Name == "finishSteps":
			for _, st := range r.finishSteps {
				if st.rule != nil {
					want = append(want, entryString("", st.rule))
				}
				for _, k := range st.keys {
					want = append(want, entryString(k, nil))
				}
			}
		case v.Kind() == reflect.Map:
			for _, k := range v.MapKeys() {
				want = append(want, entryString(k.String(), nil))
			}
			slices.Sort(want)
			got = slices.Compact(slices.Sorted(slices.Values(got)))
		case v.Type().Elem().Kind() == reflect.String:
			for i := range v.Len() {
				want = append(want, entryString(v.Index(i).String(), nil))
			}
		default: // rules
			for i := range v.Len() {
				want = append(want, fmt.Sprintf("rule %#x", v.Index(i).Pointer()))
			}
		}
		if !slices.Equal(got, want) {
			t.Errorf("ruleset.%s: order records\n%q\nthe list is\n%q", f.Name, got, want)
		}
	}

	for _, out := range []struct {
		path string
		data []byte
	}{
		{precedenceGolden, dumpPrecedence(r, src)},
		{precedenceDoc, precedenceMarkdown(r, src)},
	} {
		if *update {
			if err := os.WriteFile(out.path, out.data, 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		want, err := os.ReadFile(out.path)
		if err != nil {
			t.Fatalf("%v (go test ./internal/mapping -run Precedence -update writes it)", err)
		}
		if !bytes.Equal(out.data, want) {
			t.Errorf("%s is stale: the precedence table resolves to another order or the docs changed;\n"+
				"run go test ./internal/mapping -run Precedence -update and read the diff\n%s",
				out.path, firstDiff(string(want), string(out.data)))
		}
	}
}

// entryString names a key or a rule (by its code pointer) for comparison.
func entryString(key string, rule any) string {
	if rule != nil {
		return fmt.Sprintf("rule %#x", reflect.ValueOf(rule).Pointer())
	}
	return key
}

// firstDiff returns the first differing line of want and got.
func firstDiff(want, got string) string {
	wl, gl := strings.Split(want, "\n"), strings.Split(got, "\n")
	for i := 0; i < max(len(wl), len(gl)); i++ {
		var w, g string
		if i < len(wl) {
			w = wl[i]
		}
		if i < len(gl) {
			g = gl[i]
		}
		if w != g {
			return fmt.Sprintf("line %d:\n want %q\n  got %q", i+1, w, g)
		}
	}
	return ""
}

// isList reports whether a ruleset field is a list of keys or rules (a slice or a map); a
// count such as modelResponseN only describes one.
func isList(t reflect.Type) bool { return t.Kind() == reflect.Slice || t.Kind() == reflect.Map }
