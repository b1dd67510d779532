package shop

import "embed"

// Migrations are the schema's golang-migrate migrations
// (migrations/NNN_name.up.sql and .down.sql), for migrate's iofs source or
// reldbtest.Migrations(shop.Migrations, "migrations").
//
//go:embed migrations/*.sql
var Migrations embed.FS
