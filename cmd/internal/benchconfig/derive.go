package main

import (
	"fmt"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"
)

// sharedKeys are the llmtrace exporter's settings that otlphttp has too, under the same
// names and meaning (confighttp's endpoint, compression and timeout; exporterhelper's
// sending_queue and retry_on_failure): what derive copies into the otlphttp exporter.
var sharedKeys = []string{"endpoint", "compression", "timeout", "sending_queue", "retry_on_failure"}

// otlpHTTPType is the otlphttp exporter's component type as collector v0.162.0 names it
// ("otlphttp" is a deprecated alias there, logged as such at start).
const otlpHTTPType = "otlp_http"

// derive returns base (a collector configuration in YAML) with fsync set on every
// file_storage extension and, for exporter "otlphttp", the exporter "llmtrace" replaced by
// the otlphttp exporter (component type otlpHTTPType) carrying its sharedKeys, in the exporters section and in every pipeline. Errors:
// base is not YAML, has no file_storage extension or no llmtrace exporter, or exporter is
// neither "llmtrace" nor "otlphttp".
func derive(base []byte, exporter string, fsync bool) ([]byte, error) {
	if exporter != "llmtrace" && exporter != "otlphttp" {
		return nil, fmt.Errorf("exporter %q: llmtrace or otlphttp", exporter)
	}
	var cfg map[string]any
	if err := yaml.Unmarshal(base, &cfg); err != nil {
		return nil, err
	}
	storages := 0
	for name, ext := range section(cfg, "extensions") {
		if m, ok := ext.(map[string]any); ok && (name == "file_storage" || strings.HasPrefix(name, "file_storage/")) {
			m["fsync"] = fsync
			storages++
		}
	}
	if storages == 0 {
		return nil, fmt.Errorf("no file_storage extension in the configuration")
	}
	exporters := section(cfg, "exporters")
	src, ok := exporters["llmtrace"].(map[string]any)
	if !ok {
		return nil, fmt.Errorf("no llmtrace exporter in the configuration")
	}
	if exporter == "otlphttp" {
		dst := map[string]any{}
		for _, k := range sharedKeys {
			if v, ok := src[k]; ok {
				dst[k] = v
			}
		}
		delete(exporters, "llmtrace")
		exporters[otlpHTTPType] = dst
		service, _ := cfg["service"].(map[string]any)
		for _, p := range section(service, "pipelines") {
			pm, _ := p.(map[string]any)
			if list, ok := pm["exporters"].([]any); ok {
				if i := slices.Index(list, any("llmtrace")); i >= 0 {
					list[i] = otlpHTTPType
				}
			}
		}
	}
	return yaml.Marshal(cfg)
}

// section returns cfg[name] as a map (nil when absent or not a map).
func section(cfg map[string]any, name string) map[string]any {
	m, _ := cfg[name].(map[string]any)
	return m
}
