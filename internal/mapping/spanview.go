package mapping

import (
	"math"
	"time"
)

// SpanView is the read-only view of one finished OpenTelemetry span that the mapping core
// reads. Both an SDK sdktrace.ReadOnlySpan (otelbridge) and a collector ptrace.Span with its
// resource and scope (collectorexporter / internal/pdataview) present themselves through it
// without copying attributes.
type SpanView interface {
	TraceID() [16]byte
	SpanID() [8]byte
	// ParentSpanID is all zeros for a root span.
	ParentSpanID() [8]byte
	Name() string
	Kind() SpanKind
	StartTime() time.Time
	EndTime() time.Time
	StatusCode() StatusCode
	StatusMessage() string
	// Attributes are the span's own attributes.
	Attributes() Map
	// Events calls fn for each span event in order until fn returns false.
	Events(fn func(name string, t time.Time, attrs Map) bool)
	// Resource holds the resource attributes (service.name, deployment.environment.name, …).
	// When its dynamic type is comparable, two equal Resource views must present the same
	// attributes: the mapper boxes the values of such a resource once per Map call.
	Resource() Map
	// Scope is the instrumentation scope's name and version.
	Scope() (name, version string)
}

// SpanKind is the OTel span kind, numbered as in OTLP (0 unspecified … 5 consumer).
type SpanKind int32

// OTLP span kinds.
const (
	SpanKindUnspecified SpanKind = 0
	SpanKindInternal    SpanKind = 1
	SpanKindServer      SpanKind = 2
	SpanKindClient      SpanKind = 3
	SpanKindProducer    SpanKind = 4
	SpanKindConsumer    SpanKind = 5
)

// StatusCode is the OTel span status code, numbered as in OTLP.
type StatusCode int32

// OTLP status codes.
const (
	StatusCodeUnset StatusCode = 0
	StatusCodeOK    StatusCode = 1
	StatusCodeError StatusCode = 2
)

// Map is a read-only view of attributes (span, event or resource attributes, or an OTLP
// kvlist / attribute.MAP value).
type Map interface {
	Len() int
	// Range calls fn for each key and value until fn returns false.
	Range(fn func(key string, v Value) bool)
}

// List is a read-only view of an array value (OTLP arrayValue, attribute slices).
type List interface {
	Len() int
	At(i int) Value
}

// ValueKind tells which field of a Value is set; it mirrors OTLP AnyValue.
type ValueKind uint8

// Value kinds, as OTLP AnyValue's cases.
const (
	ValueEmpty ValueKind = iota
	ValueStr
	ValueBool
	ValueInt
	ValueDouble
	ValueBytes
	ValueList
	ValueMap
)

// Value is one attribute value of any OTel type. Build it with the StrValue, IntValue, …
// constructors; the zero Value is empty.
type Value struct {
	kind ValueKind
	num  uint64 // int64, float64 bits or bool
	str  string
	// ref is the []byte of a ValueBytes, the List of a ValueList, the Map of a ValueMap:
	// one field keeps a Value at 48 bytes (it is copied for every attribute read).
	ref any
}

// StrValue returns a string Value.
func StrValue(s string) Value { return Value{kind: ValueStr, str: s} }

// BoolValue returns a boolean Value.
func BoolValue(b bool) Value {
	v := Value{kind: ValueBool}
	if b {
		v.num = 1
	}
	return v
}

// IntValue returns an integer Value.
func IntValue(i int64) Value { return Value{kind: ValueInt, num: uint64(i)} }

// DoubleValue returns a floating-point Value.
func DoubleValue(f float64) Value { return Value{kind: ValueDouble, num: math.Float64bits(f)} }

// BytesValue returns a bytes Value (not copied).
func BytesValue(b []byte) Value { return Value{kind: ValueBytes, ref: b} }

// ListValue returns an array Value.
func ListValue(l List) Value { return Value{kind: ValueList, ref: l} }

// MapValue returns a key-value list Value.
func MapValue(m Map) Value { return Value{kind: ValueMap, ref: m} }

// Kind tells which accessor applies.
func (v Value) Kind() ValueKind { return v.kind }

// Str is the string of a ValueStr, "" otherwise.
func (v Value) Str() string { return v.str }

// Bool is the boolean of a ValueBool.
func (v Value) Bool() bool { return v.kind == ValueBool && v.num == 1 }

// Int is the integer of a ValueInt.
func (v Value) Int() int64 {
	if v.kind != ValueInt {
		return 0
	}
	return int64(v.num)
}

// Double is the float of a ValueDouble.
func (v Value) Double() float64 {
	if v.kind != ValueDouble {
		return 0
	}
	return math.Float64frombits(v.num)
}

// Bytes is the byte slice of a ValueBytes.
func (v Value) Bytes() []byte {
	b, _ := v.ref.([]byte)
	return b
}

// List is the array of a ValueList (nil otherwise).
func (v Value) List() List {
	if v.kind != ValueList {
		return nil
	}
	l, _ := v.ref.(List)
	return l
}

// Map is the key-value list of a ValueMap (nil otherwise).
func (v Value) Map() Map {
	if v.kind != ValueMap {
		return nil
	}
	m, _ := v.ref.(Map)
	return m
}
