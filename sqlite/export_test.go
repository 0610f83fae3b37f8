package sqlite

import "github.com/almalinux/alesco"

// WithoutSeal makes tx write what releases before every final record was
// sealed wrote: the minutes it made final get no seal in its audit row
// (endmeeting's row held recorded_by and edited_by alone).
func WithoutSeal(tx alesco.Tx) { tx.(*txn).frozen = nil }

// Upgrades names the upgrade steps written in Go: a test deletes their
// record in schema_migrations to leave a database as the release before
// them left it.
func Upgrades() []string {
	var names []string
	for _, u := range upgrades {
		names = append(names, u.name)
	}
	return names
}
