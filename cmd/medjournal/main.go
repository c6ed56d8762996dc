// Command medjournal is the medjournal server and its operator tools in one binary.
//
//	medjournal serve    [--addr HOST:PORT] [--db PATH] [flags]   serve the API
//	medjournal migrate  [--db PATH]                              create or upgrade the database
//	medjournal backup   [--db PATH] --to FILE                    consistent online copy
//	medjournal account create --role clinician|admin --email EMAIL --password-stdin
//	medjournal audit verify [--db PATH]                          check the audit trail
//
// Every flag can also be set from the environment (MEDJOURNAL_ADDR, MEDJOURNAL_DB, ...);
// a flag on the command line wins. Run a subcommand with -h for its flags.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"os/signal"
	"syscall"

	_ "time/tzdata" // the server validates IANA zones even where the OS has no zoneinfo
)

// env carries the process's surroundings, so tests can run subcommands in-process.
type env struct {
	stdin    io.Reader
	stdout   io.Writer
	stderr   io.Writer
	getenv   func(string) string
	onListen func(net.Addr) // called once serve listens; tests learn the port from it
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	e := env{stdin: os.Stdin, stdout: os.Stdout, stderr: os.Stderr, getenv: os.Getenv}
	err := run(ctx, e, os.Args[1:])
	stop()
	if errors.Is(err, flag.ErrHelp) {
		os.Exit(0)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "medjournal:", err)
		os.Exit(1)
	}
}

const usage = `usage: medjournal <command> [flags]

commands:
  serve           serve the API (gRPC, gRPC-Web, Connect) and share pages on one port
  migrate         create or upgrade the database schema
  backup          write a consistent copy of the database while the server runs
  account create  create a clinician or admin account
  audit verify    check the audit trail's hash chain for tampering
  loadtest        measure throughput and latency of a server on this machine (loopback only)

Run 'medjournal <command> -h' for a command's flags.`

func run(ctx context.Context, e env, args []string) error {
	if len(args) == 0 {
		fmt.Fprintln(e.stderr, usage)
		return errors.New("no command given")
	}
	switch cmd, rest := args[0], args[1:]; cmd {
	case "serve":
		return serve(ctx, e, rest)
	case "migrate":
		return migrate(ctx, e, rest)
	case "backup":
		return backup(ctx, e, rest)
	case "account":
		return account(ctx, e, rest)
	case "audit":
		return audit(ctx, e, rest)
	case "loadtest":
		return loadTest(ctx, e, rest)
	case "-h", "-help", "--help", "help":
		fmt.Fprintln(e.stdout, usage)
		return nil
	default:
		fmt.Fprintln(e.stderr, usage)
		return fmt.Errorf("unknown command %q", cmd)
	}
}
