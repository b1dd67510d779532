package parse

import (
	"github.com/pgplex/pgparser/nodes"
	"github.com/pgplex/pgparser/parser"
)

// rawParse runs pgparser over text and returns its statement nodes. It is
// the only place that calls the grammar, so the known flaws of pgparser
// v0.2.0 (lexer errors swallowed, no token locations, parameter numbers
// not carried) are worked around in one layer above it.
func rawParse(text string) ([]nodes.Node, error) {
	list, err := parser.Parse(text)
	if err != nil {
		return nil, err
	}
	if list == nil {
		return nil, nil
	}
	return list.Items, nil
}
