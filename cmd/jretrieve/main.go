// Command jretrieve evaluates Japanese retrieval models: embedders, rerankers
// and BM25, on JQaRA, JaCWIR, an embedded sample or your own data.
//
// Each subcommand lives in its own file and registers itself with register.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"sort"
	"strings"
	"syscall"
)

// command is one subcommand of jretrieve.
type command struct {
	name    string
	summary string
	// run executes the command. args excludes the command name.
	run func(ctx context.Context, args []string, stdout, stderr io.Writer) error
}

var commands = map[string]*command{}

func register(c *command) {
	if _, dup := commands[c.name]; dup {
		panic("jretrieve: duplicate command " + c.name)
	}
	commands[c.name] = c
}

// errUsage marks an error whose message is a usage problem; main exits 2.
var errUsage = errors.New("usage")

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := runMain(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

func runMain(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		args = []string{defaultCommand}
	}
	name := args[0]
	switch name {
	case "-h", "-help", "--help", "help":
		usage(stdout)
		return 0
	}
	c, ok := commands[name]
	if !ok {
		fmt.Fprintf(stderr, "jretrieve: unknown command %q\n\n", name)
		usage(stderr)
		return 2
	}
	if err := c.run(ctx, args[1:], stdout, stderr); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		if errors.Is(err, context.Canceled) && !strings.Contains(err.Error(), "interrupted") {
			// Ctrl-C before a command's own interrupted message (while
			// opening a dataset or a model): say the same thing.
			err = fmt.Errorf("interrupted: %w", err)
		}
		fmt.Fprintf(stderr, "jretrieve %s: %v\n", name, err)
		if errors.Is(err, errUsage) {
			return 2
		}
		if errors.Is(err, context.Canceled) {
			return 130
		}
		return 1
	}
	return 0
}

// defaultCommand runs when jretrieve is called without arguments.
var defaultCommand = "version"

func usage(w io.Writer) {
	fmt.Fprintln(w, "jretrieve: evaluate Japanese retrieval models (embedders, rerankers, BM25)")
	fmt.Fprintln(w, "\nUsage: jretrieve <command> [flags] [args]\n\nCommands:")
	names := make([]string, 0, len(commands))
	for n := range commands {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(w, "  %-10s %s\n", n, commands[n].summary)
	}
	fmt.Fprintf(w, "\nWithout arguments jretrieve runs 'jretrieve %s' with its defaults.\n", defaultCommand)
	fmt.Fprintln(w, "Run 'jretrieve <command> -h' for the flags of a command.")
}

// newFlagSet returns a flag set whose usage text names the command and its
// synopsis, and which writes help to stderr.
// parseArgs parses flags that may follow positional arguments
// ("RUN... --metrics x") and returns the positional ones; "--" ends flag
// parsing.
func parseArgs(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			if err == flag.ErrHelp {
				return nil, err
			}
			return nil, fmt.Errorf("%w: %v", errUsage, err)
		}
		rest := fs.Args()
		if len(rest) == 0 {
			return pos, nil
		}
		// fs.Parse stops at the first non-flag, or after "--".
		if len(args) > len(rest) && args[len(args)-len(rest)-1] == "--" {
			return append(pos, rest...), nil
		}
		pos = append(pos, rest[0])
		args = rest[1:]
	}
}

func newFlagSet(name, synopsis string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet("jretrieve "+name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintf(stderr, "Usage: jretrieve %s %s\n\nFlags:\n", name, synopsis)
		fs.PrintDefaults()
	}
	return fs
}
