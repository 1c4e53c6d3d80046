package platform

import (
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"
)

// endpointExample is the shape every endpoint message asks for.
const endpointExample = "e.g. https://api.example.com"

// CheckEndpoint reports whether endpoint can be the platform's base URL
// (ClientConfig.Endpoint, otelbridge's WithEndpoint and LLMTRACE_ENDPOINT, the collector
// exporter's `endpoint`): an absolute http:// or https:// URL with a host and without user
// info — the API key travels in the Authorization header, never in the URL
// (docs/platform-api.md "Request"). Surrounding space is ignored. Any other value gives a
// *ConfigurationError with Field "endpoint" that quotes the URL without user info, query
// or fragment (it never carries a secret); a caller that read the value elsewhere (an
// environment variable) may set Field to that name.
func CheckEndpoint(endpoint string) error {
	_, err := parseEndpoint(endpoint)
	return err
}

// CheckCompression reports whether compression is a Content-Encoding the platform accepts
// (ClientConfig.Compression, otelbridge's WithCompression, the collector exporter's
// `compression`): gzip, zstd or none, in any case and surrounding space; empty means gzip.
// Any other value gives a *ConfigurationError with Field "compression".
func CheckCompression(compression string) error {
	_, err := normCompression(compression)
	return err
}

// normCompression is compression checked and lower-cased, CompressionGzip when empty.
func normCompression(compression string) (string, error) {
	switch c := strings.ToLower(strings.TrimSpace(compression)); c {
	case "":
		return CompressionGzip, nil
	case CompressionGzip, CompressionZstd, CompressionNone:
		return c, nil
	}
	return "", &ConfigurationError{Field: "compression",
		Reason: strconv.Quote(compression) + " is not accepted by the platform; use gzip, zstd or none"}
}

// parseEndpoint is CheckEndpoint returning the parsed URL.
func parseEndpoint(endpoint string) (*url.URL, error) {
	endpoint = strings.TrimSpace(endpoint)
	if endpoint == "" {
		return nil, &ConfigurationError{Field: "endpoint", Reason: "missing; set the platform's base URL, " + endpointExample}
	}
	u, err := url.Parse(endpoint)
	if err != nil {
		// url.Error repeats the whole URL, user info included; keep only the cause.
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return nil, &ConfigurationError{Field: "endpoint", Reason: fmt.Sprintf("%s must be an absolute http:// or https:// URL with a host, %s (%v)", quoteEndpoint(endpoint), endpointExample, err)}
	}
	if u.Scheme != "http" && u.Scheme != "https" || u.Host == "" || u.Hostname() == "" {
		return nil, &ConfigurationError{Field: "endpoint", Reason: fmt.Sprintf("%s must be an absolute http:// or https:// URL with a host, %s", quoteEndpoint(endpoint), endpointExample)}
	}
	if u.User != nil {
		return nil, &ConfigurationError{Field: "endpoint", Reason: "credentials in the URL are not allowed; set the API key instead (ClientConfig.APIKey, otelbridge's WithAPIKey or LLMTRACE_API_KEY, the collector's api_key)"}
	}
	return u, nil
}

// quoteEndpoint quotes endpoint as typed, without what may carry a secret: the query and
// fragment, and the user info (up to the last @, "…" in its place) — also when endpoint
// does not parse or has no "//" ("user:key@host" parses as scheme "user").
func quoteEndpoint(endpoint string) string {
	if i := strings.IndexAny(endpoint, "?#"); i >= 0 {
		endpoint = endpoint[:i]
	}
	if at := strings.LastIndexByte(endpoint, '@'); at >= 0 {
		if j := strings.Index(endpoint, "://"); j >= 0 && j < at {
			endpoint = endpoint[:j+3] + "…" + endpoint[at:]
		} else {
			endpoint = "…" + endpoint[at:]
		}
	}
	return strconv.Quote(endpoint)
}

// tracesURL checks endpoint and returns the URL to POST to: endpoint + "/v1/traces", or
// endpoint as is when it ends in "/v1/traces".
func tracesURL(endpoint string) (string, error) {
	u, err := parseEndpoint(endpoint)
	if err != nil {
		return "", err
	}
	p := strings.TrimRight(u.Path, "/")
	if !strings.HasSuffix(p, "/v1/traces") {
		p += "/v1/traces"
	}
	u.Path, u.RawPath, u.Fragment = p, "", ""
	return u.String(), nil
}
