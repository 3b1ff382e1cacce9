package main

import (
	"sort"
	"strings"
	"testing"
)

// Every subcommand answers --help and -h with its usage and exit status 0.
func TestEveryCommandHelp(t *testing.T) {
	names := make([]string, 0, len(commands))
	for n := range commands {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		for _, h := range []string{"--help", "-h"} {
			_, stderr, code := runCLI(t, n, h)
			if code != 0 || !strings.Contains(stderr, "Usage: jretrieve "+n) {
				t.Errorf("jretrieve %s %s: exit %d, stderr %.200q", n, h, code, stderr)
			}
		}
	}
}
