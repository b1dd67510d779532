package pgwire

import (
	"encoding/binary"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5/pgproto3"
)

// copyStdin is a COPY FROM STDIN with its data, one CopyData per chunk.
func copyStdin(sql string, chunks ...string) exchange {
	ex := exchange{&pgproto3.Query{String: sql}}
	for _, c := range chunks {
		ex = append(ex, &pgproto3.CopyData{Data: []byte(c)})
	}
	return append(ex, &pgproto3.CopyDone{})
}

// copyScenarios are COPY conversations that must match PostgreSQL's to
// the byte, errors' wording and CONTEXT lines included: the CSV format's
// quoting, NULLs, headers and options, the text format's escapes and
// options, and the binary format out.
var copyScenarios = []struct {
	name      string
	exchanges []exchange
}{
	{"csv out", []exchange{
		q(`CREATE TABLE t (id int PRIMARY KEY, a text, b text, n numeric(6,2))`),
		q(`INSERT INTO t VALUES (1, 'plain', '', 1.5), (2, NULL, 'has,comma', NULL), (3, 'has "quote"', e'line\nbreak', 0), (4, e'cr\rhere', '\.', -2), (5, ' spaced ', e'tab\there', 3)`),
		q(`COPY t TO STDOUT WITH (FORMAT csv)`),
		q(`COPY t TO STDOUT WITH (FORMAT csv, HEADER)`),
		q(`COPY t (b, a) TO STDOUT WITH (FORMAT csv, HEADER true, FORCE_QUOTE (a))`),
		q(`COPY t TO STDOUT WITH (FORMAT csv, FORCE_QUOTE *)`),
		q(`COPY t TO STDOUT WITH (FORMAT csv, DELIMITER ';', NULL 'NULL', QUOTE '''', ESCAPE '\')`),
		q(`COPY t (b) TO STDOUT WITH (FORMAT csv)`),
		q(`COPY (SELECT id, a AS "odd ""name""" FROM t WHERE id < 3 ORDER BY id) TO STDOUT WITH (FORMAT csv, HEADER)`),
		q(`COPY t TO STDOUT WITH CSV HEADER`),
		q(`COPY t TO STDOUT CSV FORCE QUOTE a, b DELIMITER AS '|' NULL AS 'x'`),
		q(`COPY t TO STDOUT WITH (FORMAT text, HEADER)`),
		q(`COPY t TO STDOUT WITH (DELIMITER ',', NULL '')`),
		q(`COPY t TO STDOUT WITH DELIMITER '|' NULL 'nil'`),
	}},
	{"binary out", []exchange{
		q(`CREATE TABLE t (id int PRIMARY KEY, a text, n numeric(6,2), b bool, f float8, at timestamptz)`),
		q(`INSERT INTO t VALUES (1, 'x', 1.5, true, 0.25, '2024-01-02 03:04:05+00'), (2, NULL, NULL, NULL, NULL, NULL)`),
		q(`COPY t TO STDOUT WITH (FORMAT binary)`),
		q(`COPY (SELECT a, id FROM t ORDER BY id) TO STDOUT BINARY`),
	}},
	{"csv in", []exchange{
		q(`CREATE TABLE t (id int PRIMARY KEY, a text, b text)`),
		copyStdin(`COPY t FROM STDIN WITH (FORMAT csv)`,
			"1,plain,\"\"\n2,,\"has,comma\"\n3,\"say \"\"hi\"\"\",\"multi\nline\"\n",
			"4,\"split ", "across\",chunks\n5,\\.,x\n6,\"\\.\",\"\"\"\"\n"),
		copyStdin(`COPY t FROM STDIN (FORMAT csv, HEADER)`, "id,a,b\n7,a,b\n"),
		copyStdin(`COPY t (b, id) FROM STDIN (FORMAT csv, HEADER match)`, "b,id\nx,8\n"),
		copyStdin(`COPY t FROM STDIN WITH CSV HEADER`, "whatever\n9,a,b\n\\.\n10,ignored,after marker\n"),
		copyStdin(`COPY t FROM STDIN (FORMAT csv, DELIMITER ';', NULL 'N', QUOTE '''', ESCAPE '\')`, "11;N;'it\\'s; here'\n12;'N';\n"),
		copyStdin(`COPY t FROM STDIN (FORMAT csv, FORCE_NOT_NULL (a), FORCE_NULL (b))`, "13,,\"\"\n14,\"\",x\n"),
		copyStdin(`COPY t FROM STDIN CSV FORCE NOT NULL a, b`, "15,,\n"),
		copyStdin(`COPY t FROM STDIN (FORMAT csv)`, "16,crlf,a\r\n17,\"q\r\nx\",b\r\n"),
		copyStdin(`COPY t FROM STDIN (FORMAT csv)`, "18,cr,a\r19,\"no\",end"),
		q(`SELECT id, coalesce(a, '<null>'), coalesce(b, '<null>') FROM t ORDER BY id`),
	}},
	{"csv in errors", []exchange{
		q(`CREATE TABLE t (id int PRIMARY KEY, a text, b text)`),
		copyStdin(`COPY t FROM STDIN (FORMAT csv)`, "1,a,b\n2,\"open,b\n"),
		copyStdin(`COPY t FROM STDIN (FORMAT csv)`, "1,a,b\n2,a\n"),
		copyStdin(`COPY t FROM STDIN (FORMAT csv)`, "1,a,b,c\n"),
		copyStdin(`COPY t FROM STDIN (FORMAT csv)`, "x,a,b\n"),
		copyStdin(`COPY t FROM STDIN (FORMAT csv)`, "1,a,b\n\n"),
		copyStdin(`COPY t FROM STDIN (FORMAT csv)`, "1,a,b\r\n2,a,b\n"),
		copyStdin(`COPY t FROM STDIN (FORMAT csv)`, "1,a,b\n2,a,b\r3,a,b\n"),
		copyStdin(`COPY t FROM STDIN (FORMAT csv, HEADER match)`, "id,a\n"),
		copyStdin(`COPY t FROM STDIN (FORMAT csv, HEADER match)`, "id,x,b\n"),
		copyStdin(`COPY t FROM STDIN (FORMAT csv, HEADER match)`, "id,,b\n"),
		copyStdin(`COPY t FROM STDIN (FORMAT csv)`, "1,\"a\"x\"b\",c\n"),
		q(`SELECT count(*) FROM t`),
	}},
	{"errors inserting the rows", []exchange{
		q(`CREATE TABLE p (id int PRIMARY KEY)`),
		q(`CREATE TABLE t (id int PRIMARY KEY, s varchar(3), n int CHECK (n > 0), p int REFERENCES p)`),
		q(`INSERT INTO p VALUES (1); INSERT INTO t VALUES (100, 'x', 1, 1)`),
		copyStdin(`COPY t FROM STDIN`, "1\ta\t1\t\\N\n2\tabcd\t1\t\\N\n"),
		copyStdin(`COPY t FROM STDIN`, "1\ta\t1\t\\N\n2\tb\t0\t\\N\n"),
		copyStdin(`COPY t FROM STDIN`, "1\ta\t1\t\\N\n1\tb\t1\t\\N\n"),
		copyStdin(`COPY t FROM STDIN`, "1\ta\t1\t\\N\n2\tb\t1\t\\N\n100\tc\t1\t1\n"),
		copyStdin(`COPY t FROM STDIN`, "1\ta\t1\t1\n2\tb\t1\t7\n"),
		copyStdin(`COPY t (n, id) FROM STDIN (FORMAT csv)`, "1,1\n-1,2\n"),
		copyStdin(`COPY t (id, s) FROM STDIN (FORMAT csv)`, "1,\"ab\"\n2,\"a\nbcd\"\n"),
		copyStdin(`COPY t (id) FROM STDIN`, copyLines(1000, 1297, "")+"1007\n"),
		copyStdin(`COPY t (id, n) FROM STDIN`, copyLines(1000, 1299, "\t1")+"1300\t-5\n"),
		copyStdin(`COPY t (id) FROM STDIN (FORMAT binary)`, binaryRows([][]int32{{1}, {2}, {1}})),
		copyStdin(`COPY t (id) FROM STDIN (FORMAT binary)`, binaryRows([][]int32{{1}, {2, 3}})),
		q(`SELECT count(*) FROM t`),
	}},
	{"copy options errors", []exchange{
		q(`CREATE TABLE t (id int PRIMARY KEY, a text)`),
		q(`COPY t TO STDOUT WITH (FORMAT xml)`),
		q(`COPY t TO STDOUT WITH (FORMAT csv, FORMAT text)`),
		q(`COPY t TO STDOUT WITH (FORMAT csv, DELIMITER ';;')`),
		q(`COPY t TO STDOUT WITH (FORMAT csv, DELIMITER '"')`),
		q(`COPY t TO STDOUT WITH (DELIMITER 'a')`),
		q(`COPY t TO STDOUT WITH (QUOTE '"')`),
		q(`COPY t TO STDOUT WITH (FORMAT csv, QUOTE 'ab')`),
		q(`COPY t TO STDOUT WITH (FORMAT csv, NULL 'a,b')`),
		q(`COPY t TO STDOUT WITH (FORMAT csv, NULL '"x"')`),
		q(`COPY t TO STDOUT WITH (FORMAT csv, HEADER match)`),
		q(`COPY t TO STDOUT WITH (FORMAT csv, HEADER maybe)`),
		q(`COPY t TO STDOUT WITH (FORMAT csv, FORCE_NOT_NULL (a))`),
		q(`COPY t TO STDOUT WITH (FORCE_QUOTE (a))`),
		q(`COPY t TO STDOUT WITH (FORMAT csv, FORCE_QUOTE (nope))`),
		q(`COPY t (id) TO STDOUT WITH (FORMAT csv, FORCE_QUOTE (a))`),
		q(`COPY t TO STDOUT WITH (FORMAT binary, HEADER)`),
		q(`COPY t TO STDOUT WITH (FORMAT binary, DELIMITER ',')`),
		q(`COPY t TO STDOUT WITH (BOGUS 1)`),
		q(`COPY t TO STDOUT WITH (FORMAT csv, NULL E'\n')`),
		q(`COPY t FROM STDIN WITH (FORMAT csv, FORCE_QUOTE (a))`),
		q(`COPY t (id) FROM STDIN WITH (FORMAT csv, FORCE_NULL (a))`),
		q(`COPY t FROM STDIN WITH (FORMAT csv, FORCE_NOT_NULL (nope))`),
		q(`COPY nope TO STDOUT WITH (FORMAT csv)`),
	}},
	{"text in and out", []exchange{
		q(`CREATE TABLE t (id int PRIMARY KEY, a text, b text)`),
		copyStdin(`COPY t FROM STDIN`, "1\t\\b\\f\\v\\101\\x41\\x4a2\\q\tx\\\ty\n2\t\\N\t\n3\tcr\\\rhere\t\\\\N\n"),
		copyStdin(`COPY t FROM STDIN WITH (DELIMITER '|', NULL 'nil')`, "4|nil|a\\|b\n5||\n"),
		copyStdin(`COPY t FROM STDIN (HEADER)`, "id\ta\tb\n6\tx\ty\n"),
		copyStdin(`COPY t FROM STDIN`, "7\tbefore\tmarker\\.\n"),
		copyStdin(`COPY t FROM STDIN`, "8\ta\tb\n\\.x\n"),
		copyStdin(`COPY t FROM STDIN`, "9\ta\n"),
		copyStdin(`COPY t FROM STDIN`, "9\ta\tb\tc\n"),
		copyStdin(`COPY t FROM STDIN`, "9\ta\tb\r\n10\ta\tb\n"),
		q(`COPY t TO STDOUT`),
		q(`COPY t TO STDOUT WITH (DELIMITER '|')`),
		q(`COPY t TO STDOUT (DELIMITER E'\x01')`),
	}},
}

// copyLines is the text format's lines of the ids from to to, each
// followed by rest.
func copyLines(from, to int, rest string) string {
	var b strings.Builder
	for id := from; id <= to; id++ {
		b.WriteString(strconv.Itoa(id) + rest + "\n")
	}
	return b.String()
}

// binaryRows is the binary format's data of rows of int values.
func binaryRows(rows [][]int32) string {
	b := []byte("PGCOPY\n\xff\r\n\x00")
	b = binary.BigEndian.AppendUint32(b, 0) // flags
	b = binary.BigEndian.AppendUint32(b, 0) // header extension
	for _, row := range rows {
		b = binary.BigEndian.AppendUint16(b, uint16(len(row)))
		for _, v := range row {
			b = binary.BigEndian.AppendUint32(b, 4)
			b = binary.BigEndian.AppendUint32(b, uint32(v))
		}
	}
	return string(binary.BigEndian.AppendUint16(b, 0xffff))
}
