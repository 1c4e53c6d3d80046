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

// rows returns the rows of t by table field name (all included).
func rows(t *table) map[string][]*dialect {
	out := map[string][]*dialect{}
	rv := reflect.ValueOf(t).Elem()
	for i := 0; i < rv.NumField(); i++ {
		out[rv.Type().Field(i).Name] = *(*[]*dialect)(unsafe.Pointer(rv.Field(i).UnsafeAddr()))
	}
	return out
}

// everyRow returns a table whose every row is ds.
func everyRow(ds []*dialect) *table {
	t := &table{}
	rv := reflect.ValueOf(t).Elem()
	for i := 0; i < rv.NumField(); i++ {
		*(*[]*dialect)(unsafe.Pointer(rv.Field(i).UnsafeAddr())) = ds
	}
	return t
}

// defining returns, per table row, the dialects of ds that define its concern's rule or
// keys: compile records an entry of a dialect in a row exactly when it has something to say
// there (ruleset.go gather, concat).
func defining(ds []*dialect) map[string][]*dialect {
	out := map[string][]*dialect{}
	for _, e := range compile(everyRow(ds)).order {
		if !slices.Contains(out[e.row], e.dialect) {
			out[e.row] = append(out[e.row], e.dialect)
		}
	}
	return out
}

// A dialect is listed in a row of the precedence table exactly when it defines that
// concern's rule or keys: a rule defined but not registered would never run, a dialect
// registered without the rule would hold a place that says nothing. Every dialect is in
// precedence.all (detection, content and JSON keys are read from there), once. Which
// dialect field a row orders is compile's (ruleset.go), not a copy kept here.
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
	defined := defining(all)
	for name, row := range rows(&precedence) {
		if name == "all" {
			continue
		}
		for i, d := range row {
			if !slices.Contains(all, d) {
				t.Errorf("%s: %q is not in precedence.all", name, d.name)
			}
			if slices.Index(row, d) != i {
				t.Errorf("%s: %q is listed twice", name, d.name)
			}
			if !slices.Contains(defined[name], d) {
				t.Errorf("%s: %q is listed but defines no %s rule or keys", name, d.name, name)
			}
		}
		for _, d := range defined[name] {
			if !slices.Contains(row, d) {
				t.Errorf("%s: %q defines a %s rule or keys but is not listed in precedence.%s", name, d.name, name, name)
			}
		}
	}
	// Each field of dialect that holds a rule or keys is read by compile from some row (a
	// new field needs its row and its list).
	fromTable := map[string]bool{"name": true}
	probe := &dialect{name: "probe"}
	rv := reflect.ValueOf(probe).Elem()
	for i := 0; i < rv.NumField(); i++ {
		f := rv.Type().Field(i)
		if fromTable[f.Name] {
			continue
		}
		field := reflect.NewAt(f.Type, unsafe.Pointer(rv.Field(i).UnsafeAddr())).Elem() // unexported
		setNonZero(t, field)
		if len(defining([]*dialect{probe})) == 0 {
			t.Errorf("dialect field %s is read from no row of the precedence table (compile, ruleset.go)", f.Name)
		}
		field.SetZero()
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
