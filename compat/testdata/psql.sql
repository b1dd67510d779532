-- psql against reldb serve: create, insert, select, a foreign-key error,
-- a transaction rolled back, and psql's \dt, \di and \d, which read the
-- catalog.
CREATE TABLE authors (id serial PRIMARY KEY, name text NOT NULL UNIQUE);
CREATE TABLE books (id serial PRIMARY KEY, author_id int NOT NULL REFERENCES authors ON DELETE CASCADE, title text NOT NULL, price numeric(6,2));
INSERT INTO authors (name) VALUES ('Le Guin'), ('Butler') RETURNING id, name;
INSERT INTO books (author_id, title, price) VALUES (1, 'The Dispossessed', 9.99), (2, 'Kindred', 12.50);
SELECT a.name, b.title, b.price FROM authors a JOIN books b ON b.author_id = a.id ORDER BY b.title;
INSERT INTO books (author_id, title) VALUES (99, 'orphan');
BEGIN;
DELETE FROM authors WHERE name = 'Butler';
SELECT count(*) AS books_left FROM books;
ROLLBACK;
SELECT count(*) AS books FROM books;
SELECT 1 AS one; SELECT 2 AS two;
COPY authors (name) FROM STDIN;
Tiptree
Delany
\.
COPY (SELECT id, name FROM authors ORDER BY id) TO STDOUT;
CREATE INDEX books_title_idx ON books (title);
\dt
\di
\d
-- \d of a table (indexes, check and foreign-key constraints, references
-- both ways), with \d+; a keyless table; views, with their definitions
-- deparsed as PostgreSQL deparses them; an index. PostgreSQL 15 prints
-- the same but for the owner (its user).
CREATE TABLE notes (body text, n int DEFAULT 1 CHECK (n > 0));
CREATE UNIQUE INDEX notes_body_lower ON notes (lower(body)) INCLUDE (n) WHERE n > 1;
CREATE INDEX notes_n_idx ON notes ((n + 1), body DESC);
CREATE VIEW cheap_books AS SELECT id, title FROM books WHERE price < 10;
CREATE VIEW author_books AS SELECT a.name AS author, count(b.id) AS books FROM authors a LEFT JOIN books b ON b.author_id = a.id WHERE a.name <> 'nobody' GROUP BY a.name ORDER BY 2 DESC;
COMMENT ON COLUMN books.title IS 'the title';
\d books
\d+ books
\d authors
\d notes
\d cheap_books
\d+ cheap_books
\d+ author_books
\d books_title_idx
\d authors_pkey
\d notes_body_lower
\d notes_n_idx
-- Triggers: a trigger's RAISE NOTICE, and \d listing the triggers, the
-- disabled ones apart, as PostgreSQL 15 does.
CREATE TABLE cat_t (id int PRIMARY KEY, qty int, name text);
CREATE FUNCTION cat_f() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE NOTICE 'row %', NEW.id; RETURN NEW; END $$;
CREATE TRIGGER a_plain BEFORE DELETE OR INSERT ON cat_t FOR EACH ROW EXECUTE PROCEDURE cat_f();
CREATE TRIGGER c_off BEFORE UPDATE ON cat_t FOR EACH ROW EXECUTE FUNCTION cat_f();
ALTER TABLE cat_t DISABLE TRIGGER c_off;
INSERT INTO cat_t VALUES (1, 2, 'x');
\d cat_t
-- Roles and privileges: \du, \dp and \ddp.
CREATE ROLE web LOGIN CONNECTION LIMIT 5 IN ROLE pg_read_all_data;
CREATE ROLE auditors;
GRANT SELECT, UPDATE ON cat_t TO web;
GRANT SELECT ON cat_t TO auditors WITH GRANT OPTION;
ALTER TABLE cat_t OWNER TO web;
ALTER DEFAULT PRIVILEGES FOR ROLE web GRANT SELECT ON TABLES TO auditors;
\du
\dp cat_t
\ddp
