// Real capture of LangSmith JS (langsmith 0.12.0: traceable + wrapOpenAI on openai 6.30.1)
// in its OTel mode: with LANGSMITH_OTEL_ENABLED=true (and LANGSMITH_TRACING=true) the
// LangSmith client hands every run to its LangSmithToOTELTranslator instead of the LangSmith
// API, which sets gen_ai.* and langsmith.* attributes on the run's OTel span;
// initializeOTEL() (langsmith/experimental/otel/setup) installs the global
// BasicTracerProvider with LangSmithOTLPSpanProcessor and LangSmithOTLPTraceExporter, an
// OTLP/HTTP protobuf exporter (@opentelemetry/exporter-trace-otlp-proto), here pointed at the
// capture receiver through OTEL_EXPORTER_OTLP_ENDPOINT (run.sh). LANGSMITH_ENDPOINT is the
// loopback fake, so nothing leaves the machine.
// Four traces: (1) a traceable chain `weather-agent` (metadata session_id, user_id,
// conversation_id) → wrapped chat call that asks for get_weather, a traceable tool
// `get_weather`, wrapped chat call that answers; (2) a traceable chain `stream-weather`
// around a streamed wrapped chat call (one span, see 2. below); (3) a wrapped Responses API
// call; (4) a wrapped chat call the provider fails with HTTP 500.
// Run: scripts/capture/run.sh langsmith-js
import { startFakeOpenAI, ANSWER, FAIL_MARKER } from '../lib/fake-openai.mjs';

export const CAPTURE_FILE = 'langsmith-js-openai-traceable.json';

const fake = await startFakeOpenAI();
const endpoint = process.env.CAPTURE_OTLP_ENDPOINT;
if (!endpoint) throw new Error('CAPTURE_OTLP_ENDPOINT is not set: run this through scripts/capture/run.sh');
Object.assign(process.env, {
  LANGSMITH_TRACING: 'true',
  LANGSMITH_OTEL_ENABLED: 'true',
  LANGSMITH_API_KEY: 'lsv2_fake_loopback',
  LANGSMITH_PROJECT: 'weather-capture',
  LANGSMITH_ENDPOINT: fake.url.replace(/\/v1$/, ''),
  OTEL_EXPORTER_OTLP_ENDPOINT: endpoint,
});
// The env must be set before langsmith reads it, hence the dynamic imports.
const { initializeOTEL } = await import('langsmith/experimental/otel/setup');
const { traceable } = await import('langsmith/traceable');
const { wrapOpenAI } = await import('langsmith/wrappers/openai');
const { Client } = await import('langsmith');
const { OpenAI } = await import('openai');

const { DEFAULT_LANGSMITH_SPAN_PROCESSOR, DEFAULT_LANGSMITH_TRACER_PROVIDER } = initializeOTEL();
const client = new Client();
const openai = wrapOpenAI(new OpenAI({ apiKey: 'sk-fake-loopback', baseURL: fake.url, maxRetries: 0 }), { client });
const tools = [{ type: 'function', function: { name: 'get_weather', description: 'Current weather for a city',
  parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } } }];

const getWeather = traceable(async ({ city }) => JSON.stringify({ city, temperature_c: 18, sky: 'clear' }),
  { name: 'get_weather', run_type: 'tool', client });

// 1. A chain running the tool loop.
const agent = traceable(async (question) => {
  const messages = [
    { role: 'system', content: 'You are a weather assistant. Use the tools.' },
    { role: 'user', content: question },
  ];
  const first = await openai.chat.completions.create({ model: 'gpt-4o-mini', messages, tools, temperature: 0.2, max_tokens: 128 });
  const call = first.choices[0].message.tool_calls?.[0];
  if (!call) throw new Error('no tool call');
  messages.push(first.choices[0].message);
  messages.push({ role: 'tool', tool_call_id: call.id, content: await getWeather(JSON.parse(call.function.arguments)) });
  const second = await openai.chat.completions.create({ model: 'gpt-4o-mini', messages, tools, temperature: 0.2, max_tokens: 128 });
  const answer = second.choices[0].message.content;
  if (answer !== ANSWER) throw new Error(`unexpected answer ${answer}`);
  return answer;
}, {
  name: 'weather-agent', run_type: 'chain', client,
  metadata: { session_id: 'sess-heldout-001', user_id: 'user-heldout-42', conversation_id: 'conv-heldout-7' },
  tags: ['capture'],
});
await agent('What is the weather in Paris?');

// 2. A streamed call with the usage chunk, inside a traceable chain. langsmith 0.12.0 in
// OTel mode posts and ends a streamed run from outside the run's own OTel context (the run
// is posted after the call returned its stream, and ended in the stream's finally block),
// so the translator writes the streamed run's attributes onto the enclosing span — here
// `stream-weather` ends up with langsmith.span.kind llm, langsmith.trace.name ChatOpenAI
// and the usage — and the streamed call's own span is never ended nor exported. At the
// root (no enclosing span) the end is dropped (Client._cloneCurrentOTELContext finds no
// active span) and nothing of the call is exported at all, which is why it runs in a chain.
await traceable(async () => {
  const stream = await openai.chat.completions.create({ model: 'gpt-4o-mini', stream: true, stream_options: { include_usage: true },
    messages: [{ role: 'user', content: 'Stream me the weather in Paris.' }] });
  let text = '';
  for await (const chunk of stream) text += chunk.choices[0]?.delta?.content ?? '';
  if (text !== ANSWER) throw new Error(`streamed ${text}`);
  return text;
}, { name: 'stream-weather', run_type: 'chain', client })();

// 3. A Responses API call.
{
  const r = await openai.responses.create({ model: 'gpt-4o-mini', instructions: 'You are a weather assistant.', input: 'What is the weather in Paris?' });
  if (r.output_text !== ANSWER) throw new Error(`responses answered ${r.output_text}`);
}

// 4. The provider fails with HTTP 500.
try {
  await openai.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: `What is the weather in Paris? ${FAIL_MARKER}` }] });
  throw new Error('the provider\'s HTTP 500 did not fail the call');
} catch (e) {
  if (e.status !== 500) throw e;
}

await client.awaitPendingTraceBatches();
await DEFAULT_LANGSMITH_SPAN_PROCESSOR.forceFlush();
await DEFAULT_LANGSMITH_TRACER_PROVIDER.shutdown();
await fake.close();
console.log('langsmith-js: done');
