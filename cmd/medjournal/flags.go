package main

import (
	"flag"
	"fmt"
	"strings"
)

// newFlagSet returns a FlagSet that reports errors instead of exiting, and prints its usage
// to the command's stderr.
func newFlagSet(e env, name, synopsis string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	fs.Usage = func() {
		fmt.Fprintf(e.stderr, "usage: medjournal %s\n\nflags (each also read from the environment variable named in brackets):\n", synopsis)
		fs.PrintDefaults()
	}
	return fs
}

// parseWithEnv parses args, then fills every flag not given on the command line from its
// environment variable MEDJOURNAL_<NAME> (dashes become underscores).
func parseWithEnv(e env, fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	var err error
	fs.VisitAll(func(f *flag.Flag) {
		if set[f.Name] || err != nil {
			return
		}
		if v := e.getenv(envName(f.Name)); v != "" {
			if serr := fs.Set(f.Name, v); serr != nil {
				err = fmt.Errorf("%s=%q: %w", envName(f.Name), v, serr)
			}
		}
	})
	return err
}

func envName(flagName string) string {
	return "MEDJOURNAL_" + strings.ToUpper(strings.ReplaceAll(flagName, "-", "_"))
}

// dbFlag adds the --db flag every command shares.
func dbFlag(fs *flag.FlagSet) *string {
	return fs.String("db", "medjournal.db", "SQLite database file, created if missing [MEDJOURNAL_DB]")
}
