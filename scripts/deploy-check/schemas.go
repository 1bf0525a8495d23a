package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"sigs.k8s.io/kustomize/kyaml/openapi"
)

// writeSchemas writes one standalone, strict JSON schema per Kubernetes kind into dir, named as
// kubeconform looks them up ({{ .ResourceKind }}{{ .KindSuffix }}.json, e.g. deployment-apps-v1.json).
// The OpenAPI document is the one kustomize embeds (Kubernetes v1.21.2): kubeconform's default,
// schemas downloaded from GitHub, is not reachable here. Like openapi2jsonschema: $refs inlined,
// additionalProperties false on every object with properties, IntOrString and Quantity widened.
func writeSchemas(dir string) error {
	raw, err := json.Marshal(openapi.Schema().Definitions)
	if err != nil {
		return err
	}
	var defs map[string]any
	if err := json.Unmarshal(raw, &defs); err != nil {
		return err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	n := 0
	for name, def := range defs {
		gvks, _ := def.(map[string]any)["x-kubernetes-group-version-kind"].([]any)
		// CustomResourceDefinitions' JSONSchemaProps is recursive; nothing here uses them.
		if len(gvks) == 0 || strings.Contains(name, "apiextensions") {
			continue
		}
		schema := inline(def, defs, 0)
		body, err := json.Marshal(schema)
		if err != nil {
			return err
		}
		for _, g := range gvks {
			gvk := g.(map[string]any)
			group, _ := gvk["group"].(string)
			kind, _ := gvk["kind"].(string)
			version, _ := gvk["version"].(string)
			suffix := "-" + version
			if group != "" {
				suffix = "-" + strings.Split(group, ".")[0] + "-" + version
			}
			file := filepath.Join(dir, strings.ToLower(kind)+suffix+".json")
			if err := os.WriteFile(file, body, 0o644); err != nil {
				return err
			}
			n++
		}
	}
	if n == 0 {
		return fmt.Errorf("no Kubernetes kinds in the embedded OpenAPI document")
	}
	return nil
}

func inline(v any, defs map[string]any, depth int) any {
	if depth > 64 {
		return map[string]any{}
	}
	switch t := v.(type) {
	case map[string]any:
		if ref, ok := t["$ref"].(string); ok {
			name := strings.TrimPrefix(ref, "#/definitions/")
			switch name {
			case "io.k8s.apimachinery.pkg.util.intstr.IntOrString":
				return map[string]any{"oneOf": []any{map[string]any{"type": "string"}, map[string]any{"type": "integer"}}}
			case "io.k8s.apimachinery.pkg.api.resource.Quantity":
				return map[string]any{"oneOf": []any{map[string]any{"type": "string"}, map[string]any{"type": "number"}}}
			}
			return inline(defs[name], defs, depth+1)
		}
		out := make(map[string]any, len(t)+1)
		for k, val := range t {
			out[k] = inline(val, defs, depth+1)
		}
		if _, has := out["properties"]; has {
			if _, set := out["additionalProperties"]; !set {
				out["additionalProperties"] = false
			}
		}
		return out
	case []any:
		out := make([]any, len(t))
		for i, val := range t {
			out[i] = inline(val, defs, depth+1)
		}
		return out
	}
	return v
}
