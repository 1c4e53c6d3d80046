package prices

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
)

// vendoredFile is data/genai-prices.json split without parsing its providers' models: each
// provider is a sub-slice of the embedded bytes.
type vendoredFile struct {
	version, taken string
	units          map[string]unitJSON
	providers      [][]byte
}

// splitFile reads the file's version, taken date and units, and finds its providers' bytes.
// The providers point into data (the embedded file, which is not in the heap), so the table
// keeps no copy of them.
func splitFile(data []byte) (*vendoredFile, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	if err := expectDelim(dec, '{'); err != nil {
		return nil, err
	}
	f := &vendoredFile{}
	for dec.More() {
		kt, err := dec.Token()
		if err != nil {
			return nil, err
		}
		var dst any
		switch kt {
		case "version":
			dst = &f.version
		case "taken":
			dst = &f.taken
		case "units":
			dst = &f.units
		case "providers":
			if err := expectDelim(dec, '['); err != nil {
				return nil, err
			}
			for dec.More() {
				var raw json.RawMessage
				if err := dec.Decode(&raw); err != nil {
					return nil, err
				}
				end := int(dec.InputOffset())
				p := data[end-len(raw) : end]
				if !bytes.Equal(p, raw) {
					return nil, fmt.Errorf("providers[%d] is not where the decoder read it", len(f.providers))
				}
				f.providers = append(f.providers, p)
			}
			if err := expectDelim(dec, ']'); err != nil {
				return nil, err
			}
			continue
		default:
			dst = new(json.RawMessage)
		}
		if err := dec.Decode(dst); err != nil {
			return nil, fmt.Errorf("%v: %v", kt, err)
		}
	}
	return f, nil
}

func expectDelim(dec *json.Decoder, d json.Delim) error {
	t, err := dec.Token()
	if err != nil {
		return err
	}
	if t != d {
		return fmt.Errorf("expected %v, got %v", d, t)
	}
	return nil
}

// vendoredModels are a vendored provider's models, parsed from the embedded bytes on first use
// and shared by the tables New layers over the vendored one.
type vendoredModels struct {
	raw   []byte
	reg   *unitRegistry
	where string

	once   sync.Once
	models []*modelInfo
	err    error // the models left out for errors (none: TestVendoredTable)
}

func (v *vendoredModels) get() []*modelInfo {
	v.once.Do(func() {
		var j modelsJSON
		if err := json.Unmarshal(v.raw, &j); err != nil {
			v.err = fmt.Errorf("%s: %v", v.where, err)
			return
		}
		var errs []error
		v.models, errs = parseModels(j.Models, v.reg, false, v.where)
		v.err = errors.Join(errs...)
	})
	return v.models
}

// vendoredModels returns the provider's vendored models (nil for a provider of an override
// table), parsed on the first call.
func (p *provider) vendoredModels() []*modelInfo {
	if p.vendored == nil {
		return nil
	}
	return p.vendored.get()
}
