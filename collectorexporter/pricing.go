package collectorexporter

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strings"

	"go.opentelemetry.io/collector/confmap"

	"github.com/llmtrace/llmtrace/internal/mapping/prices"
)

// PricingConfig overrides the vendored genai-prices table the exporter prices llm events
// with (docs/cost.md, "Overrides"): fine-tunes, negotiated rates, self-hosted
// models at price 0. Both parts have the JSON shape of the vendored file's providers — each
// {id, models: [{id, match, prices, context_window?}], provider_match?} with prices in USD
// per million tokens (input_mtok, cache_read_mtok, cache_write_mtok, output_mtok, ...).
// The inline providers win over the file's, both over the vendored table. Checked at start:
// each mistake is reported in one sentence naming where it is.
type PricingConfig struct {
	// File is a JSON file of override providers (an array, or an object with "providers").
	File string `mapstructure:"file"`
	// Providers are override providers written in the collector YAML.
	Providers []map[string]any `mapstructure:"providers"`

	// prevent unkeyed literal initialization
	_ struct{}
}

// table returns the vendored table with the overrides over it; nil when there are none.
func (p *PricingConfig) table() (*prices.Table, error) {
	var tables [][]byte
	var where []string
	if p.File != "" {
		data, err := os.ReadFile(p.File)
		if err != nil {
			return nil, fmt.Errorf("pricing.file %q cannot be read: %v", p.File, errors.Unwrap(err))
		}
		tables = append(tables, data)
		where = append(where, fmt.Sprintf("pricing.file %q: ", p.File))
	}
	if len(p.Providers) > 0 {
		data, err := json.Marshal(p.Providers)
		if err != nil {
			return nil, fmt.Errorf("pricing.providers cannot be written as JSON: %v", err)
		}
		tables = append(tables, data)
		where = append(where, "pricing.")
	}
	if len(tables) == 0 {
		return nil, nil
	}
	// prices.New names the n-th table "price override n"; say where it is in this config.
	var errs []error
	for i, data := range tables {
		if _, err := prices.New(data); err != nil {
			errs = append(errs, errors.New(strings.ReplaceAll(err.Error(), "price override 1: ", where[i])))
		}
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return prices.New(tables...)
}

var _ confmap.Unmarshaler = (*PricingConfig)(nil)

// Unmarshal decodes conf into p and refuses keys other than file and providers (a typo such
// as `files` would otherwise be ignored silently).
func (p *PricingConfig) Unmarshal(conf *confmap.Conf) error {
	for k := range conf.ToStringMap() {
		if k != "file" && k != "providers" {
			return fmt.Errorf("unknown key %s under pricing; valid keys are file and providers", k)
		}
	}
	type plain PricingConfig
	return conf.Unmarshal((*plain)(p))
}
