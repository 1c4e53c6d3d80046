package mapping

import (
	sc "github.com/llmtrace/llmtrace/semconv"
)

// mlflow is MLflow tracing's span inputs and outputs (mlflow.spanInputs,
// mlflow.spanOutputs, JSON; semconv/mlflow.go), for any span kind.
var mlflow = &dialect{
	name: "mlflow",
	valueKeys: valueKeys{input: []string{sc.MLflowSpanInputs}, toolInput: []string{sc.MLflowSpanInputs},
		output: []string{sc.MLflowSpanOutputs}, toolOutput: []string{sc.MLflowSpanOutputs}},
	content: []string{sc.MLflowSpanInputs, sc.MLflowSpanOutputs},
}
