package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"

	"github.com/reldb/reldb/engine"
)

// dirCommand parses the flags of a command that takes one database
// directory and opens it. It returns the database, or nil and the exit
// status after printing one line to stderr: 0 for -h, 2 for bad usage, a
// missing directory, one that holds no database, or one another process
// has open. Nothing on disk changes before the database opens.
func dirCommand(name, summary string, args []string, stderr io.Writer) (*engine.DB, int) {
	flags := flag.NewFlagSet(name, flag.ContinueOnError)
	flags.SetOutput(stderr)
	flags.Usage = func() {
		fmt.Fprintf(stderr, "usage: reldb %s DIR\n\n%s\n", name, summary)
	}
	if status := parseFlags(flags, args, stderr); status >= 0 {
		return nil, status
	}
	if flags.NArg() != 1 {
		fmt.Fprintf(stderr, "reldb %s: want one database directory, got %d arguments (run 'reldb %s -h')\n", name, flags.NArg(), name)
		return nil, 2
	}
	dir := flags.Arg(0)
	if err := engine.ProbeDir(dir); err != nil {
		switch {
		case errors.Is(err, fs.ErrNotExist):
			fmt.Fprintf(stderr, "reldb %s: %s: no such directory\n", name, dir)
		case errors.Is(err, engine.ErrNotDatabase):
			fmt.Fprintf(stderr, "reldb %s: %s is not a reldb database\n", name, dir)
		default:
			fmt.Fprintf(stderr, "reldb %s: %v\n", name, err)
		}
		return nil, 2
	}
	// ReadOnly: a tool that reads writes nothing, works on read-only media
	// and runs beside other readers. NoRepair: it reports a torn final
	// record, which the program that owns the database cuts when it next
	// opens it.
	db, err := engine.Open(engine.Options{Dir: dir, ReadOnly: true, NoRepair: true})
	if err != nil {
		if errors.Is(err, engine.ErrLocked) {
			fmt.Fprintf(stderr, "reldb %s: %s is in use by another process\n", name, dir)
			return nil, 2
		}
		if errors.Is(err, engine.ErrCorrupt) {
			fmt.Fprintf(stderr, "reldb %s: %v (damage, not a crash: restore the directory from a backup, or open it with Options.RepairDamagedTail to cut the record and lose its commit)\n", name, err)
			return nil, 1
		}
		if errors.Is(err, engine.ErrTornTail) {
			fmt.Fprintf(stderr, "reldb %s: %v (an unacknowledged commit cut short by a crash; opening the database to write cuts it)\n", name, err)
			return nil, 1
		}
		fmt.Fprintf(stderr, "reldb %s: %v\n", name, err)
		return nil, 1
	}
	return db, -1
}
