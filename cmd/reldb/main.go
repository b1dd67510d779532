// Command reldb is reldb's command-line tool.
//
// Usage:
//
//	reldb demo    run a narrated demo, in memory and then on disk in a temporary directory
//	reldb bench   time eager against lazy traversal at growing sizes
//	reldb inspect DIR   print a durable database's schema, row counts and file sizes
//	reldb check DIR     verify a durable database's checksums, indexes and relations
//	reldb ddl DIR       print a durable database's schema as PostgreSQL DDL
//	reldb serve   serve databases over the PostgreSQL protocol (psql, pgx, lib/pq)
//	reldb help [COMMAND]   print this help, or a command's usage and flags
//
// Every command also prints its usage and flags with -h.
package main

import (
	"fmt"
	"io"
	"os"
)

// command is one subcommand: its name, a one-line summary and its body.
type command struct {
	name    string
	summary string
	run     func(args []string, stdout, stderr io.Writer) int
}

func commands() []command {
	return []command{
		{"demo", "run a narrated demo, in memory and then on disk in a temporary directory", runDemo},
		{"bench", "time eager against lazy traversal at growing sizes", runBench},
		{"inspect", "print a durable database's schema, row counts and file sizes", runInspect},
		{"check", "verify a durable database's checksums, indexes and relations", runCheck},
		{"ddl", "print a durable database's schema as PostgreSQL DDL", runDDL},
		{"serve", "serve databases over the PostgreSQL protocol (psql, pgx, lib/pq)", runServe},
	}
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "usage: reldb <command> [flags]")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "commands:")
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-8s %s\n", c.name, c.summary)
	}
	fmt.Fprintf(w, "  %-8s %s\n", "help", "print this help; 'reldb help COMMAND' prints a command's flags")
}

// help prints the general usage, or with a command's name that command's
// own usage and flags, to stdout.
func help(args []string, stdout, stderr io.Writer) int {
	switch {
	case len(args) == 0 || args[0] == "help":
		usage(stdout)
		return 0
	case len(args) > 1:
		fmt.Fprintf(stderr, "reldb help: want at most one command, got %d arguments\n", len(args))
		return 2
	}
	for _, c := range commands() {
		if c.name == args[0] {
			// Every command prints its usage where it writes errors when
			// given -h, and returns 0: here that is stdout.
			return c.run([]string{"-h"}, stdout, stdout)
		}
	}
	fmt.Fprintf(stderr, "reldb help: unknown command %q (run 'reldb help')\n", args[0])
	return 2
}

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// run dispatches a command line and returns the exit status: 0 success,
// 1 failure, 2 bad usage.
func run(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		usage(stderr)
		return 2
	}
	switch args[0] {
	case "help", "-h", "-help", "--help":
		return help(args[1:], stdout, stderr)
	}
	for _, c := range commands() {
		if c.name == args[0] {
			return c.run(args[1:], stdout, stderr)
		}
	}
	fmt.Fprintf(stderr, "reldb: unknown command %q (run 'reldb help')\n", args[0])
	return 2
}
