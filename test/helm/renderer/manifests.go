package main

// Turning rendered files into manifests as `helm template`/`helm install` do:
// split on `---`, parse each document's head (a YAML error fails the render),
// route documents with a helm.sh/hook annotation to hooks, sort the rest in
// Helm's install order. Each document is also converted to JSON the way the
// Kubernetes client does (sigs.k8s.io/yaml semantics, via ghodss/yaml), and
// rejected if a mapping repeats a key (the API server's strict field validation
// refuses duplicate fields).

import (
	"encoding/json"
	"fmt"
	"regexp"
	"sort"
	"strings"

	"github.com/ghodss/yaml"
)

var sep = regexp.MustCompile("(?:^|\\s*\n)---\\s*")

func splitManifests(big string) []string {
	out := []string{}
	for _, d := range sep.Split(strings.TrimSpace(big), -1) {
		if strings.TrimSpace(d) == "" {
			continue
		}
		out = append(out, strings.TrimSpace(d))
	}
	return out
}

// Manifest is one rendered Kubernetes object.
type Manifest struct {
	Source     string                 `json:"source"`
	APIVersion string                 `json:"apiVersion"`
	Kind       string                 `json:"kind"`
	Name       string                 `json:"name"`
	Hook       string                 `json:"hook,omitempty"`
	Text       string                 `json:"-"`
	Object     map[string]interface{} `json:"object"`
}

type simpleHead struct {
	Version  string `json:"apiVersion"`
	Kind     string `json:"kind,omitempty"`
	Metadata *struct {
		Name        string            `json:"name"`
		Annotations map[string]string `json:"annotations"`
	} `json:"metadata,omitempty"`
}

var installOrder = []string{
	"PriorityClass", "Namespace", "NetworkPolicy", "ResourceQuota", "LimitRange", "PodSecurityPolicy",
	"PodDisruptionBudget", "ServiceAccount", "Secret", "SecretList", "ConfigMap", "StorageClass",
	"PersistentVolume", "PersistentVolumeClaim", "CustomResourceDefinition", "ClusterRole",
	"ClusterRoleList", "ClusterRoleBinding", "ClusterRoleBindingList", "Role", "RoleList", "RoleBinding",
	"RoleBindingList", "Service", "DaemonSet", "Pod", "ReplicationController", "ReplicaSet", "Deployment",
	"HorizontalPodAutoscaler", "StatefulSet", "Job", "CronJob", "IngressClass", "Ingress", "APIService",
}

func parseManifests(files []renderedFile, chartName string) (manifests []Manifest, notes string, err error) {
	for _, f := range files {
		if strings.HasSuffix(f.Name, "NOTES.txt") {
			if f.Name == chartName+"/templates/NOTES.txt" {
				notes = f.Content
			}
			continue
		}
		if strings.TrimSpace(f.Content) == "" {
			continue
		}
		for _, doc := range splitManifests(f.Content) {
			var head simpleHead
			if err := yaml.Unmarshal([]byte(doc), &head); err != nil {
				return nil, "", fmt.Errorf("YAML parse error on %s: %v", f.Name, err)
			}
			raw, err := yaml.YAMLToJSONStrict([]byte(doc))
			if err != nil {
				return nil, "", fmt.Errorf("YAML parse error on %s (strict): %v", f.Name, err)
			}
			var obj interface{}
			if err := json.Unmarshal(raw, &obj); err != nil {
				return nil, "", fmt.Errorf("%s: %v", f.Name, err)
			}
			if obj == nil {
				continue // a document of comments only
			}
			m, ok := obj.(map[string]interface{})
			if !ok {
				return nil, "", fmt.Errorf("%s: a manifest must be a mapping, got %T", f.Name, obj)
			}
			if head.Version == "" || head.Kind == "" {
				return nil, "", fmt.Errorf("%s: object is missing apiVersion or kind:\n%s", f.Name, doc)
			}
			man := Manifest{Source: f.Name, APIVersion: head.Version, Kind: head.Kind, Text: doc, Object: m}
			if head.Metadata != nil {
				man.Name = head.Metadata.Name
				man.Hook = head.Metadata.Annotations["helm.sh/hook"]
			}
			manifests = append(manifests, man)
		}
	}
	rank := map[string]int{}
	for i, k := range installOrder {
		rank[k] = i
	}
	ord := func(m Manifest) int {
		if r, ok := rank[m.Kind]; ok {
			return r
		}
		return len(installOrder)
	}
	sort.SliceStable(manifests, func(i, j int) bool {
		a, b := manifests[i], manifests[j]
		if (a.Hook == "") != (b.Hook == "") {
			return a.Hook == "" // hooks come after the other manifests, as in `helm template`
		}
		if ord(a) != ord(b) {
			return ord(a) < ord(b)
		}
		if a.Kind != b.Kind {
			return a.Kind < b.Kind
		}
		return a.Name < b.Name
	})
	return manifests, notes, nil
}
