// deploy-check validates the deployment files without a container engine or a cluster:
//
//	deploy-check dockerfile FILE...   parse with BuildKit's own parser and linter, plus our rules
//	deploy-check compose FILE         load with compose-go (the Compose specification's schema)
//	deploy-check k8s FILE...          strict-decode every document into the k8s.io/api types
//	deploy-check schemas DIR          write Kubernetes JSON schemas for kubeconform (offline)
//
// It prints one line per problem and exits 1 when there is any, so a script can run it in CI.
package main

import (
	"fmt"
	"os"
)

func main() {
	if len(os.Args) < 3 {
		fmt.Fprintln(os.Stderr, "usage: deploy-check dockerfile|compose|k8s FILE...")
		os.Exit(2)
	}
	var problems []string
	switch os.Args[1] {
	case "dockerfile":
		for _, f := range os.Args[2:] {
			problems = append(problems, checkDockerfile(f)...)
		}
	case "compose":
		for _, f := range os.Args[2:] {
			problems = append(problems, checkCompose(f)...)
		}
	case "schemas":
		if err := writeSchemas(os.Args[2]); err != nil {
			fmt.Fprintf(os.Stderr, "deploy-check: %v\n", err)
			os.Exit(1)
		}
	case "k8s":
		for _, f := range os.Args[2:] {
			problems = append(problems, checkManifests(f)...)
		}
	default:
		fmt.Fprintf(os.Stderr, "deploy-check: unknown mode %q\n", os.Args[1])
		os.Exit(2)
	}
	for _, p := range problems {
		fmt.Println(p)
	}
	if len(problems) > 0 {
		os.Exit(1)
	}
}
