// Package oracle runs the pinned npm package @pydantic/genai-prices's own calcPrice with node
// (scripts/genai-prices.mjs, which installs the package under _build/genai-prices/ once), for
// the tests that compare Go prices with it: internal/mapping/prices/oracle_test.go (the
// table's models) and internal/mapping/cost_oracle_test.go (every llm event of the captures).
//
// Without node (or without npm registry access for the first install) Run skips the test,
// unless LLMTRACE_REQUIRE_NODE=1 (set by `make test`): then it fails.
package oracle

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"strings"
	"testing"
)

// Case is one calcPrice call. With Chain the script searches as prices.Table.Lookup does
// (provider names through Aliases, model-name candidates), calcPrice being each step;
// otherwise it calls calcPrice(Usage, Model, {providerId: Provider, timestamp}) once.
type Case struct {
	Provider string             `json:"provider"`
	Model    string             `json:"model"`
	Usage    map[string]float64 `json:"usage"` // calcPrice usage keys (input_tokens, cache_read_tokens, ...), tokens
	TimeMS   int64              `json:"time_ms"`
	Chain    bool               `json:"chain"`
}

// Result is calcPrice's answer to one Case.
type Result struct {
	Found         bool    `json:"found"`
	Provider      string  `json:"provider"`       // the provider id searched
	Model         string  `json:"model"`          // the matched model id
	ContextWindow int64   `json:"context_window"` // tokens; 0 when the model has none
	TotalPrice    float64 `json:"total_price"`    // USD
	Error         string  `json:"error"`          // calcPrice threw (inconsistent usage)
}

// Run runs calcPrice of the package version over cases from the repository root root.
// aliases maps provider names to table provider ids for Chain cases
// (prices.ProviderAliases).
func Run(t testing.TB, root, version string, aliases map[string]string, cases []Case) []Result {
	t.Helper()
	required := os.Getenv("LLMTRACE_REQUIRE_NODE") == "1"
	unavailable := func(format string, args ...any) {
		t.Helper()
		if required {
			t.Fatalf("LLMTRACE_REQUIRE_NODE=1: "+format, args...)
		}
		t.Skipf(format+" (set LLMTRACE_REQUIRE_NODE=1 to fail instead)", args...)
	}
	node, err := exec.LookPath("node")
	if err != nil {
		unavailable("node is not installed: %v", err)
	}
	in, err := json.Marshal(map[string]any{"cases": cases, "aliases": aliases})
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(node, "scripts/genai-prices.mjs", "oracle", version)
	cmd.Dir = root
	cmd.Stdin = bytes.NewReader(in)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		var ee *exec.ExitError
		if errors.As(err, &ee) && strings.Contains(stderr.String(), "npm install") {
			unavailable("the oracle could not install the npm package: %s", stderr.String())
		}
		t.Fatalf("oracle: %v\n%s", err, stderr.String())
	}
	var res struct {
		Version string   `json:"version"`
		Results []Result `json:"results"`
	}
	if err := json.Unmarshal(out, &res); err != nil {
		t.Fatalf("oracle output: %v", err)
	}
	if len(res.Results) != len(cases) {
		t.Fatalf("oracle returned %d results for %d cases", len(res.Results), len(cases))
	}
	return res.Results
}
