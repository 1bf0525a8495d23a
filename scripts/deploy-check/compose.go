package main

import (
	"context"
	"fmt"
	"path/filepath"

	"github.com/compose-spec/compose-go/v2/cli"
)

// checkCompose loads the file the way `docker compose config` does: schema validation against
// the Compose specification, interpolation, every profile enabled so no service escapes the check.
func checkCompose(path string) []string {
	opts, err := cli.NewProjectOptions([]string{path},
		cli.WithName("mcp-mesh"),
		cli.WithWorkingDirectory(filepath.Dir(path)),
		cli.WithProfiles([]string{"*"}),
		cli.WithResolvedPaths(true),
	)
	if err != nil {
		return []string{fmt.Sprintf("%s: %v", path, err)}
	}
	project, err := opts.LoadProject(context.Background())
	if err != nil {
		return []string{fmt.Sprintf("%s: %v", path, err)}
	}
	var problems []string
	for name, svc := range project.Services {
		if svc.Image == "" && svc.Build == nil {
			problems = append(problems, fmt.Sprintf("%s: service %s has neither image nor build", path, name))
		}
	}
	return problems
}
