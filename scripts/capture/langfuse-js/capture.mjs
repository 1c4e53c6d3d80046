// Real capture of the Langfuse JS SDK v4 (@langfuse/tracing, @langfuse/otel,
// @langfuse/openai 4.6.1): what an app instrumented the Langfuse way exports over OTel.
// The LangfuseSpanProcessor's own OTLP/HTTP JSON exporter posts to
// {baseUrl}/api/public/otel/v1/traces; baseUrl is the capture receiver (run.sh).
// Three traces: an agent with an observeOpenAI tool loop and a hand-made tool observation;
// a streamed observeOpenAI call plus a hand-made generation carrying usage_details and
// cost_details; an observeOpenAI call the provider fails with HTTP 500 (level ERROR).
// Run: scripts/capture/run.sh langfuse-js
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { LangfuseSpanProcessor } from '@langfuse/otel';
import { startActiveObservation, startObservation, propagateAttributes } from '@langfuse/tracing';
import { observeOpenAI } from '@langfuse/openai';
import OpenAI from 'openai';
import { startFakeOpenAI, otlpTracesURL, ANSWER, FAIL_MARKER } from '../lib/fake-openai.mjs';

export const CAPTURE_FILE = 'langfuse-js-v4-openai-tool-loop.json';

const receiverBase = otlpTracesURL().replace(/\/v1\/traces$/, '');
const processor = new LangfuseSpanProcessor({
  publicKey: 'pk-lf-fake', secretKey: 'sk-lf-fake', baseUrl: receiverBase,
  environment: 'capture', release: 'capture-1', exportMode: 'batched', flushAt: 1000,
});
const provider = new NodeTracerProvider({
  resource: resourceFromAttributes({ 'service.name': 'langfuse-js-weather', 'service.version': '0.0.0-capture' }),
  spanProcessors: [processor],
});
provider.register();

const fake = await startFakeOpenAI();
const client = () => new OpenAI({ baseURL: fake.url, apiKey: 'sk-fake-loopback', maxRetries: 0 });
const tools = [{ type: 'function', function: { name: 'get_weather', description: 'Current weather for a city', parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } } }];
const identity = { userId: 'user-heldout-42', sessionId: 'sess-heldout-001', tags: ['capture', 'weather'], metadata: { conversationId: 'conv-heldout-7' } };

// 1. Agent with a tool loop.
await propagateAttributes({ ...identity, traceName: 'weather-agent' }, () =>
  startActiveObservation('weather-agent', async (agent) => {
    const question = 'What is the weather in Paris?';
    agent.update({ input: { question } });
    const openai = observeOpenAI(client(), { generationName: 'chat-weather' });
    const messages = [{ role: 'system', content: 'You are a weather assistant. Use the tools.' }, { role: 'user', content: question }];
    const first = await openai.chat.completions.create({ model: 'gpt-4o-mini', messages, tools, temperature: 0.2, max_tokens: 128 });
    const call = first.choices[0].message.tool_calls[0];
    const args = JSON.parse(call.function.arguments);
    const tool = startObservation('get_weather', { input: args, metadata: { toolCallId: call.id } }, { asType: 'tool' });
    const result = { city: args.city, temperature_c: 18, sky: 'clear' };
    tool.update({ output: result }).end();
    messages.push(first.choices[0].message, { role: 'tool', tool_call_id: call.id, content: JSON.stringify(result) });
    const second = await openai.chat.completions.create({ model: 'gpt-4o-mini', messages, tools, temperature: 0.2, max_tokens: 128 });
    if (second.choices[0].message.content !== ANSWER) throw new Error(`unexpected answer ${second.choices[0].message.content}`);
    agent.update({ output: { answer: ANSWER } });
    agent.updateTrace({ input: { question }, output: { answer: ANSWER } });
  }, { asType: 'agent' }));

// 2. A streamed call, and a generation recorded by hand with usage and cost details.
await propagateAttributes({ ...identity, traceName: 'weather-stream' }, () =>
  startActiveObservation('weather-stream', async () => {
    const openai = observeOpenAI(client(), { generationName: 'chat-stream' });
    const stream = await openai.chat.completions.create({ model: 'gpt-4o-mini', stream: true, stream_options: { include_usage: true }, messages: [{ role: 'user', content: 'Stream me the weather in Paris.' }] });
    let text = '';
    for await (const c of stream) text += c.choices[0]?.delta?.content ?? '';
    if (text !== ANSWER) throw new Error(`streamed ${text}`);
    const gen = startObservation('manual-generation', {
      model: 'gpt-4o-mini-2024-07-18', modelParameters: { temperature: 0.2, max_tokens: 128 },
      input: [{ role: 'user', content: 'What is the weather like in Paris today?' }],
    }, { asType: 'generation' });
    gen.update({
      output: { role: 'assistant', content: ANSWER },
      usageDetails: { input: 42, output: 17, total: 59, input_cached_tokens: 8, output_reasoning_tokens: 5 },
      costDetails: { input: 0.0000063, output: 0.0000102, total: 0.0000165 },
    }).end();
  }, { asType: 'span' }));

// 3. The provider fails with HTTP 500.
await propagateAttributes({ ...identity, traceName: 'weather-error' }, () =>
  startActiveObservation('weather-error', async (span) => {
    const openai = observeOpenAI(client(), { generationName: 'chat-fail' });
    try {
      await openai.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: `What is the weather in Paris? ${FAIL_MARKER}` }] });
      throw new Error('the provider\'s HTTP 500 did not fail the call');
    } catch (e) {
      if (!String(e.message).includes('500')) throw e;
      span.update({ level: 'ERROR', statusMessage: e.message });
    }
  }, { asType: 'span' }));

await processor.forceFlush();
await provider.shutdown();
await fake.close();
console.log('langfuse-js: done');
