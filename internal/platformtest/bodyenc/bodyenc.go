// Package bodyenc is test support: it undoes one HTTP Content-Encoding layer of a request
// body the way the platform does (docs/platform-api.md: gzip, zstd or identity). It imports
// nothing of llmtrace, so tests inside package platform can use it too.
package bodyenc

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"io"

	"github.com/klauspost/compress/zstd"
)

// Decode undoes exactly one Content-Encoding layer: "" (identity), "gzip" or "zstd". Any
// other encoding, or a body that does not decode, is an error naming the encoding.
func Decode(encoding string, raw []byte) ([]byte, error) {
	switch encoding {
	case "":
		return raw, nil
	case "gzip":
		zr, err := gzip.NewReader(bytes.NewReader(raw))
		if err != nil {
			return nil, fmt.Errorf("gzip body: %w", err)
		}
		out, err := io.ReadAll(zr)
		if err != nil {
			return nil, fmt.Errorf("gzip body: %w", err)
		}
		return out, nil
	case "zstd":
		zr, err := zstd.NewReader(nil)
		if err != nil {
			return nil, err
		}
		defer zr.Close()
		out, err := zr.DecodeAll(raw, nil)
		if err != nil {
			return nil, fmt.Errorf("zstd body: %w", err)
		}
		return out, nil
	}
	return nil, fmt.Errorf("unsupported Content-Encoding %q", encoding)
}
