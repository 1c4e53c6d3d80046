// Real capture of the official OpenTelemetry instrumentation for the openai SDK
// (@opentelemetry/instrumentation-openai 0.22.0 on openai 6.30.1, OTel JS SDK 3.1.1) with
// OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT=true: the spans carry the gen_ai.*
// request/response/usage attributes and the content travels as OTel log records joined to
// the span by trace and span id — Chat Completions as the 1.36 events (event.name
// gen_ai.system.message / gen_ai.user.message / gen_ai.assistant.message /
// gen_ai.tool.message / gen_ai.choice, content in the body), the Responses API as
// gen_ai.client.inference.operation.details records (the record's EventName, content in the
// gen_ai.input.messages / gen_ai.output.messages attributes). Spans and logs go to the
// capture receiver (run.sh) with the OTLP/HTTP JSON exporters and land in one document.
// Five traces: (1) a hand-made app span `weather-agent` around a Chat Completions tool loop
// (two chat calls, the app runs get_weather in between); (2) a streamed chat call; (3) an
// app span `weather-agent-responses` around a Responses API tool loop (two calls); (4) a
// streamed Responses call; (5) a chat call the provider fails with HTTP 500.
// The instrumentation hooks openai through require-in-the-middle, so openai is loaded with
// require after the instrumentation is registered (an ESM import would not be patched
// without an import-in-the-middle loader).
// Run: scripts/capture/run.sh otel-js-openai
import { createRequire } from 'node:module';
import { context, logs, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { TracerProvider, BatchSpanProcessor } from '@opentelemetry/sdk-trace';
import { LoggerProvider, BatchLogRecordProcessor } from '@opentelemetry/sdk-logs';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPLogExporter } from '@opentelemetry/exporter-logs-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { registerInstrumentations } from '@opentelemetry/instrumentation';
import { OpenAIInstrumentation } from '@opentelemetry/instrumentation-openai';
import { startFakeOpenAI, otlpTracesURL, otlpLogsURL, ANSWER, FAIL_MARKER } from '../lib/fake-openai.mjs';

export const CAPTURE_FILE = 'otel-js-openai-logs-chat-tool.json';

process.env.OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT = 'true';
const resource = resourceFromAttributes({ 'service.name': 'otel-js-openai-weather', 'service.version': '0.0.0-capture' });
context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
const tracerProvider = new TracerProvider({
  resource,
  spanProcessors: [new BatchSpanProcessor({ exporter: new OTLPTraceExporter({ url: otlpTracesURL() }) })],
});
trace.setGlobalTracerProvider(tracerProvider);
const loggerProvider = new LoggerProvider({
  resource,
  processors: [new BatchLogRecordProcessor({ exporter: new OTLPLogExporter({ url: otlpLogsURL() }) })],
});
logs.setGlobalLoggerProvider(loggerProvider);
registerInstrumentations({ instrumentations: [new OpenAIInstrumentation()] });

const require = createRequire(import.meta.url);
const { OpenAI } = require('openai');
const fake = await startFakeOpenAI();
const client = new OpenAI({ apiKey: 'sk-fake-loopback', baseURL: fake.url, maxRetries: 0 });
const tracer = trace.getTracer('llmtrace-capture-app');
const weather = ({ city }) => JSON.stringify({ city, temperature_c: 18, sky: 'clear' });
const chatTools = [{ type: 'function', function: { name: 'get_weather', description: 'Current weather for a city',
  parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } } }];
const responseTools = [{ type: 'function', name: 'get_weather', description: 'Current weather for a city', strict: false,
  parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } }];

// 1. Chat Completions tool loop under an app span.
await tracer.startActiveSpan('weather-agent', async (span) => {
  const messages = [
    { role: 'system', content: 'You are a weather assistant. Use the tools.' },
    { role: 'user', content: 'What is the weather in Paris?' },
  ];
  const first = await client.chat.completions.create({ model: 'gpt-4o-mini', messages, tools: chatTools, temperature: 0.2, max_tokens: 128 });
  const call = first.choices[0].message.tool_calls?.[0];
  if (!call) throw new Error('no tool call');
  messages.push(first.choices[0].message);
  messages.push({ role: 'tool', tool_call_id: call.id, content: weather(JSON.parse(call.function.arguments)) });
  const second = await client.chat.completions.create({ model: 'gpt-4o-mini', messages, tools: chatTools, temperature: 0.2, max_tokens: 128 });
  if (second.choices[0].message.content !== ANSWER) throw new Error(`unexpected answer ${second.choices[0].message.content}`);
  span.end();
});

// 2. A streamed chat call with the usage chunk.
{
  const stream = await client.chat.completions.create({ model: 'gpt-4o-mini', stream: true, stream_options: { include_usage: true },
    messages: [{ role: 'user', content: 'Stream me the weather in Paris.' }] });
  let text = '';
  for await (const chunk of stream) text += chunk.choices[0]?.delta?.content ?? '';
  if (text !== ANSWER) throw new Error(`streamed ${text}`);
}

// 3. Responses API tool loop under an app span.
await tracer.startActiveSpan('weather-agent-responses', async (span) => {
  const input = [{ role: 'user', content: 'What is the weather in Paris?' }];
  const instructions = 'You are a weather assistant. Use the tools.';
  const first = await client.responses.create({ model: 'gpt-4o-mini', instructions, input, tools: responseTools, max_output_tokens: 128 });
  const call = first.output.find((o) => o.type === 'function_call');
  if (!call) throw new Error('no function_call in the response');
  input.push(call, { type: 'function_call_output', call_id: call.call_id, output: weather(JSON.parse(call.arguments)) });
  const second = await client.responses.create({ model: 'gpt-4o-mini', instructions, input, tools: responseTools, max_output_tokens: 128 });
  if (second.output_text !== ANSWER) throw new Error(`unexpected answer ${second.output_text}`);
  span.end();
});

// 4. A streamed Responses call.
{
  const stream = await client.responses.create({ model: 'gpt-4o-mini', input: 'Stream me the weather in Paris.', stream: true });
  let text = '';
  for await (const ev of stream) if (ev.type === 'response.output_text.delta') text += ev.delta;
  if (text !== ANSWER) throw new Error(`streamed ${text}`);
}

// 5. The provider fails with HTTP 500.
try {
  await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: `What is the weather in Paris? ${FAIL_MARKER}` }] });
  throw new Error('the provider\'s HTTP 500 did not fail the call');
} catch (e) {
  if (e.status !== 500) throw e;
}

await tracerProvider.forceFlush();
await loggerProvider.forceFlush();
await tracerProvider.shutdown();
await loggerProvider.shutdown();
await fake.close();
console.log('otel-js-openai: done');
