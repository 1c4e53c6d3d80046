package semconv

// MLflow tracing's span attributes (mlflow/mlflow mlflow/tracing/constant.py, SpanAttributeKey):
// a span's inputs and outputs as JSON.
const (
	MLflowSpanInputs  = "mlflow.spanInputs"
	MLflowSpanOutputs = "mlflow.spanOutputs"
)
