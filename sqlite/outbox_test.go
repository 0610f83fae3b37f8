package sqlite_test

import (
	"testing"
	"time"

	"github.com/almalinux/alesco"
	"github.com/almalinux/alesco/internal/alescotest"
	"github.com/almalinux/alesco/sqlite"
)

func enqueue(t *testing.T, db *sqlite.DB, e alesco.Effect) bool {
	t.Helper()
	var queued bool
	err := db.Update(testCtx(), func(tx alesco.Tx) (alesco.Change, error) {
		var err error
		queued, err = tx.Enqueue(e)
		return alesco.Change{Action: "test.enqueue", Subject: e.Key}, err
	})
	if err != nil {
		t.Fatal(err)
	}
	return queued
}

func outbox(t *testing.T, db *sqlite.DB) []alesco.OutboxItem {
	t.Helper()
	return read(t, db, func(tx alesco.ReadTx) ([]alesco.OutboxItem, error) { return tx.Outbox(alesco.OutboxFilter{}) })
}

// TestOutboxEnqueue: one row per key; a replaceable effect whose content
// changes is replaced and due again, a message is never queued twice, and a
// delivery of an older revision is not recorded over a newer one.
func TestOutboxEnqueue(t *testing.T) {
	db, _ := openTest(t)
	comment := alesco.Effect{Key: "github:outcome:" + alescotest.DecisionMeeting + ":17", Kind: alesco.EffectComment, CommitteeID: "alesco",
		Comment: &alesco.CommentEffect{Repo: "AlmaLinux/ALESCo", Number: 17, Body: "Passed."}}
	chat := alesco.Effect{Key: "chat:minutes:" + alescotest.DecisionMeeting, Kind: alesco.EffectChat, CommitteeID: "alesco",
		Chat: &alesco.ChatEffect{Text: "Minutes are out."}}
	if !enqueue(t, db, comment) || !enqueue(t, db, chat) {
		t.Fatal("new effects not queued")
	}
	if enqueue(t, db, comment) || enqueue(t, db, chat) {
		t.Fatal("the same effects queued twice")
	}
	items := outbox(t, db)
	if len(items) != 2 || items[0].Status != alesco.OutboxPending || items[0].Revision != 1 || !items[0].Same(comment) {
		t.Fatalf("outbox: %+v", items)
	}

	// The worker takes revision 1 and delivers it; meanwhile an amendment
	// replaces the comment.
	taken := items[0]
	amended := comment
	amended.Comment = &alesco.CommentEffect{Repo: "AlmaLinux/ALESCo", Number: 17, Body: "Passed (minutes amended)."}
	if !enqueue(t, db, amended) {
		t.Fatal("changed comment not replaced")
	}
	changedChat := chat
	changedChat.Chat = &alesco.ChatEffect{Text: "Different words."}
	if enqueue(t, db, changedChat) {
		t.Fatal("a chat post was queued twice under one key")
	}
	taken.MarkDelivered("created comment 1", db.Now())
	var saved bool
	err := db.Update(testCtx(), func(tx alesco.Tx) (alesco.Change, error) {
		var err error
		saved, err = tx.SaveOutboxItem(taken)
		return alesco.Change{Action: "test.deliver", Subject: "outbox"}, err
	})
	if err != nil || saved {
		t.Fatalf("delivery of the replaced revision saved: %v %v", saved, err)
	}
	items = outbox(t, db)
	if it := items[0]; it.Status != alesco.OutboxPending || it.Revision != 2 || it.Comment.Body != "Passed (minutes amended)." {
		t.Fatalf("after the amendment: %+v", it)
	}
	if it := items[1]; it.Chat.Text != "Minutes are out." {
		t.Fatalf("chat post replaced: %+v", it)
	}
	it := items[0]
	it.MarkDelivered("edited comment 1", db.Now())
	err = db.Update(testCtx(), func(tx alesco.Tx) (alesco.Change, error) {
		var err error
		saved, err = tx.SaveOutboxItem(it)
		return alesco.Change{Action: "test.deliver", Subject: "outbox"}, err
	})
	if err != nil || !saved {
		t.Fatalf("delivery not saved: %v %v", saved, err)
	}
	due := read(t, db, func(tx alesco.ReadTx) ([]alesco.OutboxItem, error) {
		return tx.Outbox(alesco.OutboxFilter{Statuses: []alesco.OutboxStatus{alesco.OutboxPending}, DueBy: db.Now().Add(time.Hour)})
	})
	if len(due) != 1 || due[0].Key != chat.Key {
		t.Fatalf("due: %+v", due)
	}
}
