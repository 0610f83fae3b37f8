package sqlite

// touch is what one commit wrote: the committees whose meetings it
// changed, or all (unknown: another process's commit).
type touch struct {
	version    uint64
	committees []string
	all        bool
}

// keptTouches is how many commits Touched remembers; a watcher further
// behind reads again whatever they were.
const keptTouches = 64

// Touched implements alesco.Store.
func (db *DB) Touched(since uint64) (committees []string, all bool) {
	db.mu.Lock()
	defer db.mu.Unlock()
	v := db.version.Load()
	if since >= v {
		return nil, false
	}
	if len(db.touches) == 0 || db.touches[0].version > since+1 {
		return nil, true
	}
	for _, t := range db.touches {
		if t.version <= since {
			continue
		}
		if t.all {
			return nil, true
		}
		committees = append(committees, t.committees...)
	}
	return committees, false
}

// touch notes that the transaction wrote a meeting of committee id.
func (t *txn) touch(id string) {
	for _, c := range t.touched {
		if c == id {
			return
		}
	}
	t.touched = append(t.touched, id)
}
