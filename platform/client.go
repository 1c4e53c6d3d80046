package platform

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
)

// DefaultTimeout bounds one request of a Client built without an HTTPClient.
const DefaultTimeout = 30 * time.Second

// Bounds on reading a reply body, bytes: an error reply is read up to maxErrorBody, a 2xx
// reply (whose "rejected" list may name up to 1 000 events) up to maxSuccessBody; then up
// to maxErrorBody more is drained so the connection can be reused.
const (
	maxErrorBody   = 64 << 10
	maxSuccessBody = 1 << 20
)

// ClientConfig configures a Client (docs/platform-api.md "Request").
type ClientConfig struct {
	// Endpoint is the platform's base URL, http or https with a host, e.g.
	// "https://api.example.com". The client POSTs to Endpoint + "/v1/traces"; an
	// Endpoint already ending in "/v1/traces" is used as is. Required.
	Endpoint string
	// APIKey is sent as "Authorization: Bearer <APIKey>"; no Authorization header when
	// empty. It never appears in an error or log message.
	APIKey string
	// HTTPClient sends the requests; nil means a client with Timeout and a clone of
	// http.DefaultTransport. With a caller's HTTPClient, its own Timeout applies.
	HTTPClient *http.Client
	// UserAgent is the User-Agent header; empty means "llmtrace-client/" + Version.
	UserAgent string
	// Compression is the request Content-Encoding: "gzip" (default when empty), "zstd"
	// or "none".
	Compression string
	// Timeout bounds one request (connect, send, reply) of the default HTTPClient;
	// 0 means DefaultTimeout (30 s). Must not be negative.
	Timeout time.Duration
	// MaxEventsPerRequest caps the events of one request; 0 means the contract's
	// MaxEventsPerRequest (1 000). Must be within 0…1 000.
	MaxEventsPerRequest int
	// MaxRequestBytes caps one request body before compression, bytes, framing and commas
	// included; 0 means the contract's MaxRequestBytes (5 MiB). Must be within 0…5 MiB.
	MaxRequestBytes int
}

// Client sends TraceEvents to the platform: POST {endpoint}/v1/traces, one request after
// another, per docs/platform-api.md. It never retries by itself; Send reports which events
// were not delivered and RetryDelay says whether and when to send them again. A Client is
// safe for concurrent use.
type Client struct {
	url         string
	authz       string // "Bearer <key>", or "" for no Authorization header
	apiKey      string // only to redact it from messages quoting the platform
	httpClient  *http.Client
	userAgent   string
	compression string // CompressionGzip, CompressionZstd or CompressionNone
	maxEvents   int
	maxBytes    int
}

// NewClient checks cfg and returns a Client. An Endpoint CheckEndpoint refuses (missing,
// not an absolute http(s) URL with a host, credentials in the URL), a Compression
// CheckCompression refuses, a negative Timeout and a limit outside its range each give a
// *ConfigurationError naming the field.
func NewClient(cfg ClientConfig) (*Client, error) {
	u, err := tracesURL(cfg.Endpoint)
	if err != nil {
		return nil, err
	}
	c := &Client{
		url:        u,
		apiKey:     cfg.APIKey,
		httpClient: cfg.HTTPClient,
		userAgent:  cfg.UserAgent,
		maxEvents:  cfg.MaxEventsPerRequest,
		maxBytes:   cfg.MaxRequestBytes,
	}
	if cfg.APIKey != "" {
		c.authz = "Bearer " + cfg.APIKey
	}
	if c.compression, err = normCompression(cfg.Compression); err != nil {
		return nil, err
	}
	if cfg.Timeout < 0 {
		return nil, &ConfigurationError{Field: "timeout", Reason: fmt.Sprintf("%v is negative", cfg.Timeout)}
	}
	if c.maxEvents < 0 || c.maxEvents > MaxEventsPerRequest {
		return nil, &ConfigurationError{Field: "max_events_per_request", Reason: fmt.Sprintf("%d is outside 0…%d (0 means %d)", c.maxEvents, MaxEventsPerRequest, MaxEventsPerRequest)}
	}
	if c.maxEvents == 0 {
		c.maxEvents = MaxEventsPerRequest
	}
	if c.maxBytes < 0 || c.maxBytes > MaxRequestBytes {
		return nil, &ConfigurationError{Field: "max_request_bytes", Reason: fmt.Sprintf("%d is outside 0…%d (0 means %d)", c.maxBytes, MaxRequestBytes, MaxRequestBytes)}
	}
	if c.maxBytes == 0 {
		c.maxBytes = MaxRequestBytes
	}
	if c.userAgent == "" {
		c.userAgent = "llmtrace-client/" + Version
	}
	if c.httpClient == nil {
		timeout := cfg.Timeout
		if timeout == 0 {
			timeout = DefaultTimeout
		}
		c.httpClient = &http.Client{Timeout: timeout, Transport: http.DefaultTransport.(*http.Transport).Clone()}
	} else {
		hc := *c.httpClient // the caller's client is not changed
		c.httpClient = &hc
	}
	c.httpClient.CheckRedirect = checkRedirect(c.httpClient.CheckRedirect)
	return c, nil
}

// maxRedirects is how many 307/308 redirects one request follows (net/http's own limit).
const maxRedirects = 10

// checkRedirect is the redirect policy of every Client (docs/platform-api.md "Response"):
// a POST is never turned into a GET. 307 and 308 keep the method and the body and are
// followed (up to maxRedirects, then next, the caller's own policy, when set); the
// Authorization header goes only to the origin (scheme, host and port) of the first
// request. 301, 302 and 303 — which net/http would follow with a bodiless GET — are not
// followed: the 3xx reply itself is returned and classified as a permanent error naming
// the Location.
func checkRedirect(next func(*http.Request, []*http.Request) error) func(*http.Request, []*http.Request) error {
	return func(req *http.Request, via []*http.Request) error {
		if req.Response == nil || (req.Response.StatusCode != http.StatusTemporaryRedirect && req.Response.StatusCode != http.StatusPermanentRedirect) {
			return http.ErrUseLastResponse
		}
		if len(via) > maxRedirects {
			return http.ErrUseLastResponse
		}
		if !sameOrigin(req.URL, via[0].URL) {
			req.Header.Del("Authorization")
		}
		if next != nil {
			return next(req, via)
		}
		return nil
	}
}

// sameOrigin reports whether a and b have the same scheme, host and port (RFC 6454).
func sameOrigin(a, b *url.URL) bool {
	return strings.EqualFold(a.Scheme, b.Scheme) && strings.EqualFold(a.Hostname(), b.Hostname()) && effectivePort(a) == effectivePort(b)
}

func effectivePort(u *url.URL) string {
	if p := u.Port(); p != "" {
		return p
	}
	if strings.EqualFold(u.Scheme, "https") {
		return "443"
	}
	return "80"
}

// URL is the address the Client POSTs to, {endpoint}/v1/traces.
func (c *Client) URL() string { return c.url }

// Rejection is one event refused for good, never to be retried: invalid or too large
// (found by the Client before sending: Local), or refused by the platform (a 200 reply's
// "rejected" list, or a 413 for that event alone).
type Rejection struct {
	Index int    // the event's index in the slice passed to Send
	Error string // why: a *ValidationError's text, or the platform's reason
	// Local is true when the Client refused the event before sending it (invalid per the
	// contract, over MaxEventBytes, or larger than a request): the platform never saw it.
	// Shippers count these as dropped (reason "invalid"), the others as rejected.
	Local bool
}

// SendResult says what became of each event passed to Send: every index is either counted
// in Accepted or Unaccounted, or listed in Rejected or in Undelivered, exactly once:
// Accepted + Unaccounted + len(Rejected) + len(Undelivered) == len(events).
type SendResult struct {
	// Accepted counts the events the platform said it accepted: the sum of the "accepted"
	// numbers of its 2xx replies (each capped at the events of its request not listed as
	// rejected).
	Accepted int
	// Unaccounted counts the events of 2xx replies that the platform neither counted in
	// "accepted" nor listed in "rejected" (a reply {"accepted": 0} to a request of 5
	// events: 5). The reply does not say which events they are, so they cannot be told
	// apart from the accepted ones; they are not retried (see the package doc's delivery
	// rules) and shippers count them as rejected.
	Unaccounted int
	// Rejected lists the events refused for good, sorted by Index.
	Rejected []Rejection
	// Undelivered lists, sorted, the indices of the events not delivered because a request
	// failed: that request's events and all later ones. Retry exactly these when
	// RetryDelay(err) says so.
	Undelivered []int
}

// AcceptedEvents returns, for the n events of the Send call that returned r, whether the
// platform accepted each: every event not listed in Rejected or Undelivered (the
// Unaccounted ones cannot be told apart from accepted ones and count as accepted here).
func (r *SendResult) AcceptedEvents(n int) []bool {
	accepted := make([]bool, n)
	for i := range accepted {
		accepted[i] = true
	}
	for _, x := range r.Rejected {
		if x.Index >= 0 && x.Index < n {
			accepted[x.Index] = false
		}
	}
	for _, i := range r.Undelivered {
		if i >= 0 && i < n {
			accepted[i] = false
		}
	}
	return accepted
}

// Send validates and ships events, in order, in requests of at most MaxEventsPerRequest
// events and MaxRequestBytes body bytes (the configured limits, else the contract's).
//
// Each event is validated (TraceEvent.Validate) and serialized once, by
// TraceEvent.AppendJSON (encoding/json's bytes without HTML escaping: "<", ">" and "&" in
// messages stay as they are). An invalid
// event, one over MaxEventBytes (1 MiB) serialized, or one that cannot fit a request
// alone is not sent and goes to Rejected. A 200 reply's "rejected" events go to Rejected; a 413 reply
// splits the request in halves, down to a single event, which is then Rejected as too
// large for the platform.
//
// Requests are sent one after another. When one fails, Send stops and returns its
// *NetworkError (transport errors have StatusCode 0 and wrap the cause, e.g.
// context.DeadlineExceeded); the events of that request and of all later ones are in
// Undelivered. Send itself never retries: see RetryDelay. The error is nil when every
// event was accepted or rejected.
func (c *Client) Send(ctx context.Context, events []TraceEvent) (SendResult, error) {
	var res SendResult
	s := sender{c: c, ctx: ctx, events: events, res: &res}
	bodyBuf := getBuffer()
	defer func() {
		adoptBytes(bodyBuf, s.body)
		putBuffer(bodyBuf)
	}()
	// The first request's bytes, estimated, are reserved at once: grown by appends, a body
	// of a few hundred KB is copied a dozen times on its way up. In otelcol-llmtrace under
	// `make bench-collector` load (fsync false), Send allocated about 73 KB per span before
	// (89 % of it that growth; pprof allocs) and 22 KB with this, the carried-over event
	// and the kept gzip writers (client_body.go); BenchmarkClientSendBatch: 440 → 273 KB/op,
	// CPU unchanged (its pools are never emptied by a GC, a collector's are).
	bodyBuf.Grow(firstRequestHint(events, c.maxEvents, c.maxBytes))
	s.body = append(bodyBuf.AvailableBuffer(), bodyPrefix...)
	s.items = make([]encodedEvent, 0, min(len(events), c.maxEvents))
	p := newPacker(c.maxEvents, c.maxBytes)
	var err error // the failure that stopped sending; later events are only classified
	for i := range events {
		ev := &events[i]
		if verr := ev.Validate(); verr != nil {
			var ve *ValidationError
			if errors.As(verr, &ve) {
				v := *ve
				v.Index = i
				verr = &v
			}
			res.Rejected = append(res.Rejected, Rejection{Index: i, Error: verr.Error(), Local: true})
			continue
		}
		// The event is serialized straight into the request body being built, after a
		// comma when it is not the request's first.
		mark := len(s.body)
		if len(s.items) > 0 {
			s.body = append(s.body, ',')
		}
		start := len(s.body)
		var aerr error
		if s.body, aerr = ev.AppendJSON(s.body); aerr != nil {
			s.body = s.body[:mark]
			res.Rejected = append(res.Rejected, Rejection{Index: i, Error: (&ValidationError{
				Index: i, SpanID: ev.SpanID, Field: "(event)", Reason: "cannot be serialized: " + aerr.Error(),
			}).Error(), Local: true})
			continue
		}
		size := len(s.body) - start
		reason := ""
		switch {
		case size > MaxEventBytes:
			reason = fmt.Sprintf("%d bytes serialized, over the %d byte limit", size, MaxEventBytes)
		case size+bodyFraming > c.maxBytes:
			reason = fmt.Sprintf("%d bytes serialized, a request of it alone exceeds the configured max_request_bytes %d", size, c.maxBytes)
		}
		if reason != "" {
			s.body = s.body[:mark]
			res.Rejected = append(res.Rejected, Rejection{Index: i, Error: (&ValidationError{
				Index: i, SpanID: ev.SpanID, Field: "(event)", Reason: reason,
			}).Error(), Local: true})
			continue
		}
		if err != nil {
			s.body = s.body[:mark]
			res.Undelivered = append(res.Undelivered, i)
			continue
		}
		if !p.add(size) {
			s.items = append(s.items, encodedEvent{index: i, start: start, end: start + size})
			continue
		}
		// The event opens the next request: its bytes are set aside in carry, the request
		// built so far is sent, and the next one starts in the same buffer with the event.
		// The buffer is free again once flush returns: the request carries a compressed
		// copy, or a framed copy when uncompressed (post), never body itself.
		s.carry = append(s.carry[:0], s.body[start:]...)
		s.body = s.body[:mark]
		err = s.flush()
		s.body = append(append(s.body[:0], bodyPrefix...), s.carry...)
		s.items = s.items[:0]
		if err != nil {
			s.body = s.body[:len(bodyPrefix)]
			res.Undelivered = append(res.Undelivered, i)
			continue
		}
		s.items = append(s.items, encodedEvent{index: i, start: len(bodyPrefix), end: len(bodyPrefix) + size})
	}
	if err == nil && len(s.items) > 0 {
		err = s.flush()
	}
	slices.SortStableFunc(res.Rejected, func(a, b Rejection) int { return a.Index - b.Index })
	return res, err
}

// firstRequestHint estimates the body bytes of the first request of events: the
// framing plus TraceEvent.sizeHint of each event it can hold and 1/16 more (sizeHint is
// within a few percent either way on mapped events; one byte short would cost a copy of
// the whole body), at most maxBytes. It only sizes a buffer; the packer decides what a
// request holds.
func firstRequestHint(events []TraceEvent, maxEvents, maxBytes int) int {
	n := bodyFraming
	for i := range events[:min(len(events), maxEvents)] {
		if n += events[i].sizeHint() + 1; n >= maxBytes {
			return maxBytes
		}
	}
	return min(n+n/16, maxBytes)
}

// sender carries one Send's state through its requests. Send holds one request's bytes at
// a time: body is the request being built, its events serialized in place between the
// framing; carry holds the event that opens the next request while body is sent.
type sender struct {
	c      *Client
	ctx    context.Context
	events []TraceEvent // the events passed to Send; items index into it
	res    *SendResult

	body  []byte         // bodyPrefix, then items' events, comma-separated
	carry []byte         // the next request's first event (empty until a second request)
	items []encodedEvent // the events in body, body[start:end] each
}

// flush sends the request built in body and items, framed in place (no copy of the
// events); the events of a failed request not done go to Undelivered.
func (s *sender) flush() error {
	s.body = append(s.body, bodySuffix...)
	n, err := s.send(s.items, true)
	if err != nil {
		for _, it := range s.items[n:] {
			s.res.Undelivered = append(s.res.Undelivered, it.index)
		}
	}
	return err
}

// send delivers items in one request, or, answered 413, in halves (recursively). whole
// says items are the request of body as flush built it; the halves are framed anew. It
// returns how many of items, from the front, are done (accepted or rejected) and the
// error that stopped it; on success that is len(items), nil.
func (s *sender) send(items []encodedEvent, whole bool) (int, error) {
	r, err := s.post(items, whole)
	if err != nil {
		return 0, err
	}
	switch r.kind {
	case replyAccepted:
		rejected := 0
		var seen map[int]bool
		if len(r.rejected) > 0 {
			seen = make(map[int]bool, len(r.rejected))
		}
		for _, pr := range r.rejected {
			if pr.Index < 0 || pr.Index >= len(items) || seen[pr.Index] {
				continue // not an event of this request: nothing to map it to
			}
			seen[pr.Index] = true
			rejected++
			idx := items[pr.Index].index
			s.res.Rejected = append(s.res.Rejected, Rejection{
				Index: idx,
				Error: fmt.Sprintf("llmtrace: event #%d rejected by the platform: %s", idx, s.c.redact(sanitizeMessage(pr.Error))),
			})
		}
		// The platform's own count is what was stored; events it neither counted nor
		// named are Unaccounted (docs in doc.go, "Delivery rules").
		accepted := min(r.accepted, len(items)-rejected)
		s.res.Accepted += accepted
		s.res.Unaccounted += len(items) - rejected - accepted
		return len(items), nil
	case replySplit:
		if len(items) == 1 {
			idx := items[0].index
			s.res.Rejected = append(s.res.Rejected, Rejection{
				Index: idx,
				Error: fmt.Sprintf("llmtrace: event #%d (%d bytes serialized) is too large for the platform (HTTP 413)", idx, items[0].size()),
			})
			return 1, nil
		}
		mid := len(items) / 2
		if n, err := s.send(items[:mid], false); err != nil {
			return n, err
		}
		n, err := s.send(items[mid:], false)
		return mid + n, err
	}
	return 0, r.err
}

// post sends one request carrying items and classifies the reply. Transport errors come
// back as the error, a retryable *NetworkError with StatusCode 0. A whole request (whole:
// body as flush framed it) is compressed straight from body; the halves of a split
// request, and any uncompressed request, are framed into a buffer of their own, which the
// transport may hold after Do returns (requestBody).
func (s *sender) post(items []encodedEvent, whole bool) (reply, error) {
	c := s.c
	framed, raw := s.body, (*bytes.Buffer)(nil)
	if !whole || c.compression == CompressionNone {
		raw = getBuffer()
		raw.Grow(requestBytes(items))
		raw.WriteString(bodyPrefix)
		for i, it := range items {
			if i > 0 {
				raw.WriteByte(',')
			}
			raw.Write(s.body[it.start:it.end])
		}
		raw.WriteString(bodySuffix)
		framed = raw.Bytes()
	}
	key := s.idempotencyKey(items)

	payload, compressed := framed, (*bytes.Buffer)(nil)
	if c.compression != CompressionNone {
		compressed = getBuffer()
		err := compressBody(c.compression, framed, compressed)
		putBuffer(raw) // the request carries the compressed bytes only
		raw = nil
		if err != nil {
			putBuffer(compressed)
			return reply{}, &NetworkError{Message: "compressing the request body (" + c.compression + ")", Err: err}
		}
		payload = compressed.Bytes()
	}
	body := &requestBody{data: payload, release: func() {
		putBuffer(raw)
		putBuffer(compressed)
	}}
	defer body.seal()

	req, err := http.NewRequestWithContext(s.ctx, http.MethodPost, c.url, body.reader())
	if err != nil {
		return reply{}, &NetworkError{Message: "building the request", Err: err}
	}
	req.ContentLength = int64(len(body.data))
	req.GetBody = body.getBody
	h := req.Header
	h.Set("Content-Type", "application/json")
	if c.compression != CompressionNone {
		h.Set("Content-Encoding", c.compression)
	}
	if c.authz != "" {
		h.Set("Authorization", c.authz)
	}
	h.Set("Idempotency-Key", key)
	h.Set("User-Agent", c.userAgent)

	resp, err := c.httpClient.Do(req)
	if err != nil {
		return reply{}, &NetworkError{Retryable: true, Message: "sending " + strconv.Itoa(len(items)) + " events", Err: err}
	}
	limit := int64(maxErrorBody)
	if resp.StatusCode >= 200 && resp.StatusCode <= 299 {
		limit = maxSuccessBody
	}
	data, _ := io.ReadAll(io.LimitReader(resp.Body, limit))
	_, _ = io.CopyN(io.Discard, resp.Body, maxErrorBody)
	_ = resp.Body.Close()
	if c.apiKey != "" {
		data = bytes.ReplaceAll(data, []byte(c.apiKey), []byte("[REDACTED]"))
	}

	r := classifyReply(resp.StatusCode, resp.Header, data, time.Now())
	if r.err != nil {
		r.err.Message = c.redact(r.err.Message)
		if c.apiKey == "" && (resp.StatusCode == http.StatusUnauthorized || resp.StatusCode == http.StatusForbidden) {
			r.err.Message = "no API key is configured; " + r.err.Message
		}
	}
	return r, nil
}

// idempotencyKey is the Idempotency-Key of the request carrying items: batchKey of their
// events, in request order.
func (s *sender) idempotencyKey(items []encodedEvent) string {
	h := newBatchKey()
	for _, it := range items {
		h.add(&s.events[it.index])
	}
	return h.uuid()
}

// redact removes the API key from s (the platform may quote the header it refused).
func (c *Client) redact(s string) string {
	if c.apiKey == "" {
		return s
	}
	return strings.ReplaceAll(s, c.apiKey, "[REDACTED]")
}
