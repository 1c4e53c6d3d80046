// Package fakellm is test support: a loopback stand-in for the OpenAI, Anthropic and Gemini
// (generateContent, streamGenerateContent) HTTP APIs that answers with their real wire
// shapes — JSON bodies, Server-Sent-Events streams
// (OpenAI's chat.completion.chunk with the usage chunk and [DONE], the Responses API's
// response.* events, Anthropic's message_start … message_stop), tool calls, and error
// replies (429 with Retry-After, 5xx) in each provider's error envelope. The shapes follow
// the providers' API references and the SDKs' own test fixtures (openai-go v3.98.0,
// anthropic-sdk-go v2.15.0).
//
// A [Server] answers each request with the next queued [Reply] (or the default reply when
// the queue is empty) and records what it was sent. It imports no provider SDK, so every
// module of the repository can use it in tests.
package fakellm
