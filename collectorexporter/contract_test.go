package collectorexporter

import (
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"regexp"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/collector/component"
	"go.opentelemetry.io/collector/consumer"
	"go.opentelemetry.io/collector/consumer/consumererror"
	"go.opentelemetry.io/collector/exporter/exportertest"
	"go.opentelemetry.io/collector/pdata/ptrace"
	"go.opentelemetry.io/collector/pipeline"
	"go.opentelemetry.io/collector/receiver"

	"github.com/llmtrace/llmtrace/internal/platformtest"
	"github.com/llmtrace/llmtrace/platform"
)

// platformReceiver is a test receiver speaking the platform's side of docs/platform-api.md:
// every event of a POST /v1/traces becomes one span carrying the event's `test_id`
// (exportertest's unique ID, which the mapping keeps in metadata) and goes to the next
// consumer; a permanent consumer error answers 400, any other error 503, success 200.
type platformReceiverConfig struct {
	Endpoint string
}

type platformReceiver struct {
	cfg  *platformReceiverConfig
	next consumer.Traces
	srv  *http.Server
}

var testIDInMetadata = regexp.MustCompile(`"test_id"\s*:\s*"([^"]*)"`)

func newPlatformReceiverFactory() receiver.Factory {
	return receiver.NewFactory(component.MustNewType("llmtrace_platform"),
		func() component.Config { return &platformReceiverConfig{} },
		receiver.WithTraces(func(_ context.Context, _ receiver.Settings, cfg component.Config, next consumer.Traces) (receiver.Traces, error) {
			return &platformReceiver{cfg: cfg.(*platformReceiverConfig), next: next}, nil
		}, component.StabilityLevelDevelopment))
}

func (r *platformReceiver) Start(_ context.Context, _ component.Host) error {
	ln, err := net.Listen("tcp", r.cfg.Endpoint)
	if err != nil {
		return err
	}
	r.srv = &http.Server{Handler: http.HandlerFunc(r.serve), ReadHeaderTimeout: 5 * time.Second}
	go func() { _ = r.srv.Serve(ln) }()
	return nil
}

func (r *platformReceiver) Shutdown(ctx context.Context) error {
	if r.srv == nil {
		return nil
	}
	return r.srv.Shutdown(ctx)
}

func (r *platformReceiver) serve(w http.ResponseWriter, req *http.Request) {
	raw, err := io.ReadAll(req.Body)
	if err == nil {
		raw, err = platformtest.DecodeBody(req.Header.Get("Content-Encoding"), raw)
	}
	if err != nil {
		http.Error(w, `{"error":"invalid body"}`, http.StatusBadRequest)
		return
	}
	var batch platform.Batch
	if err := json.Unmarshal(raw, &batch); err != nil {
		http.Error(w, `{"error":"malformed JSON"}`, http.StatusBadRequest)
		return
	}
	td := ptrace.NewTraces()
	spans := td.ResourceSpans().AppendEmpty().ScopeSpans().AppendEmpty().Spans()
	for _, ev := range batch.Traces {
		md, _ := json.Marshal(ev.Metadata)
		m := testIDInMetadata.FindSubmatch(md)
		if m == nil {
			http.Error(w, `{"error":"event without test_id in metadata"}`, http.StatusBadRequest)
			return
		}
		spans.AppendEmpty().Attributes().PutStr("test_id", string(m[1]))
	}
	if err := r.next.ConsumeTraces(req.Context(), td); err != nil {
		if consumererror.IsPermanent(err) {
			http.Error(w, `{"error":"rejected"}`, http.StatusBadRequest)
		} else {
			http.Error(w, `{"error":"try again"}`, http.StatusServiceUnavailable)
		}
		return
	}
	platformtest.Accept(w, len(batch.Traces))
}

func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := ln.Addr().String()
	require.NoError(t, ln.Close())
	return addr
}

// TestConsumeContract runs exportertest.CheckConsumeContract (queue disabled, as it
// requires): with random permanent and retryable platform failures, nothing is lost and
// nothing is duplicated.
func TestConsumeContract(t *testing.T) {
	addr := freeAddr(t)
	cfg := testConfig("http://" + addr)
	cfg.RetryConfig.Enabled = true
	cfg.RetryConfig.InitialInterval = time.Millisecond
	cfg.RetryConfig.MaxInterval = 5 * time.Millisecond
	cfg.RetryConfig.RandomizationFactor = 0
	exportertest.CheckConsumeContract(exportertest.CheckConsumeContractParams{
		T:                    t,
		NumberOfTestElements: 100,
		Signal:               pipeline.SignalTraces,
		ExporterFactory:      NewFactory(),
		ExporterConfig:       cfg,
		ReceiverFactory:      newPlatformReceiverFactory(),
		ReceiverConfig:       &platformReceiverConfig{Endpoint: addr},
	})
}
