package main

import (
	"context"
	"crypto/tls"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"os/signal"
	"syscall"

	"github.com/reldb/reldb/pgwire"
)

func runServe(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	addr := fs.String("addr", "127.0.0.1:5432", "host:port to listen on (port 0 picks a free one)")
	dir := fs.String("dir", "", "keep each database durably in DIR/<name>; empty keeps them in memory")
	user := fs.String("user", "reldb", "the user -password is for")
	password := fs.String("password", "", "require this password (SCRAM-SHA-256) from -user; empty accepts any user without one")
	maxConns := fs.Int("max-conns", 100, "connections served at once")
	certFile := fs.String("tls-cert", "", "PEM certificate file: clients that ask (sslmode=require) get TLS")
	keyFile := fs.String("tls-key", "", "PEM private key file of -tls-cert")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: reldb serve [flags]\n\nServes reldb over the PostgreSQL protocol until interrupted: psql, pgx, lib/pq\nand other PostgreSQL clients connect to it. Each database name a client asks\nfor is its own database, made on first use. It prints the address it listens\non and a connection URL.\n\nflags:")
		fs.PrintDefaults()
	}
	if status := parseFlags(fs, args, stderr); status >= 0 {
		return status
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "reldb serve: unexpected argument %q\n", fs.Arg(0))
		return 2
	}
	opts := pgwire.Options{Dir: *dir, MaxConns: *maxConns}
	if (*certFile == "") != (*keyFile == "") {
		fmt.Fprintln(stderr, "reldb serve: -tls-cert and -tls-key go together")
		return 2
	}
	if *certFile != "" {
		cert, err := tls.LoadX509KeyPair(*certFile, *keyFile)
		if err != nil {
			fmt.Fprintf(stderr, "reldb serve: %v\n", err)
			return 2
		}
		opts.TLS = &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}
	}
	if *password != "" {
		opts.Users = map[string]string{*user: *password}
	}
	l, err := net.Listen("tcp", *addr)
	if err != nil {
		fmt.Fprintf(stderr, "reldb serve: %v\n", err)
		return 1
	}
	srv := pgwire.New(opts)
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	go func() {
		<-ctx.Done()
		_ = srv.Close()
	}()
	fmt.Fprintf(stdout, "reldb: serving PostgreSQL on %s (psql postgres://%s@%s/%s?sslmode=disable)\n", l.Addr(), *user, l.Addr(), *user)
	err = srv.Serve(l)
	stop()
	if cerr := srv.Close(); cerr != nil {
		fmt.Fprintf(stderr, "reldb serve: %v\n", cerr)
		return 1
	}
	if err != nil && !errors.Is(err, pgwire.ErrServerClosed) {
		fmt.Fprintf(stderr, "reldb serve: %v\n", err)
		return 1
	}
	return 0
}
