package otelbridge

import (
	"context"
	"net/http"
	"time"
)

// STUB: the client helper replaces this file with the real platform client.

// ClientConfig configures a Client.
type ClientConfig struct {
	Endpoint    string
	APIKey      string
	HTTPClient  *http.Client
	UserAgent   string
	Compression string
	Timeout     time.Duration
}

// Client sends batches to the platform.
type Client struct{ cfg ClientConfig }

// NewClient returns a Client.
func NewClient(cfg ClientConfig) (*Client, error) { return &Client{cfg: cfg}, nil }

// Rejection is one event the platform or the client refused for good.
type Rejection struct {
	Index int
	Error string
}

// SendResult says what became of each event passed to Send.
type SendResult struct {
	Accepted    int
	Rejected    []Rejection
	Undelivered []int
}

// Send ships events.
func (c *Client) Send(ctx context.Context, events []TraceEvent) (SendResult, error) {
	return SendResult{}, nil
}
