package otelbridge

import "context"

// Attribute keys that the SpanProcessor stamps from the context in OnStart: the OTel
// gen_ai semconv conversation key and the general user / session keys. The mapping reads
// them as threadId, userId and sessionId.
const (
	AttrConversationID = "gen_ai.conversation.id" // semconv GenAIConversationIDKey
	AttrUserID         = "user.id"                // semconv UserIDKey
	AttrSessionID      = "session.id"             // semconv SessionIDKey
)

// TraceAttributes are the conversation, user and session a piece of work belongs to —
// the platform SDK's trace(conversation_id=, user_id=, session_id=). Empty fields are unset.
type TraceAttributes struct {
	ConversationID string // gen_ai.conversation.id → platform.TraceEvent.ThreadID
	UserID         string // user.id → platform.TraceEvent.UserID
	SessionID      string // session.id → platform.TraceEvent.SessionID
}

// IsZero reports whether no field is set.
func (a TraceAttributes) IsZero() bool { return a == TraceAttributes{} }

// merge fills a's empty fields from b.
func (a TraceAttributes) merge(b TraceAttributes) TraceAttributes {
	if a.ConversationID == "" {
		a.ConversationID = b.ConversationID
	}
	if a.UserID == "" {
		a.UserID = b.UserID
	}
	if a.SessionID == "" {
		a.SessionID = b.SessionID
	}
	return a
}

type traceAttrsKey struct{}

// ContextWithTraceAttributes returns a copy of ctx carrying attrs. Non-empty fields
// replace those already on ctx; empty ones keep them. Every span started under the
// returned context (and, through the SpanProcessor, every descendant of such a span)
// gets the matching attributes.
func ContextWithTraceAttributes(ctx context.Context, attrs TraceAttributes) context.Context {
	return context.WithValue(ctx, traceAttrsKey{}, attrs.merge(TraceAttributesFromContext(ctx)))
}

// ContextWithConversation returns a copy of ctx whose spans belong to conversation id
// (gen_ai.conversation.id, the platform's threadId).
func ContextWithConversation(ctx context.Context, id string) context.Context {
	return ContextWithTraceAttributes(ctx, TraceAttributes{ConversationID: id})
}

// ContextWithUser returns a copy of ctx whose spans belong to end user id (user.id).
func ContextWithUser(ctx context.Context, id string) context.Context {
	return ContextWithTraceAttributes(ctx, TraceAttributes{UserID: id})
}

// ContextWithSession returns a copy of ctx whose spans belong to session id (session.id).
func ContextWithSession(ctx context.Context, id string) context.Context {
	return ContextWithTraceAttributes(ctx, TraceAttributes{SessionID: id})
}

// TraceAttributesFromContext returns the attributes set on ctx by the ContextWith…
// functions (zero when none).
func TraceAttributesFromContext(ctx context.Context) TraceAttributes {
	if ctx == nil {
		return TraceAttributes{}
	}
	a, _ := ctx.Value(traceAttrsKey{}).(TraceAttributes)
	return a
}
