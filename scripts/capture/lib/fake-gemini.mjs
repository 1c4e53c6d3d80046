// A deterministic Gemini API (generativelanguage v1beta) server on loopback, the same
// behaviour as internal/fakellm/gemini.go serves (testdata/captures/README.md lists it):
// POST .../models/MODEL:generateContent (JSON) and .../models/MODEL:streamGenerateContent
// (?alt=sse: one GenerateContentResponse per "data:" line). A request whose tools declare
// functions and whose contents hold no functionResponse after the last user text (the turn
// has no tool result yet; earlier turns of a session do not count) gets a functionCall of
// the first declared function with {"city":"Paris"}; every other request gets ANSWER. Usage
// (usageMetadata) is always promptTokenCount 42 (of which cachedContentTokenCount 8),
// candidatesTokenCount 12, thoughtsTokenCount 5, totalTokenCount 59 — Gemini counts the
// thoughts apart from the candidates, so 12 + 5 = the 17 output tokens of the OpenAI fake.
// In a stream every chunk carries usageMetadata as Gemini sends it: the prompt-side counts on
// each chunk, the full counts on the last one (with finishReason). A user text containing
// FAIL_MARKER is answered HTTP 500 with a Google API error body.
import http from 'node:http';
import { ANSWER, FAIL_MARKER } from './fake-openai.mjs';

export { ANSWER, FAIL_MARKER };
export const GEMINI_ERROR_MESSAGE = 'An internal error has occurred. Please retry or report in https://developers.generativeai.google/guide/troubleshooting (fake)';
export const USAGE_METADATA = {
  promptTokenCount: 42, candidatesTokenCount: 12, totalTokenCount: 59,
  cachedContentTokenCount: 8, thoughtsTokenCount: 5,
  promptTokensDetails: [{ modality: 'TEXT', tokenCount: 42 }],
  cacheTokensDetails: [{ modality: 'TEXT', tokenCount: 8 }],
};
// The prompt-side usage every chunk of a stream but the last carries.
const PROMPT_USAGE = {
  promptTokenCount: 42, totalTokenCount: 42, cachedContentTokenCount: 8,
  promptTokensDetails: USAGE_METADATA.promptTokensDetails, cacheTokensDetails: USAGE_METADATA.cacheTokensDetails,
};

export async function startFakeGemini() {
  let n = 0;
  const server = http.createServer(async (req, res) => {
    let body = '';
    for await (const c of req) body += c;
    const fail = (code, status, message) => {
      res.writeHead(code, { 'content-type': 'application/json; charset=UTF-8' });
      res.end(JSON.stringify({ error: { code, message, status } }));
    };
    const m = /\/models\/([^/:]+):(generateContent|streamGenerateContent)$/.exec(req.url.split('?')[0]);
    if (req.method !== 'POST' || !m) return fail(404, 'NOT_FOUND', `no such route ${req.url}`);
    let r;
    try { r = JSON.parse(body); } catch (e) { return fail(400, 'INVALID_ARGUMENT', `bad JSON: ${e.message}`); }
    const contents = r.contents ?? [];
    const userText = contents.filter((c) => c.role === 'user').flatMap((c) => c.parts ?? []).map((p) => p.text ?? '').join(' ');
    if (userText.includes(FAIL_MARKER)) return fail(500, 'INTERNAL', GEMINI_ERROR_MESSAGE);
    const decl = (r.tools ?? []).flatMap((t) => t.functionDeclarations ?? [])[0];
    const lastUserText = contents.findLastIndex((c) => c.role === 'user' && (c.parts ?? []).some((p) => p.text !== undefined));
    const answered = contents.slice(lastUserText + 1).some((c) => (c.parts ?? []).some((p) => p.functionResponse));
    const toolName = decl && !answered ? decl.name : '';
    const model = m[1];
    const responseId = `fake-gemini-${String(++n).padStart(6, '0')}`;
    const reply = (parts, finishReason, usageMetadata) => ({
      candidates: [{ content: { parts, role: 'model' }, ...(finishReason ? { finishReason, index: 0 } : {}) }],
      usageMetadata, modelVersion: model, responseId,
    });
    const call = { functionCall: { name: toolName, args: { city: 'Paris' } } };
    if (m[2] === 'generateContent') {
      res.writeHead(200, { 'content-type': 'application/json; charset=UTF-8' });
      return res.end(JSON.stringify(reply([toolName ? call : { text: ANSWER }], 'STOP', USAGE_METADATA)));
    }
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    const send = (v) => res.write(`data: ${JSON.stringify(v)}\r\n\r\n`);
    if (toolName) {
      send(reply([call], 'STOP', USAGE_METADATA));
    } else {
      const pieces = ['It is 18 °C', ' and clear', ' in Paris.'];
      pieces.forEach((text, i) => send(i < pieces.length - 1 ? reply([{ text }], '', PROMPT_USAGE) : reply([{ text }], 'STOP', USAGE_METADATA)));
    }
    res.end();
  });
  await new Promise((ok) => server.listen(0, '127.0.0.1', ok));
  // The base URL @google/genai takes (httpOptions.baseUrl or GOOGLE_GEMINI_BASE_URL); the
  // SDK appends /v1beta/models/MODEL:generateContent.
  const url = `http://127.0.0.1:${server.address().port}`;
  return { url, close: () => new Promise((ok) => server.close(ok)) };
}
