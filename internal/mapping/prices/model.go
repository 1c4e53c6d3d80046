package prices

import (
	"encoding/json"
	"fmt"
	"math"
	"regexp"
	"strconv"
	"time"
)

// provider is one provider of the table.
type provider struct {
	id            string
	modelMatch    *matcher        // claims model names for the provider when none is given
	providerMatch *matcher        // matches provider names other than the id
	fallback      []string        // fallback_model_providers: ids searched when no model matches
	models        []*modelInfo    // an override table's models, searched before the vendored ones
	vendored      *vendoredModels // the vendored models, parsed on first use; nil for an override's provider
}

// modelInfo is one model (the package's ModelInfo) of a provider.
type modelInfo struct {
	id            string
	match         *matcher
	contextWindow int64
	override      bool
	// prices is one set without constraint for a plain ModelPrice, or the conditional prices in
	// table order.
	prices []conditional
}

type constraintKind uint8

const (
	always constraintKind = iota
	fromDate
	timeOfDay
)

// conditional is one ConditionalPrice: prices that apply from a UTC start date on, or during a
// UTC time-of-day window (end before start wraps past midnight).
type conditional struct {
	kind     constraintKind
	start    time.Time
	from, to float64 // seconds after UTC midnight
	prices   *priceSet
}

// pricesAt picks the prices of the model at t as calcPrice does: the last conditional price
// whose constraint holds (a price without constraint always holds), else the first one.
func (m *modelInfo) pricesAt(t time.Time) *priceSet {
	if len(m.prices) == 1 && m.prices[0].kind == always {
		return m.prices[0].prices
	}
	ut := t.UTC()
	sod := float64(ut.Hour()*3600+ut.Minute()*60+ut.Second()) + float64(ut.Nanosecond()/1e6)/1e3
	for i := len(m.prices) - 1; i >= 0; i-- {
		c := &m.prices[i]
		switch c.kind {
		case always:
			return c.prices
		case fromDate:
			if !t.Before(c.start) {
				return c.prices
			}
		case timeOfDay:
			if c.to < c.from {
				if sod >= c.from || sod < c.to {
					return c.prices
				}
			} else if sod >= c.from && sod < c.to {
				return c.prices
			}
		}
	}
	return m.prices[0].prices
}

type modelJSON struct {
	ID            string          `json:"id"`
	Match         json.RawMessage `json:"match"`
	ContextWindow json.RawMessage `json:"context_window"`
	Prices        json.RawMessage `json:"prices"`
}

// parseModel reads one ModelInfo; errors are sentences without the model's location.
func parseModel(raw json.RawMessage, reg *unitRegistry, strict bool) (*modelInfo, []error) {
	var j modelJSON
	if err := json.Unmarshal(raw, &j); err != nil {
		return nil, []error{fmt.Errorf("a model must be an object with id, match and prices: %v", err)}
	}
	var errs []error
	m := &modelInfo{id: j.ID}
	if j.ID == "" {
		errs = append(errs, fmt.Errorf("the model has no id"))
	}
	if len(j.Match) == 0 || string(j.Match) == "null" {
		errs = append(errs, fmt.Errorf("the model has no match rule (e.g. {\"equals\": %q})", j.ID))
	} else if mm, err := parseMatch(j.Match, strict); err != nil {
		errs = append(errs, err)
	} else {
		m.match = mm
	}
	if len(j.ContextWindow) > 0 && string(j.ContextWindow) != "null" {
		f, ok := nonNegative(j.ContextWindow)
		if !ok || f != math.Trunc(f) || f > math.MaxInt64/2 {
			errs = append(errs, fmt.Errorf("context_window is %s; it is a whole number of tokens", clip(j.ContextWindow)))
		} else {
			m.contextWindow = int64(f)
		}
	}
	switch {
	case len(j.Prices) == 0 || string(j.Prices) == "null":
		errs = append(errs, fmt.Errorf("the model has no prices (e.g. {\"input_mtok\": 2.5, \"output_mtok\": 10})"))
	case j.Prices[0] == '[':
		var list []struct {
			Constraint json.RawMessage `json:"constraint"`
			Prices     json.RawMessage `json:"prices"`
		}
		if err := json.Unmarshal(j.Prices, &list); err != nil || len(list) == 0 {
			errs = append(errs, fmt.Errorf("conditional prices must be a non-empty array of {\"constraint\": ..., \"prices\": {...}}"))
			break
		}
		for i, c := range list {
			cond, err := parseConstraint(c.Constraint)
			if err != nil {
				errs = append(errs, fmt.Errorf("prices[%d]: %v", i, err))
				continue
			}
			ps, perrs := parsePriceSet(c.Prices, reg, strict)
			for _, e := range perrs {
				errs = append(errs, fmt.Errorf("prices[%d]: %v", i, e))
			}
			cond.prices = ps
			m.prices = append(m.prices, cond)
		}
	default:
		ps, perrs := parsePriceSet(j.Prices, reg, strict)
		errs = append(errs, perrs...)
		m.prices = []conditional{{prices: ps}}
	}
	if strict && len(errs) == 0 {
		for _, c := range m.prices {
			if c.prices.err != nil {
				errs = append(errs, c.prices.err)
			}
		}
	}
	return m, errs
}

var (
	datePattern = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}$`)
	timePattern = regexp.MustCompile(`^(\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?(Z|([+-])(\d{2}):(\d{2}))$`)
)

// parseConstraint reads a price constraint: none, {"start_date": "YYYY-MM-DD"} or
// {"start_time": "HH:MM:SS(Z|±HH:MM)", "end_time": ...}, each optionally with its "type"
// (start_date, time_of_date) and no other key.
func parseConstraint(raw json.RawMessage) (conditional, error) {
	if len(raw) == 0 || string(raw) == "null" {
		return conditional{}, nil
	}
	var obj map[string]string
	if err := json.Unmarshal(raw, &obj); err != nil || obj == nil {
		return conditional{}, fmt.Errorf("a constraint must be {\"start_date\": \"YYYY-MM-DD\"} or {\"start_time\": \"HH:MM:SSZ\", \"end_time\": \"HH:MM:SSZ\"}, got %s", clip(raw))
	}
	typ, hasType := obj["type"]
	n := len(obj)
	if hasType {
		n--
	}
	if sd, ok := obj["start_date"]; ok && n == 1 && (!hasType || typ == "start_date") {
		t, err := time.Parse("2006-01-02", sd)
		if !datePattern.MatchString(sd) || err != nil || t.Year() < 1 {
			return conditional{}, fmt.Errorf("start_date %q is not a date YYYY-MM-DD", sd)
		}
		return conditional{kind: fromDate, start: t}, nil
	}
	st, ok1 := obj["start_time"]
	et, ok2 := obj["end_time"]
	if ok1 && ok2 && n == 2 && (!hasType || typ == "time_of_date") {
		from, err := secondsOfDay(st)
		if err != nil {
			return conditional{}, err
		}
		to, err := secondsOfDay(et)
		if err != nil {
			return conditional{}, err
		}
		return conditional{kind: timeOfDay, from: from, to: to}, nil
	}
	return conditional{}, fmt.Errorf("a constraint must be {\"start_date\": \"YYYY-MM-DD\"} or {\"start_time\": \"HH:MM:SSZ\", \"end_time\": \"HH:MM:SSZ\"}, got %s", clip(raw))
}

// secondsOfDay converts a time of day with its UTC offset to seconds after UTC midnight.
func secondsOfDay(s string) (float64, error) {
	m := timePattern.FindStringSubmatch(s)
	if m == nil {
		return 0, fmt.Errorf("time of day %q is not HH:MM:SS followed by Z or ±HH:MM", s)
	}
	h, _ := strconv.Atoi(m[1])
	mi, _ := strconv.Atoi(m[2])
	sec, _ := strconv.Atoi(m[3])
	oh, _ := strconv.Atoi(m[7])
	om, _ := strconv.Atoi(m[8])
	if h > 23 || mi > 59 || sec > 59 || oh > 23 || om > 59 {
		return 0, fmt.Errorf("time of day %q is out of range", s)
	}
	frac := 0.0
	if m[4] != "" {
		frac, _ = strconv.ParseFloat("0."+m[4], 64)
	}
	v := float64(h*3600+mi*60+sec) + frac
	off := float64((oh*60 + om) * 60)
	switch m[6] {
	case "+":
		v -= off
	case "-":
		v += off
	}
	return math.Mod(v+86400, 86400), nil
}
