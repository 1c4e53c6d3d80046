package main

import (
	"fmt"
	"io"
	"net"
	"net/url"
	"os"
	"time"

	"github.com/openai/openai-go/v3/option"
)

// fakeProviderURL is where `llmtrace fakellm` serves the OpenAI API by default.
const fakeProviderURL = "http://127.0.0.1:8788/v1"

// providerOptions chooses the provider. With OPENAI_API_KEY set: OpenAI, or whatever
// OPENAI_BASE_URL names (the SDK reads both; no option needed). Without it: the fake
// provider of `llmtrace fakellm` (deterministic replies in OpenAI's wire shapes, no key, no
// network) at OPENAI_BASE_URL, or fakeProviderURL when that is unset — said on stderr, and
// an error saying how to start it when nothing listens there.
//
// The fake runs as a process of its own, like the dev platform, rather than inside the
// example: the code stays what an app would ship (one client, real HTTP), and pointing it
// at OpenAI is setting a key.
func providerOptions(stderr io.Writer) ([]option.RequestOption, error) {
	if os.Getenv("OPENAI_API_KEY") != "" {
		return nil, nil
	}
	base := os.Getenv("OPENAI_BASE_URL")
	if base == "" {
		base = fakeProviderURL
	}
	fmt.Fprintf(stderr, "OPENAI_API_KEY is not set: using the fake provider at %s (llmtrace fakellm)\n", base)
	if err := listening(base); err != nil {
		return nil, fmt.Errorf("no fake provider at %s (%v): start it with `llmtrace fakellm` "+
			"(in the llmtrace repository: make build && _build/bin/llmtrace fakellm), or set OPENAI_API_KEY", base, err)
	}
	return []option.RequestOption{option.WithBaseURL(base), option.WithAPIKey("fakellm")}, nil
}

// listening reports whether something accepts TCP connections at base's host and port.
func listening(base string) error {
	u, err := url.Parse(base)
	if err != nil || u.Hostname() == "" {
		return fmt.Errorf("not an http URL")
	}
	port := u.Port()
	if port == "" {
		port = map[string]string{"http": "80", "https": "443"}[u.Scheme]
	}
	c, err := net.DialTimeout("tcp", net.JoinHostPort(u.Hostname(), port), 2*time.Second)
	if err != nil {
		return err
	}
	return c.Close()
}
