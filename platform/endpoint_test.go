package platform

import (
	"errors"
	"strings"
	"testing"
)

// The one endpoint and compression check of every shipper (NewClient, otelbridge, the
// collector exporter's Config.Validate): each refusal is a *ConfigurationError naming the
// field, says what is wanted, and never quotes a secret of the URL (user info, query).
func TestCheckEndpointAndCompression(t *testing.T) {
	const want = " must be an absolute http:// or https:// URL with a host, e.g. https://api.example.com"
	for _, tt := range []struct {
		name, value, field, reason string
		check                      func(string) error
	}{
		{"missing", "", "endpoint", "missing; set the platform's base URL, e.g. https://api.example.com", CheckEndpoint},
		{"blank", " \t", "endpoint", "missing; set the platform's base URL, e.g. https://api.example.com", CheckEndpoint},
		{"host:port", "127.0.0.1:8787", "endpoint", `"127.0.0.1:8787"` + want + " (first path segment in URL cannot contain colon)", CheckEndpoint},
		{"unparsable with user info", "http://u:sk-secret@[::1", "endpoint", `"http://…@[::1"` + want + " (missing ']' in host)", CheckEndpoint},
		{"no scheme", "localhost:8787", "endpoint", `"localhost:8787"` + want, CheckEndpoint},
		{"ftp", "ftp://example.com/?key=sk-secret", "endpoint", `"ftp://example.com/"` + want, CheckEndpoint},
		{"opaque user info", "user:sk-secret@example.com", "endpoint", `"…@example.com"` + want, CheckEndpoint},
		{"no host", "http://", "endpoint", `"http://"` + want, CheckEndpoint},
		{"port only", "http://:8080", "endpoint", `"http://:8080"` + want, CheckEndpoint},
		{"credentials", "https://user:sk-secret@example.com", "endpoint", "credentials in the URL are not allowed; set the API key instead (ClientConfig.APIKey, otelbridge's WithAPIKey or LLMTRACE_API_KEY, the collector's api_key)", CheckEndpoint},
		{"snappy", "snappy", "compression", `"snappy" is not accepted by the platform; use gzip, zstd or none`, CheckCompression},
	} {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.check(tt.value)
			var ce *ConfigurationError
			if !errors.As(err, &ce) || ce.Field != tt.field || ce.Reason != tt.reason {
				t.Fatalf("check(%q) = %#v\nwant field %q, reason %q", tt.value, err, tt.field, tt.reason)
			}
			if strings.Contains(err.Error(), "sk-secret") {
				t.Fatalf("the error quotes a secret: %v", err)
			}
		})
	}
	for _, ok := range []string{"http://localhost:8787", " https://api.example.com/base/ ", "HTTPS://[::1]:4318/v1/traces?tenant=a"} {
		if err := CheckEndpoint(ok); err != nil {
			t.Errorf("CheckEndpoint(%q) = %v", ok, err)
		}
	}
	for _, ok := range []string{"", "gzip", " ZSTD ", "none"} {
		if err := CheckCompression(ok); err != nil {
			t.Errorf("CheckCompression(%q) = %v", ok, err)
		}
	}
}
