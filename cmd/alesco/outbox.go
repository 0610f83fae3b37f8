package main

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/almalinux/alesco"
	"github.com/spf13/cobra"
)

// outboxList is `alesco outbox list --json`. The API serves no outbox, so
// the shape follows its conventions, as token list's does: the records
// wrapped in an object, camelCase names, RFC 3339 times omitted when unset.
type outboxList struct {
	Items []outboxJSON `json:"items"`
}

// outboxJSON is one outbox item as `alesco outbox ... --json` prints it.
type outboxJSON struct {
	ID          int64  `json:"id"`
	Key         string `json:"key"`
	Kind        string `json:"kind"`
	CommitteeID string `json:"committeeId"`
	Target      string `json:"target"`
	Status      string `json:"status"`
	Revision    int    `json:"revision"`
	Attempts    int    `json:"attempts"`
	NextAttempt string `json:"nextAttemptTime,omitempty"`
	LastError   string `json:"lastError,omitempty"`
	Result      string `json:"result,omitempty"`
	Created     string `json:"createTime"`
	Updated     string `json:"updateTime"`
	Delivered   string `json:"deliverTime,omitempty"`
	// Effect is what is delivered, the stored payload with its names in
	// camelCase too.
	Effect map[string]any `json:"effect"`
}

func toOutboxJSON(it alesco.OutboxItem) (outboxJSON, error) {
	out := outboxJSON{ID: it.ID, Key: it.Key, Kind: string(it.Kind), CommitteeID: it.CommitteeID, Target: target(it.Effect),
		Status: string(it.Status), Revision: it.Revision, Attempts: it.Attempts, LastError: it.LastError, Result: it.Result,
		Created: jsonTime(it.Created), Updated: jsonTime(it.Updated), Delivered: jsonTime(it.Delivered)}
	if it.Status == alesco.OutboxPending {
		out.NextAttempt = jsonTime(it.NextAttempt)
	}
	b, err := json.Marshal(it.Effect)
	if err != nil {
		return out, fmt.Errorf("outbox item %d: %w", it.ID, err)
	}
	var effect any
	if err := json.Unmarshal(b, &effect); err != nil {
		return out, fmt.Errorf("outbox item %d: %w", it.ID, err)
	}
	out.Effect, _ = camelKeys(effect).(map[string]any)
	return out, nil
}

// camelKeys renames the object keys of a decoded JSON value from the
// stored payload's snake_case to the API's lowerCamelCase (index_line →
// indexLine), as protojson names fields.
func camelKeys(v any) any {
	switch v := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(v))
		for k, x := range v {
			parts := strings.Split(k, "_")
			for i := 1; i < len(parts); i++ {
				if p := parts[i]; p != "" {
					parts[i] = strings.ToUpper(p[:1]) + p[1:]
				}
			}
			out[strings.Join(parts, "")] = camelKeys(x)
		}
		return out
	case []any:
		for i, x := range v {
			v[i] = camelKeys(x)
		}
	}
	return v
}

// target says in a few words where an effect goes.
func target(e alesco.Effect) string {
	switch {
	case e.Comment != nil:
		return fmt.Sprintf("%s#%d", e.Comment.Repo, e.Comment.Number)
	case e.Labels != nil:
		return fmt.Sprintf("%s#%d", e.Labels.Repo, e.Labels.Number)
	case e.Review != nil:
		return fmt.Sprintf("%s#%d", e.Review.Repo, e.Review.Number)
	case e.Wiki != nil:
		return e.Wiki.Repo + " " + e.Wiki.Branch
	case e.Mail != nil:
		return strings.Join(e.Mail.To, ", ")
	case e.Chat != nil:
		return "chat"
	}
	return ""
}

func (m *Main) outboxCommand() *cobra.Command {
	cmd := &cobra.Command{Use: "outbox", Short: "Show and steer what alesco tells GitHub, the wiki, chat and mail", Args: cobra.NoArgs,
		Long: `Every effect alesco has outside itself (a comment or labels on a pull request, the
wiki's minutes pull request, a chat post, an email) waits in the outbox until the
server's worker delivers it. Failed deliveries are retried with backoff; after
` + strconv.Itoa(alesco.MaxDeliveryAttempts) + ` failures (or one the upstream refuses for good) an item is parked with its error.

  alesco outbox list            pending and parked items, with why they wait
  alesco outbox list --all      every item, delivered and dropped ones too
  alesco outbox retry ID        queue a parked (or pending) item again now
  alesco outbox drop ID         give an item up: it is never delivered`,
		RunE: func(cmd *cobra.Command, args []string) error { return cmd.Help() }}

	var lf storeFlags
	var all, asJSON bool
	var statuses string
	list := &cobra.Command{
		Use: "list [--all | --status pending,parked,done,dropped] [--json]", Short: "List outbox items (pending and parked by default)", Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			f := alesco.OutboxFilter{Statuses: []alesco.OutboxStatus{alesco.OutboxPending, alesco.OutboxParked}}
			switch {
			case all:
				f.Statuses = nil
			case statuses != "":
				f.Statuses = nil
				for _, s := range strings.Split(statuses, ",") {
					st, err := alesco.ParseOutboxStatus(strings.TrimSpace(s))
					if err != nil {
						return usageError(err)
					}
					f.Statuses = append(f.Statuses, st)
				}
			}
			a, db, err := m.open(cmd.Context(), lf)
			if err != nil {
				return err
			}
			defer db.Close()
			items, err := a.Outbox(cmd.Context(), f)
			if err != nil {
				return err
			}
			if asJSON {
				out := outboxList{Items: []outboxJSON{}}
				for _, it := range items {
					j, err := toOutboxJSON(it)
					if err != nil {
						return err
					}
					out.Items = append(out.Items, j)
				}
				return m.printJSON(out)
			}
			tw := tabwriter.NewWriter(m.Stdout, 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "ID\tSTATUS\tKIND\tTARGET\tATTEMPTS\tWHEN\tKEY\tERROR / RESULT")
			at := func(t time.Time) string { return t.UTC().Format("2006-01-02 15:04:05 UTC") }
			for _, it := range items {
				when, note := "", it.Result
				switch it.Status {
				case alesco.OutboxPending:
					when, note = "next "+at(it.NextAttempt), it.LastError
				case alesco.OutboxParked:
					when, note = "parked "+at(it.Updated), it.LastError
				case alesco.OutboxDone:
					when = "sent " + at(it.Delivered)
				case alesco.OutboxDropped:
					when = "dropped " + at(it.Updated)
				}
				fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%d\t%s\t%s\t%s\n", it.ID, it.Status, it.Kind, target(it.Effect), it.Attempts, when, it.Key,
					strings.ReplaceAll(note, "\n", " "))
			}
			if err := tw.Flush(); err != nil {
				return err
			}
			if len(items) == 0 && !all && statuses == "" {
				fmt.Fprintln(m.Stderr, "nothing waits: every effect was delivered (see --all)")
			}
			return nil
		},
	}
	lf.add(list)
	list.Flags().BoolVar(&all, "all", false, "list every item, delivered and dropped ones too")
	list.Flags().StringVar(&statuses, "status", "", "comma-separated statuses: pending, parked, done, dropped")
	jsonFlag(list, &asJSON)

	cmd.AddCommand(list, m.outboxSteer("retry", "Queue an item again now, its failed attempts forgotten"),
		m.outboxSteer("drop", "Give an item up: it is kept, marked dropped, and never delivered"))
	return cmd
}

// outboxSteer is `outbox retry ID` or `outbox drop ID`.
func (m *Main) outboxSteer(verb, short string) *cobra.Command {
	var sf storeFlags
	var asJSON bool
	c := &cobra.Command{
		Use: verb + " ID [--json]", Short: short, Args: exactArgs(1, "the outbox item's id"),
		RunE: func(cmd *cobra.Command, args []string) error {
			id, err := strconv.ParseInt(args[0], 10, 64)
			if err != nil || id <= 0 {
				return usageError(fmt.Errorf("outbox %s: %q is not an outbox item id (see alesco outbox list)", verb, args[0]))
			}
			a, db, err := m.open(cmd.Context(), sf)
			if err != nil {
				return err
			}
			defer db.Close()
			act := a.RetryOutbox
			if verb == "drop" {
				act = a.DropOutbox
			}
			it, err := act(operator(cmd.Context()), id)
			if err != nil {
				return err
			}
			if asJSON {
				j, err := toOutboxJSON(it)
				if err != nil {
					return err
				}
				return m.printJSON(j)
			}
			_, err = fmt.Fprintf(m.Stdout, "outbox item %d (%s): %s\n", it.ID, it.Key, it.Status)
			return err
		},
	}
	sf.add(c)
	c.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	return c
}
