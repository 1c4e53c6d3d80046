// Real capture of LangChain JS (@langchain/openai 1.6.0, @langchain/core 1.4.0) traced by
// OpenInference (@arizeai/openinference-instrumentation-langchain 4.1.1): LangChain's
// callbacks become OTel spans with openinference.span.kind, llm.* and a metadata JSON
// attribute carrying LangChain's ls_provider / ls_model_name. Exported with the OTel JS
// OTLP/HTTP JSON exporter to the capture receiver (run.sh).
// Three traces: a chain whose chat model calls get_weather and answers (tool loop); a
// streamed chat call; a chat call the provider fails with HTTP 500. Session, user and
// metadata come from OpenInference's context attributes.
// Run: scripts/capture/run.sh langchain-openinference
import { context } from '@opentelemetry/api';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { LangChainInstrumentation } from '@arizeai/openinference-instrumentation-langchain';
import { setSession, setUser, setMetadata } from '@arizeai/openinference-core';
import * as CallbackManagerModule from '@langchain/core/callbacks/manager';
import { ChatOpenAI } from '@langchain/openai';
import { tool } from '@langchain/core/tools';
import { RunnableLambda } from '@langchain/core/runnables';
import { HumanMessage, SystemMessage } from '@langchain/core/messages';
import { startFakeOpenAI, otlpTracesURL, ANSWER, FAIL_MARKER } from '../lib/fake-openai.mjs';

export const CAPTURE_FILE = 'langchain-openinference-openai-tool-loop.json';

const exporter = new OTLPTraceExporter({ url: otlpTracesURL() });
const provider = new NodeTracerProvider({
  resource: resourceFromAttributes({ 'service.name': 'langchain-js-weather', 'service.version': '0.0.0-capture' }),
  spanProcessors: [new BatchSpanProcessor(exporter)],
});
provider.register();
const instrumentation = new LangChainInstrumentation({ tracerProvider: provider });
instrumentation.manuallyInstrument(CallbackManagerModule);

const fake = await startFakeOpenAI();
const model = new ChatOpenAI({ model: 'gpt-4o-mini', temperature: 0.2, maxTokens: 128, maxRetries: 0, apiKey: 'sk-fake-loopback', configuration: { baseURL: fake.url } });
const getWeather = tool(async ({ city }) => JSON.stringify({ city, temperature_c: 18, sky: 'clear' }), {
  name: 'get_weather', description: 'Current weather for a city',
  schema: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
});

let ctx = setSession(context.active(), { sessionId: 'sess-heldout-001' });
ctx = setUser(ctx, { userId: 'user-heldout-42' });
ctx = setMetadata(ctx, { conversationId: 'conv-heldout-7' });

await context.with(ctx, async () => {
  // 1. A chain (RunnableLambda) running the tool loop.
  const agent = RunnableLambda.from(async (question, config) => {
    // Passing the config on makes the nested runs children of this one (LangChain JS).
    const withTools = model.bindTools([getWeather]);
    const messages = [new SystemMessage('You are a weather assistant. Use the tools.'), new HumanMessage(question)];
    const first = await withTools.invoke(messages, config);
    messages.push(first);
    for (const call of first.tool_calls) messages.push(await getWeather.invoke(call, config));
    const second = await withTools.invoke(messages, config);
    if (second.content !== ANSWER) throw new Error(`unexpected answer ${second.content}`);
    return second.content;
  }).withConfig({ runName: 'weather-agent' });
  await agent.invoke('What is the weather in Paris?');

  // 2. A streamed call (stream_options.include_usage is set by @langchain/openai).
  let text = '';
  for await (const chunk of await model.stream('Stream me the weather in Paris.')) text += chunk.content;
  if (text !== ANSWER) throw new Error(`streamed ${text}`);

  // 3. The provider fails with HTTP 500.
  try {
    await model.invoke(`What is the weather in Paris? ${FAIL_MARKER}`);
    throw new Error('the provider\'s HTTP 500 did not fail the call');
  } catch (e) {
    if (!String(e.message).includes('500') && !String(e.message).includes('fake')) throw e;
  }
});

await provider.forceFlush();
await provider.shutdown();
await fake.close();
console.log('langchain-openinference: done');
