package main

// The template engine: Go's text/template with sprig v3 (minus env/expandenv,
// as in Helm) plus Helm's own functions (include, tpl, required, toYaml,
// fromYaml, fromYamlArray, toJson, fromJson, fromJsonArray, lookup). All
// templates of the chart tree share one template set, so a `define` anywhere
// is visible everywhere; each file is executed with its own chart's scope.

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"path"
	"regexp"
	"sort"
	"strings"
	"text/template"

	"github.com/Masterminds/sprig/v3"
	"github.com/ghodss/yaml"
)

const recursionMaxNums = 1000

// KubeVersion mirrors chartutil.KubeVersion.
type KubeVersion struct {
	Version string
	Major   string
	Minor   string
}

func (k *KubeVersion) String() string     { return k.Version }
func (k *KubeVersion) GitVersion() string { return k.Version }

// VersionSet mirrors chartutil.VersionSet.
type VersionSet []string

func (v VersionSet) Has(apiVersion string) bool {
	for _, x := range v {
		if x == apiVersion {
			return true
		}
	}
	return false
}

// Capabilities mirrors chartutil.Capabilities.
type Capabilities struct {
	KubeVersion KubeVersion
	APIVersions VersionSet
	HelmVersion map[string]string
}

// Release mirrors the .Release object Helm gives templates.
type Release struct {
	Name      string
	Namespace string
	Revision  int
	IsUpgrade bool
	IsInstall bool
	Service   string
}

type renderedFile struct {
	Name    string
	Content string
}

type engine struct {
	strict bool
	caps   *Capabilities
	rel    *Release
}

// renderable is one template file with the values object it is executed with.
type renderable struct {
	tpl      string
	vals     map[string]interface{}
	basePath string
}

func (e *engine) render(root *Chart, vals map[string]interface{}) ([]renderedFile, error) {
	tpls := map[string]renderable{}
	var collect func(c *Chart, cvals map[string]interface{})
	collect = func(c *Chart, cvals map[string]interface{}) {
		full := c.ChartFullPath()
		files := map[string][]byte{}
		for _, f := range c.Files {
			files[f.Name] = f.Data
		}
		scope := map[string]interface{}{
			"Values":       cvals,
			"Chart":        c.Metadata,
			"Release":      e.rel,
			"Capabilities": e.caps,
			"Files":        Files(files),
			"Subcharts":    map[string]interface{}{},
		}
		for _, t := range c.Templates {
			tpls[path.Join(full, t.Name)] = renderable{tpl: string(t.Data), vals: scope, basePath: path.Join(full, "templates")}
		}
		for _, s := range c.Subcharts {
			sv, _ := cvals[s.Name()].(map[string]interface{})
			if sv == nil {
				sv = map[string]interface{}{}
			}
			collect(s, sv)
		}
	}
	collect(root, vals)

	t := template.New("gotpl")
	if e.strict {
		t.Option("missingkey=error")
	} else {
		t.Option("missingkey=zero")
	}
	includedNames := map[string]int{}
	funcs := funcMap()
	funcs["include"] = func(name string, data interface{}) (string, error) {
		var buf strings.Builder
		if v, ok := includedNames[name]; ok {
			if v > recursionMaxNums {
				return "", fmt.Errorf("rendering template has a nested reference name: %s: unable to execute template", name)
			}
			includedNames[name]++
		} else {
			includedNames[name] = 1
		}
		err := t.ExecuteTemplate(&buf, name, data)
		includedNames[name]--
		return buf.String(), err
	}
	funcs["tpl"] = func(tplStr string, vals map[string]interface{}) (string, error) {
		clone, err := t.Clone()
		if err != nil {
			return "", err
		}
		name := "tpl"
		if tv, ok := vals["Template"].(map[string]interface{}); ok {
			if n, ok := tv["Name"].(string); ok {
				name = n
			}
		}
		nt, err := clone.New(name).Parse(tplStr)
		if err != nil {
			return "", fmt.Errorf("cannot parse template %q: %v", tplStr, err)
		}
		var buf strings.Builder
		if err := nt.Execute(&buf, vals); err != nil {
			return "", fmt.Errorf("error during tpl function execution for %q: %v", tplStr, err)
		}
		return strings.ReplaceAll(buf.String(), "<no value>", ""), nil
	}
	t.Funcs(funcs)

	// Deeper files first, so that a parent's `define` overrides a subchart's.
	keys := make([]string, 0, len(tpls))
	for k := range tpls {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		a, b := strings.Count(keys[i], "/"), strings.Count(keys[j], "/")
		if a != b {
			return a > b
		}
		return keys[i] > keys[j]
	})
	for _, k := range keys {
		if _, err := t.New(k).Parse(tpls[k].tpl); err != nil {
			return nil, cleanupParseError(k, err)
		}
	}
	out := []renderedFile{}
	for _, k := range keys {
		if strings.HasPrefix(path.Base(k), "_") {
			continue // partials hold defines only
		}
		r := tpls[k]
		scope := make(map[string]interface{}, len(r.vals)+1)
		for kk, vv := range r.vals {
			scope[kk] = vv
		}
		scope["Template"] = map[string]interface{}{"Name": k, "BasePath": r.basePath}
		var buf strings.Builder
		if err := t.ExecuteTemplate(&buf, k, scope); err != nil {
			return nil, cleanupExecError(k, err)
		}
		out = append(out, renderedFile{Name: k, Content: strings.ReplaceAll(buf.String(), "<no value>", "")})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, nil
}

func cleanupParseError(filename string, err error) error {
	tokens := strings.Split(err.Error(), ": ")
	if len(tokens) == 1 {
		return fmt.Errorf("parse error in (%s): %s", filename, err)
	}
	location := tokens[1]
	errMsg := tokens[len(tokens)-1]
	return fmt.Errorf("parse error at (%s): %s", location, errMsg)
}

var execErrRe = regexp.MustCompile(`^template: (.*?): executing "(.*?)" at <(.*?)>: (?:error calling (?:fail|required): )?(.*)$`)

func cleanupExecError(filename string, err error) error {
	msg := err.Error()
	if m := execErrRe.FindStringSubmatch(msg); m != nil {
		return fmt.Errorf("execution error at (%s): %s", m[1], m[4])
	}
	return fmt.Errorf("rendering %s: %s", filename, msg)
}

func funcMap() template.FuncMap {
	f := sprig.TxtFuncMap()
	delete(f, "env")
	delete(f, "expandenv")
	notSupported := func(name string) func(...interface{}) (string, error) {
		return func(...interface{}) (string, error) {
			return "", fmt.Errorf("%s is not supported by this renderer", name)
		}
	}
	extra := template.FuncMap{
		"toToml":        notSupported("toToml"),
		"fromToml":      notSupported("fromToml"),
		"toYaml":        toYAML,
		"toYamlPretty":  toYAML,
		"fromYaml":      fromYAML,
		"fromYamlArray": fromYAMLArray,
		"toJson":        toJSON,
		"fromJson":      fromJSON,
		"fromJsonArray": fromJSONArray,
		"required": func(warn string, val interface{}) (interface{}, error) {
			if val == nil {
				return val, errors.New(warn)
			}
			if s, ok := val.(string); ok && s == "" {
				return val, errors.New(warn)
			}
			return val, nil
		},
		// `helm template` has no cluster: lookup answers an empty map.
		"lookup": func(string, string, string, string) (map[string]interface{}, error) {
			return map[string]interface{}{}, nil
		},
		"include": func(string, interface{}) string { return "not implemented" },
		"tpl":     func(string, interface{}) interface{} { return "not implemented" },
	}
	for k, v := range extra {
		f[k] = v
	}
	return f
}

func toYAML(v interface{}) string {
	data, err := yaml.Marshal(v)
	if err != nil {
		return ""
	}
	return strings.TrimSuffix(string(data), "\n")
}

func fromYAML(str string) map[string]interface{} {
	m := map[string]interface{}{}
	if err := yaml.Unmarshal([]byte(str), &m); err != nil {
		m["Error"] = err.Error()
	}
	return m
}

func fromYAMLArray(str string) []interface{} {
	a := []interface{}{}
	if err := yaml.Unmarshal([]byte(str), &a); err != nil {
		a = []interface{}{err.Error()}
	}
	return a
}

func toJSON(v interface{}) string {
	data, err := json.Marshal(v)
	if err != nil {
		return ""
	}
	return string(data)
}

func fromJSON(str string) map[string]interface{} {
	m := map[string]interface{}{}
	if err := json.Unmarshal([]byte(str), &m); err != nil {
		m["Error"] = err.Error()
	}
	return m
}

func fromJSONArray(str string) []interface{} {
	a := []interface{}{}
	if err := json.Unmarshal([]byte(str), &a); err != nil {
		a = []interface{}{err.Error()}
	}
	return a
}

// Files mirrors Helm's .Files (the chart's non-template files).
type Files map[string][]byte

func (f Files) GetBytes(name string) []byte { return f[name] }
func (f Files) Get(name string) string      { return string(f[name]) }
func (f Files) Lines(name string) []string {
	if f[name] == nil {
		return []string{}
	}
	return strings.Split(string(f[name]), "\n")
}
func (f Files) Glob(pattern string) Files {
	out := Files{}
	for k, v := range f {
		if ok, _ := path.Match(pattern, k); ok {
			out[k] = v
		}
	}
	return out
}
func (f Files) AsConfig() string {
	m := map[string]string{}
	for k, v := range f {
		m[path.Base(k)] = string(v)
	}
	return toYAML(m)
}
func (f Files) AsSecrets() string {
	m := map[string]string{}
	for k, v := range f {
		m[path.Base(k)] = encodeBase64(v)
	}
	return toYAML(m)
}

func encodeBase64(b []byte) string { return base64.StdEncoding.EncodeToString(b) }
