package platform

// Version is the llmtrace release this module builds; it goes into the default
// User-Agent, "llmtrace-client/" + Version (docs/platform-api.md "Request").
const Version = "0.1.0"
