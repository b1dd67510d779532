package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
)

// parseFlags parses a command's flags. -h prints the usage to stderr and
// returns status 0; a bad flag prints one line and returns 2; otherwise it
// returns -1 and the command goes on.
func parseFlags(fs *flag.FlagSet, args []string, stderr io.Writer) int {
	usage := fs.Usage
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	err := fs.Parse(args)
	fs.SetOutput(stderr)
	switch {
	case errors.Is(err, flag.ErrHelp):
		usage()
		return 0
	case err != nil:
		fmt.Fprintf(stderr, "reldb %s: %v (run 'reldb %s -h')\n", fs.Name(), err, fs.Name())
		return 2
	}
	return -1
}
