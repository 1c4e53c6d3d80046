// Package devserver is llmtrace's local stand-in for the platform: it speaks the ingest
// contract of docs/platform-api.md strictly, stores events in SQLite (modernc.org/sqlite, no
// cgo) and serves them back as JSON and as a web page. cmd/llmtrace-devserver wraps it;
// end-to-end tests of other packages run it in-process with New and httptest.
//
// # Host check (every route)
//
// A request whose Host header is not localhost, 127.0.0.1, [::1] or the listen host
// (Config.Addr; any IP literal when bound to every interface) with the listen port, nor a
// name of Config.AllowedHosts, is refused with 421 Misdirected Request and a message
// naming the Host and what is accepted (JSON {"error"} under /v1/, text elsewhere): a page
// on another site that rebinds its DNS name to 127.0.0.1 cannot read stored prompts or
// post events. See hostPolicy.
//
// # Ingest: POST /v1/traces
//
// Request and replies as docs/platform-api.md fixes them:
//
//   - Authorization: "Bearer <key>" when Config.APIKey is set. Missing or not a Bearer
//     credential → 401, any other key (a truncated one or a prefix included: the whole
//     key is compared, as SHA-256 digests in constant time) → 403, both {"error": "..."};
//     the key is never echoed.
//   - Content-Type must be application/json (charset utf-8 if given). Anything else is
//     415 Unsupported Media Type with {"error": "..."}: the contract leaves this status
//     open, and 415 names the problem exactly; like 400 it is permanent for a shipper.
//   - Content-Encoding gzip (or x-gzip), zstd, identity or absent; any other coding → 415.
//     A corrupt gzip/zstd stream → 400.
//   - The body may be at most 5 MiB (platform.MaxRequestBytes) after decompression:
//     the wire is capped by http.MaxBytesReader (plus 64 KiB for compression overhead)
//     and the decompressed stream by a limited reader, so a request never has more than
//     5 MiB + 1 byte of body read into memory (a 50 MiB body or gzip bomb included);
//     past 5 MiB → 413. More than 1000 events → 413.
//   - The body must be exactly {"traces": [ ... ]} (no other keys, nothing after it):
//     otherwise 400 {"error": "...", "details": ["..."]} naming the byte offset. The array
//     is split into its events without decoding them (brackets counted outside strings,
//     no depth limit), so an event nested past encoding/json's 10 000 levels, with a
//     syntax error inside, or with invalid UTF-8 is rejected alone by index.
//   - Each event is decoded with contract.DecodeEvent, the one definition of a valid
//     event, plus the rules a decoded value no longer shows: the event's bytes must be
//     valid UTF-8; startTime and endTime must be UTC ("Z" or a zero offset; "+02:00" is
//     rejected, as docs/platform-api.md says "RFC 3339 UTC"). Invalid events are reported as
//     200 {"accepted": n, "rejected": [{"index": i, "error": "field: reason"}]} and the
//     valid ones are stored (partial success); all valid → 200 {"accepted": n}.
//   - UUIDs (traceId, spanId, parentSpanId, threadId) are lower-cased before the upsert,
//     in the columns and in the stored JSON: the same event sent in upper and in lower
//     case is one row.
//   - Events are upserted by (traceId, spanId) in one transaction per batch, so a retried
//     batch replaces rather than duplicates. A store failure is 500 (503 with
//     Retry-After: 1 when SQLite stays busy), which shippers retry.
//
// One log line is written per batch: accepted and rejected counts, the Idempotency-Key,
// the Content-Encoding and the decompressed size in bytes; a refused request logs its
// status and error instead.
//
// # Read API
//
// Open when Config.ReadKey is empty (the server binds to loopback by default); otherwise
// it wants "Authorization: Bearer <read key>" (or the page's cookie): none → 401, any
// other key → 403. Costs (usage.cost_usd, and metadata's usage_rollup / usage_reported
// cost_usd) are rounded to 10 significant digits (0.000016499999999999998 → 0.0000165).
//
//   - GET /v1/traces → {"traces": [summary, ...]}, newest first (by the trace's earliest
//     startTime). A summary is {traceId, name (of the root: the event without
//     parentSpanId, else the earliest), type, threadId, conversationId (the app's own
//     conversation id, metadata.conversation_id, when threadId was derived from it),
//     sessionId, userId, startTime, durationMs (latest end − earliest start, ms),
//     spanCount, usage (Σ prompt / completion / total / cached / reasoning tokens and
//     cost_usd over the events; absent when no event reports usage), status (the root
//     span's: ok, error, or unset), error and errorCount (events with status or type
//     error, anywhere in the trace)}.
//     Query parameters: name and model (any event's contains, case-insensitive), type,
//     threadId, sessionId, userId (any event's equals), conversationId (the app's id or a
//     threadId), status (the root's), error (true or false: any failed event), from and to
//     (the trace's start, RFC 3339 or UTC "2006-01-02T15:04"), limit (1–1000, default 50),
//     offset, order (desc or asc). A bad value is 400 naming it.
//   - GET /v1/traces/{traceId} → {"events": [event, ...]} ordered by startTime, each event
//     as received (compacted JSON, UUIDs lower-cased, costs rounded as above); 404
//     {"error": ...} when unknown. traceId may also be the OTel trace id (32 hex digits).
//
// # Page
//
// Server-rendered with html/template (every value escaped) plus one small script and one
// stylesheet embedded under /static/ — no build step, nothing loaded from another origin.
// With Config.ReadKey every page but /static/ wants the read cookie: opening any page
// once with ?key=<read key> sets it and redirects to the URL without the key; otherwise
// the page is a login form (401; 403 after a wrong key) posting to POST /login.
//
//   - GET / lists traces 50 a page with the filters above as a form, the root's status
//     with the number of failed spans, tokens ("—" when no usage), cost, user/session
//     and the conversation (the app's id with the thread UUID beside it); while "Refresh
//     every 5 s" is checked the list re-fetches itself. GET /?trace=<id> redirects to the
//     trace.
//   - GET /traces/{traceId} shows the root span's status and the failed spans in its
//     header, the trace's totals (tokens, cached and reasoning, cost, models, providers,
//     user, session, conversation by the app's id and thread UUID, tags), a timeline of
//     its spans
//     (indented tree, one bar per span positioned by start and duration), and for each
//     span its model, provider, usage, cost, context window, time to first chunk
//     (gen_ai.response.time_to_first_chunk or ai.response.msToFirstChunk in metadata),
//     roll-up (metadata.usage_rollup), error, and its input and output rendered as a
//     conversation (roles, tool calls with arguments, tool results) with the raw JSON and
//     the metadata in <details>; an output's stacktrace (error events) is preformatted.
//     With the script, clicking a span on the timeline shows its panel; without it every
//     panel is shown. An OTel trace id (32 hex digits) redirects to the trace UUID's page.
//   - GET /threads/{threadId} shows one conversation: its traces oldest first, each with
//     its root span's input and output as messages. The app's own conversation id in
//     place of threadId redirects to its thread.
//
// Costs are shown rounded to 10 significant digits ("$0.0000165").
//
// # Storage
//
// One SQLite table, events, keyed by (trace_id, span_id), holding the event JSON plus
// indexed columns for listing (thread, conversation, session, user, start time) and the
// token counts, so that no query parses the stored JSON (laterColumns: a file made by an
// earlier version gets the newer columns on open). A file database uses
// WAL, a 5 s busy timeout and IMMEDIATE transactions; ":memory:" is a private database
// on a single connection.
package devserver
