// Real capture of Google's Agent Development Kit for JS (@google/adk 2.0.0 on
// @google/genai 2.32.0): an LlmAgent with a FunctionTool run by an InMemoryRunner against a
// loopback fake of the Gemini API (scripts/capture/lib/fake-gemini.mjs), which @google/genai
// reaches through GOOGLE_GEMINI_BASE_URL (the Gemini class of ADK passes no base URL of its
// own). ADK traces with the global OTel tracer (scope gcp.vertex.agent): invocation,
// invoke_agent, call_llm (gen_ai.* plus the request and response as JSON in
// gcp.vertex.agent.llm_request / gcp.vertex.agent.llm_response), execute_tool. It emits no
// log records. Spans go to the capture receiver (run.sh) with the OTel JS OTLP/HTTP JSON
// exporter on a NodeTracerProvider registered the way ADK's own setup does
// (telemetry/setup.js).
// Three traces, session sess-heldout-001 of user user-heldout-42: (1) the agent calls
// get_weather and answers (two generateContent calls); (2) the same run streamed
// (StreamingMode.SSE: two streamGenerateContent calls); (3) a run the provider fails with
// HTTP 500.
// Run: scripts/capture/run.sh google-adk-js
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { startFakeGemini, ANSWER, FAIL_MARKER } from '../lib/fake-gemini.mjs';
import { otlpTracesURL } from '../lib/fake-openai.mjs';

export const CAPTURE_FILE = 'google-adk-js-gemini-agent-tool.json';

const provider = new NodeTracerProvider({
  resource: resourceFromAttributes({ 'service.name': 'adk-js-weather', 'service.version': '0.0.0-capture' }),
  spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter({ url: otlpTracesURL() }))],
});
provider.register();

const fake = await startFakeGemini();
process.env.GOOGLE_GEMINI_BASE_URL = fake.url;
process.env.GOOGLE_GENAI_API_KEY = 'fake-loopback-key';
const { LlmAgent, FunctionTool, InMemoryRunner, StreamingMode } = await import('@google/adk');

const getWeather = new FunctionTool({
  name: 'get_weather',
  description: 'Current weather for a city',
  parameters: { type: 'OBJECT', properties: { city: { type: 'STRING' } }, required: ['city'] },
  execute: async ({ city }) => ({ city, temperature_c: 18, sky: 'clear' }),
});
const agent = new LlmAgent({
  name: 'weather_agent',
  description: 'Answers weather questions',
  model: 'gemini-2.5-flash',
  instruction: 'You are a weather assistant. Use the tools.',
  tools: [getWeather],
  generateContentConfig: { temperature: 0.2, maxOutputTokens: 128 },
});
const runner = new InMemoryRunner({ agent, appName: 'weather_app' });
const userId = 'user-heldout-42';
await runner.sessionService.createSession({ appName: 'weather_app', userId, sessionId: 'sess-heldout-001' });

async function run(text, runConfig) {
  const events = [];
  for await (const ev of runner.runAsync({ userId, sessionId: 'sess-heldout-001', newMessage: { role: 'user', parts: [{ text }] }, runConfig })) events.push(ev);
  return events;
}
const finalText = (events) => events.filter((e) => !e.partial).flatMap((e) => e.content?.parts ?? []).map((p) => p.text ?? '').join('');

// 1. The tool loop.
const first = await run('What is the weather in Paris?');
if (finalText(first) !== ANSWER) throw new Error(`answered ${JSON.stringify(first.map((e) => e.content))}`);

// 2. The same, streamed.
const second = await run('Stream me the weather in Paris.', { streamingMode: StreamingMode.SSE });
if (!finalText(second).endsWith(ANSWER)) throw new Error(`streamed ${JSON.stringify(second.map((e) => e.content))}`);

// 3. The provider fails with HTTP 500.
let failed = false;
try {
  const events = await run(`What is the weather in Paris? ${FAIL_MARKER}`);
  failed = events.some((e) => e.errorCode || e.errorMessage);
} catch (e) {
  failed = String(e.message).includes('500') || String(e.message).includes('INTERNAL');
  if (!failed) throw e;
}
if (!failed) throw new Error('the provider\'s HTTP 500 did not fail the run');

await provider.forceFlush();
await provider.shutdown();
await fake.close();
console.log('google-adk-js: done');
