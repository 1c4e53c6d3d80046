// Package fakellm is a loopback stand-in for the OpenAI, Anthropic and Gemini HTTP APIs
// that answers with their real wire shapes — JSON bodies, Server-Sent-Events streams
// (OpenAI's chat.completion.chunk with the usage chunk and [DONE], the Responses API's
// response.* events, Anthropic's message_start … message_stop, Gemini's
// GenerateContentResponse chunks), tool calls, and error replies (429 with Retry-After,
// 5xx) in each provider's error envelope. The shapes follow the providers' API references
// and the SDKs' own test fixtures (openai-go v3.98.0, anthropic-sdk-go v2.15.0,
// google.golang.org/genai v1.79.1). It has two faces:
//
//   - for tests, a [Server] answers each request with the next queued [Reply] (or the
//     default reply when the queue is empty) and records what it was sent; the reply
//     builders (OpenAIChatCompletion, AnthropicStream, GeminiGenerateContent, …) make
//     the bodies and streams a test scripts;
//   - for running programs without an API key, a [Responder] — what `llmtrace fakellm`
//     serves (cmd/llmtrace/fakellm.go) — answers every route of [Providers] (OpenAI Chat
//     Completions, Responses and embeddings; Anthropic Messages; Gemini generateContent and
//     streamGenerateContent) with a deterministic reply made from the request, through
//     the same reply builders. Each provider lists the environment variable its SDKs read
//     their base URL from (OPENAI_BASE_URL, ANTHROPIC_BASE_URL, GOOGLE_GEMINI_BASE_URL).
//
// It imports no provider SDK, so every module of the repository can use it.
package fakellm
