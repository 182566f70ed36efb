package main

// Values handling with Helm 3's semantics: YAML read through the YAML->JSON
// route (so numbers are float64, as in Helm), -f files merged left to right,
// user values coalesced over chart defaults (null deletes a default), subchart
// scoping with globals, dependency conditions/tags/aliases, and
// values.schema.json validation with the JSON-Schema library Helm 3 used.

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	"github.com/ghodss/yaml"
	"github.com/xeipuuv/gojsonschema"
)

func readValues(raw []byte) (map[string]interface{}, error) {
	vals := map[string]interface{}{}
	if len(bytes.TrimSpace(raw)) == 0 {
		return vals, nil
	}
	if err := yaml.Unmarshal(raw, &vals); err != nil {
		return nil, fmt.Errorf("error converting YAML to JSON: %v", err)
	}
	if vals == nil {
		vals = map[string]interface{}{}
	}
	return vals, nil
}

// mergeMaps merges b into a copy of a; b wins, nested maps are merged (Helm's
// rule for several -f files).
func mergeMaps(a, b map[string]interface{}) map[string]interface{} {
	out := make(map[string]interface{}, len(a))
	for k, v := range a {
		out[k] = v
	}
	for k, v := range b {
		if vm, ok := v.(map[string]interface{}); ok {
			if bv, ok := out[k]; ok {
				if bvm, ok := bv.(map[string]interface{}); ok {
					out[k] = mergeMaps(bvm, vm)
					continue
				}
			}
		}
		out[k] = v
	}
	return out
}

func deepCopy(v interface{}) interface{} {
	switch t := v.(type) {
	case map[string]interface{}:
		out := make(map[string]interface{}, len(t))
		for k, vv := range t {
			out[k] = deepCopy(vv)
		}
		return out
	case []interface{}:
		out := make([]interface{}, len(t))
		for i, vv := range t {
			out[i] = deepCopy(vv)
		}
		return out
	default:
		return v
	}
}

// coalesceValues merges the chart's defaults (src) under the user's values
// (dst): the user's value wins, maps are merged key by key, and a user null
// removes the default.
func coalesceValues(warn func(string), prefix string, dst, src map[string]interface{}) {
	for k, sv := range src {
		dv, present := dst[k]
		if !present {
			dst[k] = deepCopy(sv)
			continue
		}
		if dv == nil {
			delete(dst, k)
			continue
		}
		dm, dIsMap := dv.(map[string]interface{})
		sm, sIsMap := sv.(map[string]interface{})
		switch {
		case dIsMap && sIsMap:
			coalesceValues(warn, prefix+k+".", dm, sm)
		case dIsMap && sv != nil:
			warn(fmt.Sprintf("cannot overwrite table with non table for %s%s (%v)", prefix, k, sv))
		case sIsMap && !dIsMap:
			warn(fmt.Sprintf("destination for %s%s is a table. Ignoring non-table value (%v)", prefix, k, dv))
		}
	}
	// Nulls the user set for keys the chart does not have are dropped too.
	for k, v := range dst {
		if v == nil {
			if _, ok := src[k]; !ok {
				delete(dst, k)
			}
		}
	}
}

func coalesceGlobals(dst, parent map[string]interface{}) {
	pg, _ := parent["global"].(map[string]interface{})
	dg, ok := dst["global"].(map[string]interface{})
	if !ok {
		dg = map[string]interface{}{}
	}
	for k, v := range pg {
		if vm, ok := v.(map[string]interface{}); ok {
			if dm, ok := dg[k].(map[string]interface{}); ok {
				coalesceValues(func(string) {}, "global.", dm, vm)
				continue
			}
		}
		dg[k] = deepCopy(v)
	}
	dst["global"] = dg
}

// coalesce returns the chart's full values: user values over defaults, then
// each (enabled) subchart's section coalesced over that subchart's defaults.
func coalesce(warn func(string), c *Chart, user map[string]interface{}) map[string]interface{} {
	dst := deepCopy(user).(map[string]interface{})
	coalesceValues(warn, "", dst, c.Values)
	if _, ok := dst["global"]; !ok {
		dst["global"] = map[string]interface{}{}
	}
	for _, sub := range c.Subcharts {
		sv, ok := dst[sub.Name()].(map[string]interface{})
		if !ok {
			sv = map[string]interface{}{}
		}
		coalesceGlobals(sv, dst)
		dst[sub.Name()] = coalesce(warn, sub, sv)
	}
	return dst
}

// pathValue looks up "a.b.c" in values; ok is false when any part is missing.
func pathValue(vals map[string]interface{}, p string) (interface{}, bool) {
	parts := strings.Split(p, ".")
	var cur interface{} = vals
	for _, part := range parts {
		m, ok := cur.(map[string]interface{})
		if !ok {
			return nil, false
		}
		cur, ok = m[part]
		if !ok {
			return nil, false
		}
	}
	return cur, true
}

// DependencyReport says what happened to each Chart.yaml dependency.
type DependencyReport struct {
	Name    string `json:"name"`
	Alias   string `json:"alias,omitempty"`
	Enabled bool   `json:"enabled"`
	Present bool   `json:"present"`
	Reason  string `json:"reason"`
}

// processDependencies applies Chart.yaml dependencies to the loaded subcharts,
// as helm's ProcessDependencies does: aliases, then tags, then conditions
// (a condition that resolves to a bool wins over tags), then disabled
// subcharts are removed. Declared dependencies with no chart under charts/
// are returned as missing.
func processDependencies(warn func(string), c *Chart, user map[string]interface{}, top map[string]interface{}, pathPrefix string, report *[]DependencyReport) error {
	cvals := coalesce(warn, c, user)
	byName := map[string]*Chart{}
	for _, s := range c.Subcharts {
		byName[s.Name()] = s
	}
	kept := []*Chart{}
	claimed := map[*Chart]bool{}
	for _, req := range c.Metadata.Dependencies {
		if len(req.ImportValues) > 0 {
			return fmt.Errorf("dependency %s: import-values is not supported by this renderer", req.Name)
		}
		req.Enabled = true
		tags, _ := top["tags"].(map[string]interface{})
		hasTrue, hasFalse := false, false
		for _, t := range req.Tags {
			if b, ok := tags[t].(bool); ok {
				if b {
					hasTrue = true
				} else {
					hasFalse = true
				}
			}
		}
		reason := "enabled by default"
		if !hasTrue && hasFalse {
			req.Enabled = false
			reason = "disabled by tags"
		} else if hasTrue {
			reason = "enabled by tags"
		}
		for _, cond := range strings.Split(strings.TrimSpace(req.Condition), ",") {
			cond = strings.TrimSpace(cond)
			if cond == "" {
				continue
			}
			v, ok := pathValue(cvals, cond)
			if !ok {
				continue
			}
			if b, isBool := v.(bool); isBool {
				req.Enabled = b
				if b {
					reason = "condition " + cond + " is true"
				} else {
					reason = "condition " + cond + " is false"
				}
				break
			}
			warn(fmt.Sprintf("condition path '%s' for chart %s returned non-bool value", cond, req.Name))
		}
		sub := byName[req.Name]
		name := req.Name
		if req.Alias != "" {
			name = req.Alias
		}
		*report = append(*report, DependencyReport{Name: req.Name, Alias: req.Alias, Enabled: req.Enabled, Present: sub != nil, Reason: pathPrefix + reason})
		if sub == nil {
			continue
		}
		claimed[sub] = true
		if !req.Enabled {
			continue
		}
		if req.Alias != "" {
			cp := *sub
			md := *sub.Metadata
			md.Name = name
			cp.Metadata = &md
			sub = &cp
		}
		kept = append(kept, sub)
	}
	for _, s := range c.Subcharts {
		if !claimed[s] { // charts/ entries that Chart.yaml does not list are always rendered
			kept = append(kept, s)
		}
	}
	sort.SliceStable(kept, func(i, j int) bool { return kept[i].Name() < kept[j].Name() })
	c.Subcharts = kept
	for _, s := range kept {
		sv, _ := cvals[s.Name()].(map[string]interface{})
		if sv == nil {
			sv = map[string]interface{}{}
		}
		if err := processDependencies(warn, s, sv, top, pathPrefix+s.Name()+": ", report); err != nil {
			return err
		}
	}
	return nil
}

// validateSchemas checks values against values.schema.json of the chart and
// of each subchart (with that subchart's section), as Helm does before rendering.
func validateSchemas(c *Chart, vals map[string]interface{}) error {
	var sb strings.Builder
	var walk func(c *Chart, vals map[string]interface{})
	walk = func(c *Chart, vals map[string]interface{}) {
		if c.Schema != nil {
			if msg := validateSchema(c.Schema, vals); msg != "" {
				sb.WriteString(c.Name() + ":\n" + msg)
			}
		}
		for _, s := range c.Subcharts {
			sv, _ := vals[s.Name()].(map[string]interface{})
			walk(s, sv)
		}
	}
	walk(c, vals)
	if sb.Len() > 0 {
		return fmt.Errorf("values don't meet the specifications of the schema(s) in the following chart(s):\n%s", sb.String())
	}
	return nil
}

func validateSchema(schema []byte, vals map[string]interface{}) string {
	if vals == nil {
		vals = map[string]interface{}{}
	}
	raw, err := json.Marshal(vals)
	if err != nil {
		return "- " + err.Error() + "\n"
	}
	res, err := gojsonschema.Validate(gojsonschema.NewBytesLoader(schema), gojsonschema.NewBytesLoader(raw))
	if err != nil {
		return "- the schema itself is invalid: " + err.Error() + "\n"
	}
	if res.Valid() {
		return ""
	}
	var sb strings.Builder
	for _, e := range res.Errors() {
		sb.WriteString("- " + e.String() + "\n")
	}
	return sb.String()
}
