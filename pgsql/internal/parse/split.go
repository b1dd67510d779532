package parse

// Span is one statement of a SQL text: sql[Start:End], without the
// semicolon that ends it, and the number of parameters it takes.
type Span struct {
	Start, End int
	// Params is the highest N of the $N in the statement, which is how many
	// arguments PostgreSQL expects for it; 0 when it has none.
	Params int
}

// Split cuts sql into its statements at top-level semicolons (outside
// literals, comments and parentheses) without parsing them, dropping
// statements that are empty or only comments. It returns the lexical
// errors Parse would (unterminated literals and comments, invalid UTF-8)
// as *pgerr.Error.
func Split(sql string) ([]Span, error) {
	src, err := prepare(sql)
	if err != nil {
		return nil, err
	}
	return src.spans(), nil
}

// spans splits the source's tokens into statements.
func (s *source) spans() []Span {
	var out []Span
	depth := 0
	cur := Span{Start: -1}
	flush := func() {
		if cur.Start >= 0 {
			out = append(out, cur)
		}
		cur = Span{Start: -1}
	}
	for _, t := range s.toks {
		if t.kind == tokPunct && depth == 0 && s.sql[t.start] == ';' {
			flush()
			continue
		}
		if t.kind == tokPunct {
			switch s.sql[t.start] {
			case '(':
				depth++
			case ')':
				if depth > 0 {
					depth--
				}
			}
		}
		if cur.Start < 0 {
			cur.Start = t.start
		}
		cur.End = t.end
		if t.kind == tokParam && t.param > cur.Params {
			cur.Params = t.param
		}
	}
	flush()
	return out
}

// ParamCount returns how many arguments sql takes: the highest N of its
// $N parameters over all its statements, 0 when it has none.
func ParamCount(sql string) (int, error) {
	spans, err := Split(sql)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, sp := range spans {
		n = max(n, sp.Params)
	}
	return n, nil
}
