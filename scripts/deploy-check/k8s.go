package main

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"

	appsv1 "k8s.io/api/apps/v1"
	autoscalingv2 "k8s.io/api/autoscaling/v2"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	policyv1 "k8s.io/api/policy/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/serializer"
	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
)

// The Kubernetes JSON schemas are generated from these very Go types; decoding strictly into them
// rejects unknown kinds, unknown or duplicate fields and wrongly typed values, as the API server
// does with field validation "Strict". kubeconform would need the schemas downloaded from GitHub.
var decoder = func() runtime.Decoder {
	scheme := runtime.NewScheme()
	for _, add := range []func(*runtime.Scheme) error{
		corev1.AddToScheme, appsv1.AddToScheme, policyv1.AddToScheme,
		networkingv1.AddToScheme, autoscalingv2.AddToScheme,
	} {
		if err := add(scheme); err != nil {
			panic(err)
		}
	}
	return serializer.NewCodecFactory(scheme, serializer.EnableStrict).UniversalDeserializer()
}()

// checkManifests checks every YAML document of a file ("-" = stdin, e.g. `helm template` output).
func checkManifests(path string) []string {
	var in io.Reader = os.Stdin
	if path != "-" {
		f, err := os.Open(path)
		if err != nil {
			return []string{fmt.Sprintf("%s: %v", path, err)}
		}
		defer f.Close()
		in = f
	}
	var problems []string
	reader := utilyaml.NewYAMLReader(bufio.NewReader(in))
	for n := 1; ; n++ {
		doc, err := reader.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return append(problems, fmt.Sprintf("%s: document %d: %v", path, n, err))
		}
		if len(bytes.TrimSpace(stripComments(doc))) == 0 {
			continue
		}
		obj, gvk, err := decoder.Decode(doc, nil, nil)
		if err != nil {
			problems = append(problems, fmt.Sprintf("%s: document %d: %v", path, n, err))
			continue
		}
		where := fmt.Sprintf("%s: %s", path, gvk.Kind)
		if m, ok := obj.(interface{ GetName() string }); ok {
			where += "/" + m.GetName()
		}
		for _, p := range checkObject(obj) {
			problems = append(problems, where+": "+p)
		}
	}
	return problems
}

func stripComments(doc []byte) []byte {
	var out [][]byte
	for _, line := range bytes.Split(doc, []byte("\n")) {
		if t := bytes.TrimSpace(line); len(t) > 0 && t[0] != '#' {
			out = append(out, line)
		}
	}
	return bytes.Join(out, []byte("\n"))
}

// checkObject adds what the schema cannot say: a workload's selector matches its pods, every
// container has a name, an image, both probes and resource requests, and pods run as non-root.
func checkObject(obj runtime.Object) []string {
	switch o := obj.(type) {
	case *appsv1.Deployment:
		return checkWorkload(o.Spec.Selector.MatchLabels, o.Spec.Template)
	case *appsv1.StatefulSet:
		p := checkWorkload(o.Spec.Selector.MatchLabels, o.Spec.Template)
		if o.Spec.ServiceName == "" {
			p = append(p, "serviceName is required")
		}
		return p
	case *corev1.Service:
		if len(o.Spec.Selector) == 0 || len(o.Spec.Ports) == 0 {
			return []string{"needs a selector and ports"}
		}
	case *policyv1.PodDisruptionBudget:
		if o.Spec.Selector == nil || (o.Spec.MinAvailable == nil) == (o.Spec.MaxUnavailable == nil) {
			return []string{"needs a selector and exactly one of minAvailable/maxUnavailable"}
		}
	}
	return nil
}

func checkWorkload(match map[string]string, tpl corev1.PodTemplateSpec) []string {
	var p []string
	if len(match) == 0 || !labels.SelectorFromSet(match).Matches(labels.Set(tpl.Labels)) {
		p = append(p, "selector does not match the pod template's labels")
	}
	sc := tpl.Spec.SecurityContext
	if sc == nil || sc.RunAsNonRoot == nil || !*sc.RunAsNonRoot {
		p = append(p, "pod securityContext.runAsNonRoot must be true")
	}
	if len(tpl.Spec.Containers) == 0 {
		p = append(p, "no containers")
	}
	for _, c := range tpl.Spec.Containers {
		if c.Name == "" || c.Image == "" {
			p = append(p, "a container needs a name and an image")
		}
		if c.LivenessProbe == nil || c.ReadinessProbe == nil {
			p = append(p, fmt.Sprintf("container %s needs livenessProbe and readinessProbe", c.Name))
		}
		if len(c.Resources.Requests) == 0 || len(c.Resources.Limits) == 0 {
			p = append(p, fmt.Sprintf("container %s needs resource requests and limits", c.Name))
		}
	}
	return p
}
