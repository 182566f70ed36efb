package main

// Loading a chart directory the way Helm 3's chart loader does: Chart.yaml
// (apiVersion v2), values.yaml, values.schema.json, templates/**, every other
// file as .Files, and unpacked subcharts under charts/<dir>/.

import (
	"fmt"
	"io/ioutil"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"

	"github.com/Masterminds/semver/v3"
	"github.com/ghodss/yaml"
)

// Maintainer mirrors helm.sh/helm/v3/pkg/chart.Maintainer.
type Maintainer struct {
	Name  string `json:"name,omitempty"`
	Email string `json:"email,omitempty"`
	URL   string `json:"url,omitempty"`
}

// Dependency mirrors helm.sh/helm/v3/pkg/chart.Dependency (the fields templates can see).
type Dependency struct {
	Name         string        `json:"name"`
	Version      string        `json:"version,omitempty"`
	Repository   string        `json:"repository"`
	Condition    string        `json:"condition,omitempty"`
	Tags         []string      `json:"tags,omitempty"`
	Enabled      bool          `json:"enabled,omitempty"`
	ImportValues []interface{} `json:"import-values,omitempty"`
	Alias        string        `json:"alias,omitempty"`
}

// Metadata mirrors helm.sh/helm/v3/pkg/chart.Metadata: templates read it as
// .Chart.Name, .Chart.Version, .Chart.AppVersion, ...
type Metadata struct {
	Name         string            `json:"name,omitempty"`
	Home         string            `json:"home,omitempty"`
	Sources      []string          `json:"sources,omitempty"`
	Version      string            `json:"version,omitempty"`
	Description  string            `json:"description,omitempty"`
	Keywords     []string          `json:"keywords,omitempty"`
	Maintainers  []*Maintainer     `json:"maintainers,omitempty"`
	Icon         string            `json:"icon,omitempty"`
	APIVersion   string            `json:"apiVersion,omitempty"`
	Condition    string            `json:"condition,omitempty"`
	Tags         string            `json:"tags,omitempty"`
	AppVersion   string            `json:"appVersion,omitempty"`
	Deprecated   bool              `json:"deprecated,omitempty"`
	Annotations  map[string]string `json:"annotations,omitempty"`
	KubeVersion  string            `json:"kubeVersion,omitempty"`
	Dependencies []*Dependency     `json:"dependencies,omitempty"`
	Type         string            `json:"type,omitempty"`
}

// IsRoot etc. are not needed; templates only read fields.

type file struct {
	Name string
	Data []byte
}

// Chart is a loaded chart and its unpacked subcharts.
type Chart struct {
	Metadata  *Metadata
	Values    map[string]interface{}
	Schema    []byte
	Templates []*file
	Files     []*file
	Subcharts []*Chart
	parent    *Chart
	dir       string
}

func (c *Chart) Name() string { return c.Metadata.Name }

// ChartFullPath is the prefix Helm gives this chart's templates:
// "parent/charts/child".
func (c *Chart) ChartFullPath() string {
	if c.parent == nil {
		return c.Name()
	}
	return c.parent.ChartFullPath() + "/charts/" + c.Name()
}

func loadChart(dir string) (*Chart, error) {
	st, err := os.Stat(dir)
	if err != nil {
		return nil, err
	}
	if !st.IsDir() {
		return nil, fmt.Errorf("%s: packaged (.tgz) charts are not supported by this renderer; unpack it first", dir)
	}
	c := &Chart{dir: dir, Values: map[string]interface{}{}}
	raw, err := ioutil.ReadFile(filepath.Join(dir, "Chart.yaml"))
	if err != nil {
		return nil, fmt.Errorf("Chart.yaml file is missing in %s", dir)
	}
	c.Metadata = new(Metadata)
	if err := yaml.Unmarshal(raw, c.Metadata); err != nil {
		return nil, fmt.Errorf("cannot load Chart.yaml: %v", err)
	}
	if err := validateMetadata(c.Metadata); err != nil {
		return nil, fmt.Errorf("validation: chart.metadata %v", err)
	}
	if raw, err := ioutil.ReadFile(filepath.Join(dir, "values.yaml")); err == nil {
		v, err := readValues(raw)
		if err != nil {
			return nil, fmt.Errorf("cannot load values.yaml: %v", err)
		}
		c.Values = v
	}
	if raw, err := ioutil.ReadFile(filepath.Join(dir, "values.schema.json")); err == nil {
		c.Schema = raw
	}
	ignore := loadHelmignore(dir)
	err = filepath.Walk(dir, func(p string, info os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		rel = filepath.ToSlash(rel)
		if rel == "." {
			return nil
		}
		if info.IsDir() {
			if rel == "charts" {
				return filepath.SkipDir // subcharts are loaded below
			}
			if ignore(rel, true) {
				return filepath.SkipDir
			}
			return nil
		}
		if ignore(rel, false) {
			return nil
		}
		switch rel {
		case "Chart.yaml", "values.yaml", "values.schema.json", "requirements.yaml", "requirements.lock", "Chart.lock":
			return nil
		}
		data, err := ioutil.ReadFile(p)
		if err != nil {
			return err
		}
		if strings.HasPrefix(rel, "templates/") {
			c.Templates = append(c.Templates, &file{Name: rel, Data: data})
		} else {
			c.Files = append(c.Files, &file{Name: rel, Data: data})
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	entries, _ := ioutil.ReadDir(filepath.Join(dir, "charts"))
	for _, e := range entries {
		p := filepath.Join(dir, "charts", e.Name())
		if !e.IsDir() {
			if strings.HasSuffix(e.Name(), ".tgz") {
				return nil, fmt.Errorf("%s: packaged subcharts are not supported by this renderer; unpack it into a directory", p)
			}
			continue
		}
		sub, err := loadChart(p)
		if err != nil {
			return nil, fmt.Errorf("error unpacking subchart %s in %s: %v", e.Name(), c.Name(), err)
		}
		sub.parent = c
		c.Subcharts = append(c.Subcharts, sub)
	}
	sort.Slice(c.Templates, func(i, j int) bool { return c.Templates[i].Name < c.Templates[j].Name })
	return c, nil
}

func validateMetadata(m *Metadata) error {
	if m.APIVersion == "" {
		return fmt.Errorf("apiVersion is required")
	}
	if m.APIVersion != "v1" && m.APIVersion != "v2" {
		return fmt.Errorf("apiVersion %q is not valid", m.APIVersion)
	}
	if m.Name == "" {
		return fmt.Errorf("name is required")
	}
	if m.Name != path.Base(m.Name) {
		return fmt.Errorf("chart.metadata.name %q is invalid", m.Name)
	}
	if m.Version == "" {
		return fmt.Errorf("version is required")
	}
	if _, err := semver.StrictNewVersion(m.Version); err != nil {
		return fmt.Errorf("version %q is invalid", m.Version)
	}
	if m.Type != "" && m.Type != "application" && m.Type != "library" {
		return fmt.Errorf("chart type %q is invalid", m.Type)
	}
	for _, d := range m.Dependencies {
		if d == nil || d.Name == "" {
			return fmt.Errorf("dependencies must have a name")
		}
	}
	return nil
}

// loadHelmignore supports the common subset of .helmignore: comments, blank
// lines, "dir/" patterns and shell globs matched against the path and its base name.
func loadHelmignore(dir string) func(rel string, isDir bool) bool {
	raw, err := ioutil.ReadFile(filepath.Join(dir, ".helmignore"))
	pats := []string{}
	if err == nil {
		for _, line := range strings.Split(string(raw), "\n") {
			line = strings.TrimSpace(line)
			if line == "" || strings.HasPrefix(line, "#") {
				continue
			}
			pats = append(pats, line)
		}
	}
	return func(rel string, isDir bool) bool {
		if rel == ".helmignore" {
			return true
		}
		for _, p := range pats {
			dirOnly := strings.HasSuffix(p, "/")
			p = strings.TrimSuffix(p, "/")
			if dirOnly && !isDir {
				continue
			}
			if ok, _ := filepath.Match(p, rel); ok {
				return true
			}
			if ok, _ := filepath.Match(p, path.Base(rel)); ok {
				return true
			}
		}
		return false
	}
}
