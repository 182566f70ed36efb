package main

// Behaviours of `helm template` that charts rely on, each checked against the
// output Helm 3 gives for the same input.

import (
	"io/ioutil"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func writeChart(t *testing.T, values string, templates map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	must := func(err error) {
		if err != nil {
			t.Fatal(err)
		}
	}
	must(ioutil.WriteFile(filepath.Join(dir, "Chart.yaml"), []byte("apiVersion: v2\nname: demo\nversion: 1.2.3\nappVersion: \"4.5\"\n"), 0o644))
	must(ioutil.WriteFile(filepath.Join(dir, "values.yaml"), []byte(values), 0o644))
	for name, body := range templates {
		p := filepath.Join(dir, "templates", name)
		must(os.MkdirAll(filepath.Dir(p), 0o755))
		must(ioutil.WriteFile(p, []byte(body), 0o644))
	}
	return dir
}

// renderOne renders a chart whose templates/cm.yaml is a ConfigMap with data.out = body.
func renderOne(t *testing.T, values, body string, helpers string, userValues map[string]interface{}) (string, error) {
	t.Helper()
	tpls := map[string]string{"cm.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\ndata:\n  out: |-\n    " + body + "\n"}
	if helpers != "" {
		tpls["_helpers.tpl"] = helpers
	}
	dir := writeChart(t, values, tpls)
	c, err := loadChart(dir)
	if err != nil {
		return "", err
	}
	if userValues == nil {
		userValues = map[string]interface{}{}
	}
	vals := coalesce(func(string) {}, c, userValues)
	e := &engine{caps: &Capabilities{KubeVersion: KubeVersion{Version: "v1.30.0", Major: "1", Minor: "30"}, APIVersions: VersionSet(defaultAPIVersions)}, rel: &Release{Name: "rel", Namespace: "ns", IsInstall: true, Revision: 1, Service: "Helm"}}
	files, err := e.render(c, vals)
	if err != nil {
		return "", err
	}
	ms, _, err := parseManifests(files, "demo")
	if err != nil {
		return "", err
	}
	data := ms[0].Object["data"].(map[string]interface{})
	return data["out"].(string), nil
}

func TestHelmBehaviours(t *testing.T) {
	cases := []struct {
		name, values, body, helpers, want string
	}{
		{"a missing value renders empty, not <no value>", "a: 1\n", "[{{ .Values.nope }}]", "", "[]"},
		{"numbers from values are float64, as in Helm", "big: 1000000\nsmall: 3000\n", "{{ .Values.big }} {{ .Values.small }} {{ int64 .Values.big }}", "", "1e+06 3000 1000000"},
		{"built-in objects", "", "{{ .Chart.Name }}-{{ .Chart.Version }}-{{ .Chart.AppVersion }} {{ .Release.Name }}/{{ .Release.Namespace }} {{ .Release.Service }} {{ .Release.IsInstall }} {{ .Template.Name }} {{ .Template.BasePath }}", "", "demo-1.2.3-4.5 rel/ns Helm true demo/templates/cm.yaml demo/templates"},
		{"capabilities", "", "{{ .Capabilities.APIVersions.Has \"apps/v1\" }} {{ .Capabilities.APIVersions.Has \"keda.sh/v1alpha1\" }} {{ .Capabilities.KubeVersion.Version }} {{ .Capabilities.KubeVersion.Minor }}", "", "true false v1.30.0 30"},
		{"include", "x: z\n", "{{ include \"demo.two\" . | replace \"\\n\" \";\" }}", "{{- define \"demo.two\" -}}\na: {{ .Values.x }}\nb: 2\n{{- end -}}", "a: z;b: 2"},
		{"YAML 1.1 booleans in values (y, n, on, off), as Helm reads them", "a: n\nb: on\nc: \"n\"\n", "{{ .Values.a }} {{ .Values.b }} {{ .Values.c }}", "", "false true n"},
		{"tpl renders a string in the caller's context", "name: nm\ntpl: \"{{ .Values.name }}-{{ .Release.Name }}\"\n", "{{ tpl .Values.tpl . }}", "", "nm-rel"},
		{"toYaml sorts keys, quotes YAML 1.1 keywords and trims the newline", "m: {b: 1, a: [x, z], c: {d: \"yes\"}}\n", "{{ toYaml .Values.m | nindent 4 | trim }}", "", "a:\n- x\n- z\nb: 1\nc:\n  d: \"yes\""},
		{"toJson / fromYaml / fromJson", "m: {a: 1}\n", "{{ toJson .Values.m }} {{ (fromYaml \"k: v\").k }} {{ (fromJson \"{\\\"k\\\": 2}\").k }}", "", "{\"a\":1} v 2"},
		{"lookup has no cluster in template mode", "", "{{ len (lookup \"v1\" \"Secret\" \"ns\" \"s\") }}", "", "0"},
		{"sprig functions", "l: [b, a]\n", "{{ .Values.l | sortAlpha | join \",\" }} {{ \"abc\" | b64enc }} {{ semverCompare \">=1.27\" \"1.30.0\" }} {{ default \"d\" .Values.nope }} {{ ternary 1 2 true }}", "", "a,b YWJj true d 1"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := renderOne(t, tc.values, tc.body, tc.helpers, nil)
			if err != nil {
				t.Fatalf("render failed: %v", err)
			}
			if got != tc.want {
				t.Fatalf("got %q, want %q", got, tc.want)
			}
		})
	}
}

func TestHelmErrors(t *testing.T) {
	cases := []struct{ name, body, want string }{
		{"required", "{{ required \"need nope\" .Values.nope }}", "execution error at (demo/templates/cm.yaml:7:7): need nope"},
		{"fail", "{{ fail \"stop here\" }}", "execution error at (demo/templates/cm.yaml:7:7): stop here"},
		{"env is removed, as in Helm", "{{ env \"HOME\" }}", "function \"env\" not defined"},
		{"a field of a missing map", "{{ .Values.nope.deeper }}", "nil pointer evaluating interface {}.deeper"},
		{"unclosed action", "{{ if .Values.a }}", "parse error at (demo/templates/cm.yaml:"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := renderOne(t, "a: 1\n", tc.body, "", nil)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("got error %v, want it to contain %q", err, tc.want)
			}
		})
	}
}

func TestValuesCoalescing(t *testing.T) {
	defaults := "keep: 1\ndrop: 2\nnested: {a: 1, b: 2}\nlist: [1, 2]\n"
	user := map[string]interface{}{"drop": nil, "nested": map[string]interface{}{"b": 3.0, "c": 4.0}, "list": []interface{}{9.0}}
	got, err := renderOne(t, defaults, "{{ toJson .Values }}", "", user)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"global":{},"keep":1,"list":[9],"nested":{"a":1,"b":3,"c":4}}`
	if got != want {
		t.Fatalf("got %s, want %s", got, want)
	}
}

func TestSplitManifests(t *testing.T) {
	docs := splitManifests("---\n# only a comment\n---\na: 1\n---   \nb: 2\n\n---\n")
	if len(docs) != 3 || docs[1] != "a: 1" || docs[2] != "b: 2" {
		t.Fatalf("unexpected split %q", docs)
	}
}
