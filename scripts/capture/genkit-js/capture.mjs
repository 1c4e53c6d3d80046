// Real capture of Genkit JS (genkit 1.42.0, @genkit-ai/compat-oai 1.42.0's OpenAI plugin):
// the JS side of the Genkit dialect, including the agent session key genkit:metadata:agent:sessionId
// that Genkit for Go does not write. Genkit's own OTel setup
// (enableTelemetry, a NodeSDK 0.52 configuration) gets a BatchSpanProcessor with the OTel JS
// OTLP/HTTP JSON exporter of the same SDK line (1.25 / 0.52, what @genkit-ai/core pins) pointed
// at the capture receiver (run.sh). The OpenAI client
// reaches the loopback fake through OPENAI_BASE_URL (the plugin has no baseURL option).
// Traces: a flow with a tool loop; an agent chat turn with a tool loop; a streamed generate; a
// generate the provider fails with HTTP 500.
// Run: scripts/capture/run.sh genkit-js
import { BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { startFakeOpenAI, otlpTracesURL, ANSWER, FAIL_MARKER } from '../lib/fake-openai.mjs';

export const CAPTURE_FILE = 'genkit-js-compat-oai-tool-loop.json';

const fake = await startFakeOpenAI();
process.env.OPENAI_BASE_URL = fake.url;
process.env.OPENAI_API_KEY = 'sk-fake-loopback';

const { genkit, z, InMemorySessionStore } = await import('genkit/beta');
const { enableTelemetry, flushTracing } = await import('genkit/tracing');
const { openAI } = await import('@genkit-ai/compat-oai/openai');

await enableTelemetry({
  serviceName: 'genkit-js-weather',
  spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter({ url: otlpTracesURL() }))],
});

const ai = genkit({ plugins: [openAI({ maxRetries: 0 })] });
const model = 'openai/gpt-4o-mini';
const getWeather = ai.defineTool(
  { name: 'get_weather', description: 'Current weather for a city', inputSchema: z.object({ city: z.string() }) },
  async ({ city }) => ({ city, temperature_c: 18, sky: 'clear' }),
);
const weatherFlow = ai.defineFlow({ name: 'weatherFlow', inputSchema: z.string(), outputSchema: z.string() }, async (city) => {
  const { text } = await ai.generate({ model, system: 'You are a weather assistant. Use the tools.', prompt: `What is the weather in ${city}?`, tools: [getWeather] });
  return text;
});

// 1. Flow with a tool loop.
if ((await weatherFlow('Paris')) !== ANSWER) throw new Error('unexpected flow answer');

// 2. An agent turn (genkit 1.42's replacement of chat sessions): its session id goes to
// genkit:metadata:agent:sessionId (setCustomMetadataAttributes in @genkit-ai/ai agent).
const agent = ai.defineAgent({ name: 'weatherAgent', model, system: 'You are a weather assistant. Use the tools.', tools: [getWeather], store: new InMemorySessionStore() });
const chat = agent.chat();
const reply = await chat.send('What is the weather like in Paris today?');
if (!JSON.stringify(reply).includes(ANSWER)) throw new Error(`agent answered ${JSON.stringify(reply).slice(0, 300)}`);

// 3. A streamed generate (stream_options.include_usage set by the plugin or not: recorded as is).
const { stream, response } = ai.generateStream({ model, prompt: 'Stream me the weather in Paris.' });
let text = '';
for await (const c of stream) text += c.text;
if (text !== ANSWER || (await response).text !== ANSWER) throw new Error(`streamed ${text}`);

// 4. The provider fails with HTTP 500.
try {
  await ai.generate({ model, prompt: `What is the weather in Paris? ${FAIL_MARKER}` });
  throw new Error('the provider\'s HTTP 500 did not fail generate');
} catch (e) {
  if (!String(e.message).includes('500')) throw e;
}

await flushTracing();
await fake.close();
console.log('genkit-js: done');
process.exit(0);
