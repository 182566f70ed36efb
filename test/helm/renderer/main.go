// easel-helm-render renders a Helm 3 chart the way `helm template` does,
// without Helm: Helm cannot be installed on the machines this project builds
// on, while Go, sprig and the YAML/JSON-Schema libraries Helm is built on are
// Debian packages. See README.md beside this file for what it supports.
//
// Usage:
//
//	easel-helm-render [flags] CHART_DIR
//
// Output (--output json, the default) is one JSON object:
//
//	{"manifests":[{"source","apiVersion","kind","name","hook","object"}...],
//	 "notes": "...", "dependencies":[...], "missingDependencies":[...], "warnings":[...]}
//
// --output yaml prints the stream `helm template` prints. Errors go to stderr
// as "Error: ..." with exit status 1.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"io/ioutil"
	"os"
	"sort"
	"strings"

	"github.com/Masterminds/semver/v3"
)

type stringList []string

func (s *stringList) String() string     { return strings.Join(*s, ",") }
func (s *stringList) Set(v string) error { *s = append(*s, v); return nil }

// Group versions and kinds a current cluster serves (Helm's default set for
// `helm template` is client-go's built-in scheme); --api-versions adds more,
// e.g. keda.sh/v1alpha1 or monitoring.coreos.com/v1 for CRD-gated templates.
var defaultAPIVersions = []string{
	"v1", "apps/v1", "batch/v1", "autoscaling/v1", "autoscaling/v2", "policy/v1",
	"networking.k8s.io/v1", "rbac.authorization.k8s.io/v1", "storage.k8s.io/v1",
	"scheduling.k8s.io/v1", "coordination.k8s.io/v1", "discovery.k8s.io/v1",
	"admissionregistration.k8s.io/v1", "apiextensions.k8s.io/v1", "node.k8s.io/v1",
	"certificates.k8s.io/v1", "events.k8s.io/v1",
	"v1/ConfigMap", "v1/Secret", "v1/Service", "v1/ServiceAccount", "v1/PersistentVolumeClaim", "v1/Pod",
	"apps/v1/Deployment", "apps/v1/StatefulSet", "apps/v1/DaemonSet", "batch/v1/Job", "batch/v1/CronJob",
	"autoscaling/v2/HorizontalPodAutoscaler", "policy/v1/PodDisruptionBudget",
	"networking.k8s.io/v1/Ingress", "networking.k8s.io/v1/NetworkPolicy",
}

type output struct {
	Manifests           []Manifest         `json:"manifests"`
	Notes               string             `json:"notes"`
	Dependencies        []DependencyReport `json:"dependencies"`
	MissingDependencies []string           `json:"missingDependencies"`
	Warnings            []string           `json:"warnings"`
	// The coalesced values the templates saw (what `helm get values --all` shows).
	Values map[string]interface{} `json:"values"`
}

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "Error: "+err.Error())
		os.Exit(1)
	}
}

func run(args []string) error {
	fs := flag.NewFlagSet("easel-helm-render", flag.ContinueOnError)
	var valueFiles, apiVersions stringList
	fs.Var(&valueFiles, "f", "values file (repeatable; later files win)")
	fs.Var(&valueFiles, "values", "same as -f")
	fs.Var(&apiVersions, "api-versions", "extra group/version (or group/version/Kind) for .Capabilities.APIVersions (repeatable)")
	name := fs.String("name", "release-name", "release name (.Release.Name)")
	namespace := fs.String("namespace", "default", "namespace (.Release.Namespace)")
	kubeVersion := fs.String("kube-version", "v1.30.0", "Kubernetes version for .Capabilities.KubeVersion")
	isUpgrade := fs.Bool("is-upgrade", false, "render as an upgrade (.Release.IsUpgrade)")
	strict := fs.Bool("strict", false, "fail on a missing map key (text/template missingkey=error)")
	allowMissing := fs.Bool("allow-missing-dependencies", false, "render although Chart.yaml dependencies are absent from charts/ (helm would demand `helm dependency build`)")
	skipSchema := fs.Bool("skip-schema-validation", false, "do not validate values against values.schema.json")
	format := fs.String("output", "json", "json or yaml")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return fmt.Errorf("expected exactly one chart directory, got %d arguments", fs.NArg())
	}
	kv, err := semver.NewVersion(*kubeVersion)
	if err != nil {
		return fmt.Errorf("invalid kube version %q: %v", *kubeVersion, err)
	}
	warnings := []string{}
	warn := func(s string) { warnings = append(warnings, s) }

	chart, err := loadChart(fs.Arg(0))
	if err != nil {
		return err
	}
	if chart.Metadata.Type == "library" {
		return fmt.Errorf("library charts are not installable")
	}
	if chart.Metadata.KubeVersion != "" {
		c, err := semver.NewConstraint(chart.Metadata.KubeVersion)
		if err != nil {
			return fmt.Errorf("invalid kubeVersion constraint %q: %v", chart.Metadata.KubeVersion, err)
		}
		if !c.Check(kv) {
			return fmt.Errorf("chart requires kubeVersion: %s which is incompatible with Kubernetes %s", chart.Metadata.KubeVersion, *kubeVersion)
		}
	}

	user := map[string]interface{}{}
	for _, f := range valueFiles {
		raw, err := ioutil.ReadFile(f)
		if err != nil {
			return err
		}
		v, err := readValues(raw)
		if err != nil {
			return fmt.Errorf("failed to parse %s: %v", f, err)
		}
		user = mergeMaps(user, v)
	}

	// Dependencies: which Chart.yaml entries are enabled, and which are absent.
	report := []DependencyReport{}
	top := coalesce(func(string) {}, chart, user)
	if err := processDependencies(warn, chart, user, top, "", &report); err != nil {
		return err
	}
	missing := []string{}
	for _, d := range report {
		if !d.Present {
			missing = append(missing, d.Name)
		}
	}
	sort.Strings(missing)
	if len(missing) > 0 && !*allowMissing {
		return fmt.Errorf("found in Chart.yaml, but missing in charts/ directory: %s", strings.Join(missing, ", "))
	}

	vals := coalesce(warn, chart, user)
	if !*skipSchema {
		if err := validateSchemas(chart, vals); err != nil {
			return err
		}
	}

	caps := &Capabilities{
		KubeVersion: KubeVersion{Version: "v" + kv.String(), Major: fmt.Sprint(kv.Major()), Minor: fmt.Sprint(kv.Minor())},
		APIVersions: append(append(VersionSet{}, defaultAPIVersions...), apiVersions...),
		HelmVersion: map[string]string{"version": "v3-compatible (easel-helm-render)"},
	}
	rel := &Release{Name: *name, Namespace: *namespace, Revision: 1, IsInstall: !*isUpgrade, IsUpgrade: *isUpgrade, Service: "Helm"}
	if *isUpgrade {
		rel.Revision = 2
	}
	e := &engine{strict: *strict, caps: caps, rel: rel}
	files, err := e.render(chart, vals)
	if err != nil {
		return err
	}
	manifests, notes, err := parseManifests(files, chart.Name())
	if err != nil {
		return err
	}

	if *format == "yaml" {
		for _, m := range manifests {
			fmt.Printf("---\n# Source: %s\n%s\n", m.Source, m.Text)
		}
		for _, w := range warnings {
			fmt.Fprintln(os.Stderr, "WARNING: "+w)
		}
		return nil
	}
	if *format != "json" {
		return fmt.Errorf("unknown --output %q", *format)
	}
	enc := json.NewEncoder(os.Stdout)
	enc.SetIndent("", " ")
	return enc.Encode(output{Manifests: manifests, Notes: notes, Dependencies: report, MissingDependencies: missing, Warnings: warnings, Values: vals})
}
