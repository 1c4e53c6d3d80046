package e2e

import (
	"os"
	"path/filepath"
	"regexp"
	"testing"

	"go.yaml.in/yaml/v3"
)

// readmeOverlay is merged over the README's collector YAML by the collector itself (a
// second --config): only where this machine differs — listen addresses, the platform,
// the queue directory, the metrics port — so that every other setting is the README's.
const readmeOverlay = `extensions:
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

// readmeYAML is the collector configuration README.md shows: the first ```yaml block after
// its "### YAML example" heading.
func readmeYAML(t *testing.T, root string) []byte {
	t.Helper()
	readme, err := os.ReadFile(filepath.Join(root, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile("(?s)\n### YAML example\n.*?\n```yaml\n(.*?)\n```").FindSubmatch(readme)
	if m == nil {
		t.Fatal("README.md has no ```yaml block under \"### YAML example\"")
	}
	return m[1]
}

// useReadmeConfig makes c run the README's YAML (with readmeOverlay) instead of
// testdata/otelcol.yaml, after checking the promises the durability section makes of it.
func useReadmeConfig(t *testing.T, root string, c *collectorEnv) {
	t.Helper()
	block := readmeYAML(t, root)
	var cfg struct {
		Extensions map[string]map[string]any `yaml:"extensions"`
		Exporters  struct {
			Llmtrace struct {
				SendingQueue map[string]any `yaml:"sending_queue"`
			} `yaml:"llmtrace"`
		} `yaml:"exporters"`
	}
	if err := yaml.Unmarshal(block, &cfg); err != nil {
		t.Fatalf("README's collector YAML does not parse: %v", err)
	}
	storage, _ := cfg.Exporters.Llmtrace.SendingQueue["storage"].(string)
	if storage == "" || cfg.Extensions[storage] == nil {
		t.Fatalf("README's YAML: the llmtrace exporter's sending_queue has no storage extension (%q)", storage)
	}
	if cfg.Extensions[storage]["fsync"] != true {
		t.Fatalf("README's YAML: %s has no `fsync: true`, yet the README promises the receiver answers only after an fsync", storage)
	}
	dir := t.TempDir()
	c.config, c.overlay = filepath.Join(dir, "readme.yaml"), filepath.Join(dir, "overlay.yaml")
	if err := os.WriteFile(c.config, block, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(c.overlay, []byte(readmeOverlay), 0o600); err != nil {
		t.Fatal(err)
	}
}

// The README's YAML is the configuration the durability test runs: this part of the check
// needs no binaries, so a README edit that drops fsync or the persistent queue fails here
// even under -short.
func TestReadmeYAMLKeepsItsPromises(t *testing.T) {
	var c collectorEnv
	useReadmeConfig(t, repoRoot(t), &c)
}
