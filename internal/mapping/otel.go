package mapping

import (
	sc "github.com/llmtrace/llmtrace/semconv"
)

// otel is the general OpenTelemetry enduser.id (deprecated in favour of user.id, which
// OpenInference and Langfuse v4 write and openInference reads): a user ranked below the
// dialects' own user keys.
var otel = &dialect{
	name: "otel enduser",
	ids:  idKeys{user: []string{sc.EnduserID}},
}
