package e2e

import (
	"os"
	"path/filepath"
	"regexp"
	"testing"

	"go.yaml.in/yaml/v3"
)

// docsOverlay is merged over the collector YAML of docs/collector.md by the collector
// itself (a second --config): only where this machine differs — listen addresses, the
// platform, the queue directory, the metrics port — so that every other setting is the
// documented one.
const docsOverlay = `extensions:
  file_storage/llmtrace:
    directory: ${env:LLMTRACE_STORAGE_DIR}
receivers:
  otlp:
    protocols:
      grpc:
        endpoint: ${env:OTLP_GRPC_ENDPOINT}
      http:
        endpoint: ${env:OTLP_HTTP_ENDPOINT}
exporters:
  llmtrace:
    endpoint: ${env:LLMTRACE_ENDPOINT}
service:
  telemetry:
    metrics:
      readers:
        - pull:
            exporter:
              prometheus:
                host: 127.0.0.1
                port: ${env:OTELCOL_METRICS_PORT}
`

// collectorDoc is the page that documents the collector's configuration.
const collectorDoc = "docs/collector.md"

// docsYAML is the collector configuration docs/collector.md shows: the first ```yaml block
// after its "## YAML example" heading.
func docsYAML(t *testing.T, root string) []byte {
	t.Helper()
	doc, err := os.ReadFile(filepath.Join(root, collectorDoc))
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile("(?s)\n## YAML example\n.*?\n```yaml\n(.*?)\n```").FindSubmatch(doc)
	if m == nil {
		t.Fatalf("%s has no ```yaml block under \"## YAML example\"", collectorDoc)
	}
	return m[1]
}

// useDocsConfig makes c run the YAML of docs/collector.md (with docsOverlay) instead of
// testdata/otelcol.yaml, after checking the promises its durability section makes of it.
func useDocsConfig(t *testing.T, root string, c *collectorEnv) {
	t.Helper()
	block := docsYAML(t, root)
	var cfg struct {
		Extensions map[string]map[string]any `yaml:"extensions"`
		Exporters  struct {
			Llmtrace struct {
				SendingQueue map[string]any `yaml:"sending_queue"`
			} `yaml:"llmtrace"`
		} `yaml:"exporters"`
	}
	if err := yaml.Unmarshal(block, &cfg); err != nil {
		t.Fatalf("%s: the collector YAML does not parse: %v", collectorDoc, err)
	}
	storage, _ := cfg.Exporters.Llmtrace.SendingQueue["storage"].(string)
	if storage == "" || cfg.Extensions[storage] == nil {
		t.Fatalf("%s's YAML: the llmtrace exporter's sending_queue has no storage extension (%q)", collectorDoc, storage)
	}
	if cfg.Extensions[storage]["fsync"] != true {
		t.Fatalf("%s's YAML: %s has no `fsync: true`, yet its durability section promises the receiver answers only after an fsync", collectorDoc, storage)
	}
	dir := t.TempDir()
	c.config, c.overlay = filepath.Join(dir, "collector.yaml"), filepath.Join(dir, "overlay.yaml")
	if err := os.WriteFile(c.config, block, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(c.overlay, []byte(docsOverlay), 0o600); err != nil {
		t.Fatal(err)
	}
}

// The YAML of docs/collector.md is the configuration the durability test runs: this part
// of the check needs no binaries, so an edit of the page that drops fsync or the persistent
// queue fails here even under -short.
func TestDocsYAMLKeepsItsPromises(t *testing.T) {
	var c collectorEnv
	useDocsConfig(t, repoRoot(t), &c)
}
