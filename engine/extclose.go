package engine

import "errors"

// Closer is implemented by an Extension's state that must write something
// into its durable database before the database closes, as the SQL
// layer's sequences write their exact values so that a clean restart
// continues where they stood. Close calls BeforeClose once per state
// before it stops accepting transactions, so BeforeClose may run them on
// db; an in-memory database calls no BeforeClose (it keeps nothing).
// BeforeClose may run while other goroutines still use db.
type Closer interface {
	BeforeClose(db *DB) error
}

// closeExtensions calls BeforeClose of each Extension state that has one,
// and joins their errors.
func (db *DB) closeExtensions() error {
	var errs []error
	db.ext.Range(func(_, v any) bool {
		if c, ok := v.(Closer); ok {
			if err := c.BeforeClose(db); err != nil {
				errs = append(errs, err)
			}
		}
		return true
	})
	return errors.Join(errs...)
}
