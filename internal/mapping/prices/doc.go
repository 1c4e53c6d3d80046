// Package prices prices a model call from a dated price table: the community table of the npm
// package @pydantic/genai-prices (MIT licence, https://github.com/pydantic/genai-prices),
// version 0.1.8, taken 2026-11-25, vendored as data/genai-prices.json (Table.Version and
// Table.Date read it from the file). `make prices` regenerates the file from the pinned
// package with scripts/genai-prices.mjs (node and npm).
//
// The file holds the package's providers, their models with match rules (equals, starts_with,
// ends_with, contains, regex, or, and), prices (USD per million tokens for the *_mtok keys, per
// thousand for *_kcount, ...; flat, tiered on the call's input tokens, or conditional on a
// start date or a UTC time of day) and context_window, and the package's unit registry (which
// usage class each price key prices and which classes are parts of which). This package
// evaluates them as the package's calcPrice does (oracle_test.go runs calcPrice itself with
// node and compares), with two additions for OpenTelemetry spans: provider names of the gen_ai
// semantic conventions, and model-name normalisation (Table.Lookup).
//
// Override tables of the same JSON shape (fine-tunes, negotiated rates, self-hosted models at
// price 0) go over the vendored one with New.
package prices
