// A deterministic OpenAI-compatible Chat Completions server on loopback, the same
// behaviour as examples/genkit/fakeopenai.go (testdata/captures/README.md lists what it
// serves): POST .../chat/completions and POST .../responses (the Responses API), JSON or
// SSE. A request with tools and no tool result yet gets a call to its first tool with
// {"city":"Paris"} (id call_fake_weather_1); every other request gets ANSWER. Usage is
// always 42 prompt / 17 completion / 59 total, 8 cached, 5 reasoning; in a chat stream it
// is the last chunk, only when stream_options.include_usage is true (as OpenAI does); in a
// Responses stream it is in response.completed. A user message containing FAIL_MARKER is
// answered HTTP 500 with an OpenAI error body.
import http from 'node:http';

export const ANSWER = 'It is 18 °C and clear in Paris.';
export const FAIL_MARKER = '(the provider fails this one)';
export const ERROR_MESSAGE = 'The server had an error while processing your request (fake)';
const SNAPSHOTS = { 'gpt-4o-mini': 'gpt-4o-mini-2024-07-18', 'gpt-4o': 'gpt-4o-2024-08-06' };
const USAGE = {
  prompt_tokens: 42, completion_tokens: 17, total_tokens: 59,
  prompt_tokens_details: { cached_tokens: 8, audio_tokens: 0 },
  completion_tokens_details: { reasoning_tokens: 5, audio_tokens: 0, accepted_prediction_tokens: 0, rejected_prediction_tokens: 0 },
};

export async function startFakeOpenAI() {
  let n = 0;
  const server = http.createServer(async (req, res) => {
    let body = '';
    for await (const c of req) body += c;
    const fail = (status, message, type) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { message, type, param: null, code: null } }));
    };
    const route = req.method === 'POST' && ['/chat/completions', '/responses'].find((p) => req.url.split('?')[0].endsWith(p));
    if (!route) return fail(404, `no such route ${req.url}`, 'invalid_request_error');
    let r;
    try { r = JSON.parse(body); } catch (e) { return fail(400, `bad JSON: ${e.message}`, 'invalid_request_error'); }
    if (route === '/responses') return serveResponse(r, ++n, res, fail);
    const msgs = r.messages ?? [];
    if (msgs.some((m) => m.role === 'user' && JSON.stringify(m.content).includes(FAIL_MARKER))) return fail(500, ERROR_MESSAGE, 'server_error');
    const model = SNAPSHOTS[r.model] ?? r.model;
    const id = `chatcmpl-fake${String(++n).padStart(6, '0')}`;
    const toolName = r.tools?.length && !msgs.some((m) => m.role === 'tool') ? r.tools[0].function.name : '';
    const base = { id, created: 1795300000, model, system_fingerprint: 'fp_fake' };
    if (!r.stream) {
      const message = toolName
        ? { role: 'assistant', content: null, refusal: null, tool_calls: [{ id: 'call_fake_weather_1', type: 'function', function: { name: toolName, arguments: '{"city":"Paris"}' } }] }
        : { role: 'assistant', content: ANSWER, refusal: null };
      res.writeHead(200, { 'content-type': 'application/json' });
      return res.end(JSON.stringify({ ...base, object: 'chat.completion', choices: [{ index: 0, message, finish_reason: toolName ? 'tool_calls' : 'stop', logprobs: null }], usage: USAGE }));
    }
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    const send = (v) => res.write(`data: ${JSON.stringify(v)}\n\n`);
    const chunk = (delta, finish_reason = null) => ({ ...base, object: 'chat.completion.chunk', choices: [{ index: 0, delta, finish_reason }] });
    send(chunk({ role: 'assistant', content: '' }));
    if (toolName) {
      send(chunk({ tool_calls: [{ index: 0, id: 'call_fake_weather_1', type: 'function', function: { name: toolName, arguments: '' } }] }));
      send(chunk({ tool_calls: [{ index: 0, function: { arguments: '{"city":"Paris"}' } }] }));
    } else {
      for (const piece of ['It is 18 °C', ' and clear', ' in Paris.']) send(chunk({ content: piece }));
    }
    send(chunk({}, toolName ? 'tool_calls' : 'stop'));
    if (r.stream_options?.include_usage) send({ ...base, object: 'chat.completion.chunk', choices: [], usage: USAGE });
    res.end('data: [DONE]\n\n');
  });
  await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
  const url = `http://127.0.0.1:${server.address().port}/v1`;
  return { url, close: () => new Promise((ok) => server.close(ok)) };
}

// The Responses API (POST /responses): input is a string or a list of items; a
// function_call_output item is a tool result. The stream sends the events the OpenAI SDKs
// and instrumentations read: response.created, response.in_progress,
// response.output_item.added, the text (response.content_part.added,
// response.output_text.delta ×3, .done, response.content_part.done) or the call
// (response.function_call_arguments.delta, .done), response.output_item.done,
// response.completed with the usage.
function serveResponse(r, n, res, fail) {
  const items = typeof r.input === 'string' ? [{ role: 'user', content: r.input }] : (r.input ?? []);
  const userText = items.filter((i) => i.role === 'user').map((i) => JSON.stringify(i.content)).join(' ');
  if (userText.includes(FAIL_MARKER)) return fail(500, ERROR_MESSAGE, 'server_error');
  const fn = r.tools?.find((t) => t.type === 'function');
  const toolName = fn && !items.some((i) => i.type === 'function_call_output') ? fn.name : '';
  const id = `resp_fake${String(n).padStart(6, '0')}`;
  const item = toolName
    ? { id: `fc_fake${String(n).padStart(6, '0')}`, type: 'function_call', status: 'completed', arguments: '{"city":"Paris"}', call_id: 'call_fake_weather_1', name: toolName }
    : { id: `msg_fake${String(n).padStart(6, '0')}`, type: 'message', status: 'completed', role: 'assistant', content: [{ type: 'output_text', text: ANSWER, annotations: [], logprobs: [] }] };
  const response = (status, output, usage) => ({
    id, object: 'response', created_at: 1795300000, status, background: false, error: null, incomplete_details: null,
    instructions: r.instructions ?? null, max_output_tokens: r.max_output_tokens ?? null, model: SNAPSHOTS[r.model] ?? r.model,
    output, parallel_tool_calls: true, previous_response_id: null, reasoning: { effort: null, summary: null },
    service_tier: 'default', store: true, temperature: r.temperature ?? 1, text: { format: { type: 'text' }, verbosity: 'medium' },
    tool_choice: 'auto', tools: r.tools ?? [], top_p: r.top_p ?? 1, truncation: 'disabled', usage, user: null, metadata: {},
  });
  const usage = {
    input_tokens: USAGE.prompt_tokens, input_tokens_details: { cached_tokens: USAGE.prompt_tokens_details.cached_tokens },
    output_tokens: USAGE.completion_tokens, output_tokens_details: { reasoning_tokens: USAGE.completion_tokens_details.reasoning_tokens },
    total_tokens: USAGE.total_tokens,
  };
  if (!r.stream) {
    res.writeHead(200, { 'content-type': 'application/json' });
    return res.end(JSON.stringify(response('completed', [item], usage)));
  }
  res.writeHead(200, { 'content-type': 'text/event-stream' });
  let seq = 0;
  const send = (type, v) => res.write(`event: ${type}\ndata: ${JSON.stringify({ type, sequence_number: seq++, ...v })}\n\n`);
  send('response.created', { response: response('in_progress', [], null) });
  send('response.in_progress', { response: response('in_progress', [], null) });
  if (toolName) {
    send('response.output_item.added', { output_index: 0, item: { ...item, status: 'in_progress', arguments: '' } });
    for (const piece of ['{"city":', '"Paris"}']) send('response.function_call_arguments.delta', { item_id: item.id, output_index: 0, delta: piece });
    send('response.function_call_arguments.done', { item_id: item.id, output_index: 0, arguments: item.arguments });
  } else {
    send('response.output_item.added', { output_index: 0, item: { ...item, status: 'in_progress', content: [] } });
    send('response.content_part.added', { item_id: item.id, output_index: 0, content_index: 0, part: { type: 'output_text', text: '', annotations: [], logprobs: [] } });
    for (const piece of ['It is 18 °C', ' and clear', ' in Paris.']) send('response.output_text.delta', { item_id: item.id, output_index: 0, content_index: 0, delta: piece, logprobs: [] });
    send('response.output_text.done', { item_id: item.id, output_index: 0, content_index: 0, text: ANSWER, logprobs: [] });
    send('response.content_part.done', { item_id: item.id, output_index: 0, content_index: 0, part: item.content[0] });
  }
  send('response.output_item.done', { output_index: 0, item });
  send('response.completed', { response: response('completed', [item], usage) });
  res.end();
}

// The OTLP/HTTP logs URL of the capture receiver run.sh starts.
export function otlpLogsURL() {
  const u = process.env.CAPTURE_OTLP_ENDPOINT;
  if (!u) throw new Error('CAPTURE_OTLP_ENDPOINT is not set: run this through scripts/capture/run.sh');
  return u.replace(/\/$/, '') + '/v1/logs';
}

// The OTLP/HTTP traces URL of the capture receiver run.sh starts.
export function otlpTracesURL() {
  const u = process.env.CAPTURE_OTLP_ENDPOINT;
  if (!u) throw new Error('CAPTURE_OTLP_ENDPOINT is not set: run this through scripts/capture/run.sh');
  return u.replace(/\/$/, '') + '/v1/traces';
}
