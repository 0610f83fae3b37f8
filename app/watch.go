package app

import (
	"context"
	"reflect"
	"slices"
	"sync"

	"github.com/almalinux/alesco"
)

// A live meeting's record is public: the whole community may watch it.
// Every watcher of a meeting shares one broadcast (a hub): after each
// commit that may have touched the meeting (the store's Touched: its
// committee's minutes or meetings; not tokens, not the outbox's
// bookkeeping) the hub reads the record once, and when it differs from the
// last one, hands the same Snapshot to every watcher. A watcher holds only
// the latest snapshot (a one-slot mailbox): one that is slow to send skips
// to the newest state, and never holds up the writer or the others.

// Snapshot is one state of a meeting's record, shared by all its watchers:
// read-only.
type Snapshot struct {
	Committee *alesco.Committee
	Minutes   *alesco.Minutes
	// Commands are the ids of the last commands run under an id of their
	// client's (RunOnce) whose changes the record holds, oldest first.
	Commands []string

	once sync.Once
	memo any
}

// Memo returns f(s), computed once for all the snapshot's watchers: the
// front end's encoding of it.
func (s *Snapshot) Memo(f func(*Snapshot) any) any {
	s.once.Do(func() { s.memo = f(s) })
	return s.memo
}

// Watcher is one watcher of a meeting's record.
type Watcher struct {
	hub    *hub
	ready  chan struct{}
	mu     sync.Mutex
	latest *Snapshot
}

// Ready is signalled when a snapshot newer than the last Latest is there.
func (w *Watcher) Ready() <-chan struct{} { return w.ready }

// Latest returns the newest snapshot.
func (w *Watcher) Latest() *Snapshot {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.latest
}

// Close stops watching; the hub stops when its last watcher goes.
func (w *Watcher) Close() { w.hub.leave(w) }

func (w *Watcher) put(s *Snapshot) {
	w.mu.Lock()
	w.latest = s
	w.mu.Unlock()
	select {
	case w.ready <- struct{}{}:
	default: // a signal is pending already: the watcher reads the latest
	}
}

// hubs are the broadcasts of the meetings being watched, by meeting id.
type hubs struct {
	mu sync.Mutex
	by map[string]*hub
}

type hub struct {
	app       *App
	meetingID string
	committee string
	stop      chan struct{}

	mu       sync.Mutex
	watchers map[*Watcher]struct{}
	last     *Snapshot
}

// Watch starts watching a meeting's record: the watcher's first snapshot
// is ready at once (before the minutes exist, an empty draft of the
// meeting, so a watcher sees the meeting start). An unknown meeting is
// ENOTFOUND.
func (a *App) Watch(ctx context.Context, meetingID string) (*Watcher, error) {
	c, _, err := a.parseMeetingID(meetingID)
	if err != nil {
		return nil, err
	}
	a.hubs.mu.Lock()
	defer a.hubs.mu.Unlock()
	h := a.hubs.by[meetingID]
	if h == nil {
		// The first watcher reads the record here (under the lock: the
		// watchers who come meanwhile wait for it rather than read it too).
		version := a.Version()
		s, err := a.snapshot(ctx, meetingID)
		if err != nil {
			return nil, err
		}
		h = &hub{app: a, meetingID: meetingID, committee: c.ID, stop: make(chan struct{}), watchers: map[*Watcher]struct{}{}, last: s}
		if a.hubs.by == nil {
			a.hubs.by = map[string]*hub{}
		}
		a.hubs.by[meetingID] = h
		go h.run(version)
	}
	w := &Watcher{hub: h, ready: make(chan struct{}, 1)}
	h.mu.Lock()
	h.watchers[w] = struct{}{}
	w.put(h.last)
	h.mu.Unlock()
	return w, nil
}

// Watching returns the number of watchers of every meeting.
func (a *App) Watching() int {
	a.hubs.mu.Lock()
	defer a.hubs.mu.Unlock()
	n := 0
	for _, h := range a.hubs.by {
		h.mu.Lock()
		n += len(h.watchers)
		h.mu.Unlock()
	}
	return n
}

func (h *hub) leave(w *Watcher) {
	a := h.app
	a.hubs.mu.Lock()
	defer a.hubs.mu.Unlock()
	h.mu.Lock()
	delete(h.watchers, w)
	empty := len(h.watchers) == 0
	h.mu.Unlock()
	if empty && a.hubs.by[h.meetingID] == h {
		delete(a.hubs.by, h.meetingID)
		close(h.stop)
	}
}

// run reads the record again after each commit that may have touched it,
// until the last watcher leaves.
func (h *hub) run(version uint64) {
	a := h.app
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() {
		<-h.stop
		cancel()
	}()
	for {
		// Taken before reading, so a commit during the read wakes the next
		// round instead of being missed.
		changed := a.store.Changed()
		if now := a.Version(); now != version {
			if h.touchedSince(version) {
				h.refresh(ctx)
			}
			version = now
		}
		select {
		case <-h.stop:
			return
		case <-changed:
		}
	}
}

// touchedSince reports whether the commits after version may have changed
// the meeting's record (a reload of the configuration may have too).
func (h *hub) touchedSince(version uint64) bool {
	if version>>48 != h.app.Version()>>48 {
		return true
	}
	committees, all := h.app.store.Touched(version & (1<<48 - 1))
	if all {
		return true
	}
	for _, c := range committees {
		if c == h.committee {
			return true
		}
	}
	return false
}

// refresh reads the record and hands it to every watcher if it changed.
func (h *hub) refresh(ctx context.Context) {
	s, err := h.app.snapshot(ctx, h.meetingID)
	if err != nil {
		if ctx.Err() == nil {
			h.app.log.Warn("watch: reading the record failed", "meeting", h.meetingID, "err", err)
		}
		return
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	if s.Committee == h.last.Committee && reflect.DeepEqual(s.Minutes, h.last.Minutes) && slices.Equal(s.Commands, h.last.Commands) {
		return
	}
	h.last = s
	for w := range h.watchers {
		w.put(s)
	}
}

// WatchMinutes calls send with a meeting's record (and its committee) now,
// and again after every change to it, until ctx ends (it then returns nil)
// or send fails. A slow send skips to the latest record.
func (a *App) WatchMinutes(ctx context.Context, meetingID string, send func(*alesco.Committee, *alesco.Minutes) error) error {
	w, err := a.Watch(ctx, meetingID)
	if err != nil {
		return err
	}
	defer w.Close()
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-w.Ready():
		}
		s := w.Latest()
		if err := send(s.Committee, s.Minutes); err != nil {
			return err
		}
	}
}

// snapshot reads a meeting's record from one snapshot, or an empty draft
// of the meeting when it has none yet.
func (a *App) snapshot(ctx context.Context, meetingID string) (*Snapshot, error) {
	snap := &Snapshot{}
	err := a.store.View(ctx, func(tx alesco.ReadTx) error {
		s, mt, err := a.meeting(tx, meetingID)
		if err != nil {
			return err
		}
		snap.Committee = s.c
		if snap.Minutes, err = tx.Minutes(meetingID); alesco.ErrorCode(err) == alesco.ENOTFOUND {
			snap.Minutes, err = alesco.NewMinutes(mt), nil
		}
		if err != nil {
			return err
		}
		snap.Commands, err = tx.LastCommands(meetingID, 16)
		return err
	})
	if err != nil {
		return nil, err
	}
	return snap, nil
}
