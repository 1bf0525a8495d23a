package main

import (
	"fmt"
	"os"
	"strings"

	"github.com/moby/buildkit/frontend/dockerfile/instructions"
	"github.com/moby/buildkit/frontend/dockerfile/linter"
	"github.com/moby/buildkit/frontend/dockerfile/parser"
)

// checkDockerfile runs BuildKit's parser and build checks (the same ones `docker build --check`
// reports for parsing) and adds the project's rules: the final stage runs as a non-root USER and
// declares a HEALTHCHECK (or starts FROM our agent base, which does).
func checkDockerfile(path string) []string {
	var problems []string
	f, err := os.Open(path)
	if err != nil {
		return []string{fmt.Sprintf("%s: %v", path, err)}
	}
	defer f.Close()
	res, err := parser.Parse(f)
	if err != nil {
		return []string{fmt.Sprintf("%s: %v", path, err)}
	}
	for _, w := range res.Warnings {
		problems = append(problems, fmt.Sprintf("%s:%d: %s", path, w.Location.Start.Line, w.Short))
	}
	lint := linter.New(&linter.Config{
		Warn: func(rule, _, _, msg string, loc []parser.Range) {
			line := 0
			if len(loc) > 0 {
				line = loc[0].Start.Line
			}
			problems = append(problems, fmt.Sprintf("%s:%d: %s: %s", path, line, rule, msg))
		},
	})
	stages, _, err := instructions.Parse(res.AST, lint)
	if err != nil {
		return append(problems, fmt.Sprintf("%s: %v", path, err))
	}
	if len(stages) == 0 {
		return append(problems, fmt.Sprintf("%s: no FROM stage", path))
	}
	last := stages[len(stages)-1]
	// An image built FROM our agent base inherits its USER and HEALTHCHECK, and
	// agent-base.Dockerfile is checked itself.
	if strings.Contains(last.BaseName, "BASE_IMAGE") || strings.Contains(last.BaseName, "agent-base") {
		return problems
	}
	user, health := "", false
	for _, cmd := range last.Commands {
		switch c := cmd.(type) {
		case *instructions.UserCommand:
			user = c.User
		case *instructions.HealthCheckCommand:
			health = c.Health != nil && len(c.Health.Test) > 0 && c.Health.Test[0] != "NONE"
		}
	}
	if user == "" || user == "root" || user == "0" || strings.HasPrefix(user, "0:") || strings.HasPrefix(user, "root:") {
		problems = append(problems, fmt.Sprintf("%s: the final stage must switch to a non-root USER", path))
	}
	if !health {
		problems = append(problems, fmt.Sprintf("%s: the final stage must declare a HEALTHCHECK", path))
	}
	return problems
}
