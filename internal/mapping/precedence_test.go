package mapping

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"reflect"
	"slices"
	"strings"
	"testing"
	"unsafe"
)

// concern is one row of the precedence table with the dialect field it orders.
type concern struct {
	name string
	row  []*dialect
	has  func(d *dialect) bool
}

func concerns() []concern {
	p := &precedence
	keys := func(f func(d *dialect) []string) func(d *dialect) bool {
		return func(d *dialect) bool { return len(f(d)) > 0 }
	}
	return []concern{
		{"spanType", p.spanType, func(d *dialect) bool { return d.spanType != nil }},
		{"request", p.request, func(d *dialect) bool { return d.request != nil }},
		{"input", p.input, func(d *dialect) bool { return d.input != nil }},
		{"tools", p.tools, func(d *dialect) bool { return d.tools != nil }},
		{"output", p.output, func(d *dialect) bool { return d.output != nil }},
		{"finishReason", p.finishReason, func(d *dialect) bool { return d.finishReason != nil || len(d.finishReasonKeys) > 0 }},
		{"valueDecode", p.valueDecode, func(d *dialect) bool { return d.valueDecodeInput != nil || d.valueDecodeOutput != nil }},
		{"valueInput", p.valueInput, keys(func(d *dialect) []string { return d.valueKeys.input })},
		{"valueOutput", p.valueOutput, keys(func(d *dialect) []string { return d.valueKeys.output })},
		{"toolInput", p.toolInput, keys(func(d *dialect) []string { return d.valueKeys.toolInput })},
		{"toolOutput", p.toolOutput, keys(func(d *dialect) []string { return d.valueKeys.toolOutput })},
		{"toolCallID", p.toolCallID, keys(func(d *dialect) []string { return d.toolKeys.callID })},
		{"toolName", p.toolName, keys(func(d *dialect) []string { return d.toolKeys.name })},
		{"usageEmbedding", p.usageEmbedding, keys(func(d *dialect) []string { return d.usageKeys.embedding })},
		{"usageNoCache", p.usageNoCache, keys(func(d *dialect) []string { return d.usageKeys.noCache })},
		{"usageAnthropicInput", p.usageAnthropicInput, keys(func(d *dialect) []string { return d.usageKeys.anthropicInput })},
		{"valueEvents", p.valueEvents, func(d *dialect) bool { return d.valueEventInput != nil || d.valueEventOutput != nil }},
		{"usagePrompt", p.usagePrompt, keys(func(d *dialect) []string { return d.usageKeys.prompt })},
		{"usageCompletion", p.usageCompletion, keys(func(d *dialect) []string { return d.usageKeys.completion })},
		{"usageTotal", p.usageTotal, keys(func(d *dialect) []string { return d.usageKeys.total })},
		{"usageCached", p.usageCached, keys(func(d *dialect) []string { return d.usageKeys.cached })},
		{"usageCacheCreation", p.usageCacheCreation, keys(func(d *dialect) []string { return d.usageKeys.cacheCreation })},
		{"usageReasoning", p.usageReasoning, keys(func(d *dialect) []string { return d.usageKeys.reasoning })},
		{"usageCost", p.usageCost, keys(func(d *dialect) []string { return d.usageKeys.cost })},
		{"usage", p.usage, func(d *dialect) bool { return d.usage != nil }},
		{"modelResponse", p.modelResponse, keys(func(d *dialect) []string { return d.modelKeys.response })},
		{"modelRequest", p.modelRequest, keys(func(d *dialect) []string { return d.modelKeys.request })},
		{"modelName", p.modelName, keys(func(d *dialect) []string { return d.modelKeys.name })},
		{"model", p.model, func(d *dialect) bool { return d.model != nil }},
		{"providerKeys", p.providerKeys, keys(func(d *dialect) []string { return d.providerKeys })},
		{"provider", p.provider, func(d *dialect) bool { return d.provider != nil }},
		{"frameworkNames", p.frameworkNames, keys(func(d *dialect) []string { return d.frameworkNames })},
		{"anthropicUsage", p.anthropicUsage, func(d *dialect) bool { return d.anthropicUsage != nil }},
		{"anthropicCache", p.anthropicCache, func(d *dialect) bool { return d.anthropicCache != nil }},
		{"failure", p.failure, func(d *dialect) bool { return d.failure != nil }},
		{"conversation", p.conversation, keys(func(d *dialect) []string { return d.ids.conversation })},
		{"user", p.user, keys(func(d *dialect) []string { return d.ids.user })},
		{"session", p.session, keys(func(d *dialect) []string { return d.ids.session })},
		{"tags", p.tags, keys(func(d *dialect) []string { return d.ids.tags })},
		{"metadataIDs", p.metadataIDs, func(d *dialect) bool {
			return len(d.metadataIDs.conversation)+len(d.metadataIDs.user)+len(d.metadataIDs.session)+len(d.metadataIDs.tags) > 0
		}},
		{"conversationRule", p.conversationRule, func(d *dialect) bool { return d.conversation != nil }},
	}
}

// A dialect is listed in a row of the precedence table exactly when it defines that
// concern's rule or keys: a rule defined but not registered would never run, a dialect
// registered without the rule would hold a place that says nothing. Every dialect is in
// precedence.all (detection, content and JSON keys are read from there), once.
func TestPrecedenceTableConsistent(t *testing.T) {
	all := precedence.all
	for i, d := range all {
		if d == nil || d.name == "" {
			t.Fatalf("precedence.all[%d] is nil or has no name", i)
		}
		if slices.Index(all, d) != i {
			t.Errorf("%q is listed twice in precedence.all", d.name)
		}
		if slices.IndexFunc(all, func(o *dialect) bool { return o.name == d.name }) != i {
			t.Errorf("two dialects are named %q", d.name)
		}
	}
	for _, c := range concerns() {
		for i, d := range c.row {
			if !slices.Contains(all, d) {
				t.Errorf("%s: %q is not in precedence.all", c.name, d.name)
			}
			if slices.Index(c.row, d) != i {
				t.Errorf("%s: %q is listed twice", c.name, d.name)
			}
			if !c.has(d) {
				t.Errorf("%s: %q is listed but defines no %s rule or keys", c.name, d.name, c.name)
			}
		}
		for _, d := range all {
			if c.has(d) && !slices.Contains(c.row, d) {
				t.Errorf("%s: %q defines a %s rule or keys but is not listed in precedence.%s", c.name, d.name, c.name, c.name)
			}
		}
	}
	// Each field of dialect that holds a rule or keys is ordered by some concern (or read
	// from precedence.all): a new field needs its row.
	fromAll := map[string]bool{"name": true, "detect": true, "scopes": true, "content": true, "contentPrefixes": true,
		"indexedContent": true, "contentShown": true, "jsonKeys": true}
	probe := &dialect{}
	rv := reflect.ValueOf(probe).Elem()
	for i := 0; i < rv.NumField(); i++ {
		f := rv.Type().Field(i)
		if fromAll[f.Name] {
			continue
		}
		field := reflect.NewAt(f.Type, unsafe.Pointer(rv.Field(i).UnsafeAddr())).Elem() // unexported
		setNonZero(t, field)
		covered := false
		for _, c := range concerns() {
			if c.has(probe) {
				covered = true
			}
		}
		field.SetZero()
		if !covered {
			t.Errorf("dialect field %s is ordered by no row of the precedence table", f.Name)
		}
	}
}

// setNonZero gives a rule field a function and a key field (or a struct of key lists) keys.
func setNonZero(t *testing.T, v reflect.Value) {
	switch v.Kind() {
	case reflect.Func:
		v.Set(reflect.MakeFunc(v.Type(), func([]reflect.Value) []reflect.Value { return nil }))
	case reflect.Slice:
		v.Set(reflect.ValueOf([]string{"k"}))
	case reflect.Struct:
		for i := 0; i < v.NumField(); i++ {
			setNonZero(t, reflect.NewAt(v.Type().Field(i).Type, unsafe.Pointer(v.Field(i).UnsafeAddr())).Elem())
		}
	default:
		t.Fatalf("dialect field of kind %s", v.Kind())
	}
}

// Every dialect value declared in the package's files (`var x = &dialect{…}`) is registered
// in precedence.all: a dialect file whose value is not in the table would be dead code.
func TestEveryDialectRegistered(t *testing.T) {
	fset := token.NewFileSet()
	entries, err := os.ReadDir(".")
	if err != nil {
		t.Fatal(err)
	}
	declared := 0
	for _, e := range entries {
		if !strings.HasSuffix(e.Name(), ".go") || strings.HasSuffix(e.Name(), "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, e.Name(), nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(f, func(n ast.Node) bool {
			if u, ok := n.(*ast.UnaryExpr); ok && u.Op == token.AND {
				if cl, ok := u.X.(*ast.CompositeLit); ok {
					if id, ok := cl.Type.(*ast.Ident); ok && id.Name == "dialect" {
						declared++
					}
				}
			}
			return true
		})
	}
	if declared != len(precedence.all) {
		t.Errorf("%d dialect values declared in internal/mapping, %d in precedence.all", declared, len(precedence.all))
	}
}
