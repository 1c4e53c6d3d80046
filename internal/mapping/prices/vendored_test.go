package prices

import (
	"encoding/json"
	"strings"
	"testing"
)

// vendoredWith is the vendored file with its providers replaced.
func vendoredWith(t *testing.T, providers string) []byte {
	t.Helper()
	var f map[string]json.RawMessage
	if err := json.Unmarshal(vendoredJSON, &f); err != nil {
		t.Fatal(err)
	}
	f["providers"] = json.RawMessage(providers)
	data, err := json.Marshal(f)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// A vendored provider's models are read on the first Lookup that searches the provider, and
// only then; the table's providers point into the file's bytes.
func TestVendoredModelsReadOnFirstLookup(t *testing.T) {
	data := vendoredWith(t, `[
		{"id": "acme", "model_match": {"starts_with": "acme-"}, "models": [{"id": "acme-1", "match": {"regex": "^acme-1(?!0)"}, "prices": {"input_mtok": 1}}]},
		{"id": "other", "models": [{"id": "o", "match": {"equals": "o"}, "prices": {"input_mtok": 2}}]}]`)
	tb, err := parseVendored(data)
	if err != nil {
		t.Fatal(err)
	}
	acme, other := tb.byID["acme"], tb.byID["other"]
	if acme.vendored.models != nil || other.vendored.models != nil {
		t.Fatal("models parsed before any Lookup")
	}
	if i := strings.Index(string(data), `{"id":"acme"`); i < 0 || &acme.vendored.raw[0] != &data[i] {
		t.Error("the provider's bytes are a copy, not a part of the file")
	}
	if p, ok := tb.Lookup("", "ACME-1", day); !ok || p.ProviderID != "acme" || p.ModelID != "acme-1" {
		t.Errorf("Lookup = %+v %v", p, ok)
	}
	if _, ok := tb.Lookup("", "acme-10", day); ok {
		t.Error("the regex's lookahead was not applied")
	}
	if len(acme.vendored.models) != 1 || other.vendored.models != nil {
		t.Errorf("parsed: acme %d models, other %v; want acme only", len(acme.vendored.models), other.vendored.models)
	}
}

// A vendored model that does not parse (which TestVendoredTable rules out for the embedded
// file) is left out with its error kept; the provider's other models are found, and a regex
// that does not compile matches nothing.
func TestVendoredBadModelLeftOut(t *testing.T) {
	tb, err := parseVendored(vendoredWith(t, `[{"id": "acme", "models": [
		{"id": "bad", "match": {"equals": "m"}, "prices": {"input_mtok": -1}},
		{"id": "bad-regex", "match": {"regex": "m(("}, "prices": {"input_mtok": 3}},
		{"id": "good", "match": {"starts_with": "m"}, "prices": {"input_mtok": 2}}]}]`))
	if err != nil {
		t.Fatal(err)
	}
	if p, ok := tb.Lookup("acme", "m", day); !ok || p.ModelID != "good" {
		t.Errorf("Lookup = %+v %v, want the good model", p, ok)
	}
	v := tb.byID["acme"].vendored
	if v.err == nil || !strings.Contains(v.err.Error(), `providers[0] (provider "acme"): models[0] ("bad"): price "input_mtok" is -1`) {
		t.Errorf("err = %v", v.err)
	}
	if err := compileAll(v.models[0].match); err == nil {
		t.Error("the bad regex compiled")
	}
}
