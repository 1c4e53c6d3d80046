package main

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"

	"github.com/firebase/genkit/go/ai"
	"github.com/firebase/genkit/go/core"
	"github.com/firebase/genkit/go/core/tracing"
	"github.com/firebase/genkit/go/genkit"
	openaigo "github.com/openai/openai-go"
)

// Model is the Genkit model every scenario calls: the compat_oai OpenAI plugin's
// "openai/gpt-4o-mini", answered by the fake provider as gpt-4o-mini-2024-07-18.
const Model = "openai/gpt-4o-mini"

// WeatherInput is the get_weather tool's input.
type WeatherInput struct {
	City string `json:"city" jsonschema:"description=City name"`
}

// Weather is the get_weather tool's output.
type Weather struct {
	City         string `json:"city"`
	TemperatureC int    `json:"temperature_c"`
	Sky          string `json:"sky"`
}

type app struct {
	g       *genkit.Genkit
	weather ai.Tool
	flow    *core.Flow[string, string, struct{}]
}

// defineApp registers the tool and the flow with g.
func defineApp(g *genkit.Genkit) *app {
	a := &app{g: g}
	a.weather = genkit.DefineTool(g, "get_weather", "Current weather for a city",
		func(ctx *ai.ToolContext, in WeatherInput) (Weather, error) {
			return Weather{City: in.City, TemperatureC: 18, Sky: "clear"}, nil
		})
	a.flow = genkit.DefineFlow(g, "weatherFlow", func(ctx context.Context, city string) (string, error) {
		resp, err := genkit.Generate(ctx, g,
			ai.WithModelName(Model),
			ai.WithSystem("You are a weather assistant. Use the tools."),
			ai.WithPrompt("What is the weather in %s?", city),
			ai.WithTools(a.weather),
		)
		if err != nil {
			return "", err
		}
		return resp.Text(), nil
	})
	return a
}

type scenario struct {
	Name string
	Do   func(ctx context.Context, a *app) (outcome string, err error)
}

type scenarioResult struct {
	Name    string
	TraceID string // OTel trace ID, 32 hex digits
	Outcome string
}

// captureGroup is the scenarios one capture file holds.
type captureGroup struct {
	File      string
	Scenarios []scenario
}

var captureGroups = []captureGroup{
	{File: "genkit-go-compat-oai-tool-loop.json", Scenarios: []scenario{{"tool-loop", toolLoop}}},
	{File: "genkit-go-compat-oai-generate-stream.json", Scenarios: []scenario{{"generate", generate}, {"stream", stream}}},
	{File: "genkit-go-compat-oai-error-500.json", Scenarios: []scenario{{"error-500", providerError}}},
}

// runScenario runs sc and records the trace ID Genkit's first span got (through Genkit's
// telemetry callback, which RunInNewSpan calls for each span it starts).
func runScenario(ctx context.Context, a *app, sc scenario) (scenarioResult, error) {
	var once sync.Once
	var traceID string
	ctx = tracing.WithTelemetryCallback(ctx, func(tid, _ string) { once.Do(func() { traceID = tid }) })
	outcome, err := sc.Do(ctx, a)
	return scenarioResult{Name: sc.Name, TraceID: traceID, Outcome: outcome}, err
}

// toolLoop: a flow whose generate calls the model, runs get_weather, calls it again.
func toolLoop(ctx context.Context, a *app) (string, error) {
	out, err := a.flow.Run(ctx, "Paris")
	if err != nil {
		return "", err
	}
	if out != FakeAnswer {
		return "", fmt.Errorf("flow answered %q, want %q", out, FakeAnswer)
	}
	return "answered: " + out, nil
}

// generate: one model call, no tools.
func generate(ctx context.Context, a *app) (string, error) {
	resp, err := genkit.Generate(ctx, a.g,
		ai.WithModelName(Model),
		ai.WithPrompt("What is the weather like in Paris today?"),
	)
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("answered: %s (%d+%d tokens)", resp.Text(), resp.Usage.InputTokens, resp.Usage.OutputTokens), nil
}

// stream: one streamed model call; the config asks for the usage chunk as an OpenAI
// client must (stream_options.include_usage).
func stream(ctx context.Context, a *app) (string, error) {
	var chunks []string
	resp, err := genkit.Generate(ctx, a.g,
		ai.WithModelName(Model),
		ai.WithPrompt("Stream me the weather in Paris."),
		ai.WithConfig(&openaigo.ChatCompletionNewParams{
			StreamOptions: openaigo.ChatCompletionStreamOptionsParam{IncludeUsage: openaigo.Bool(true)},
		}),
		ai.WithStreaming(func(_ context.Context, c *ai.ModelResponseChunk) error {
			chunks = append(chunks, c.Text())
			return nil
		}),
	)
	if err != nil {
		return "", err
	}
	if got := strings.Join(chunks, ""); got != FakeAnswer || resp.Text() != FakeAnswer {
		return "", fmt.Errorf("streamed %q, final %q, want %q", got, resp.Text(), FakeAnswer)
	}
	return fmt.Sprintf("streamed %d chunks (%d+%d tokens)", len(chunks), resp.Usage.InputTokens, resp.Usage.OutputTokens), nil
}

// providerError: the provider answers HTTP 500; Generate must fail with its message.
func providerError(ctx context.Context, a *app) (string, error) {
	_, err := genkit.Generate(ctx, a.g,
		ai.WithModelName(Model),
		ai.WithPrompt("What is the weather in Paris? %s", FakeFailMarker),
	)
	if err == nil {
		return "", errors.New("the provider's HTTP 500 did not fail Generate")
	}
	if !strings.Contains(err.Error(), "500") {
		return "", fmt.Errorf("unexpected error: %w", err)
	}
	return "failed as served: " + err.Error(), nil
}
