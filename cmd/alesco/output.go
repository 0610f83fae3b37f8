package main

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"
)

// Output conventions, the same for every command: lists print an aligned
// table with an upper-case header on stdout; --json prints the same records
// as one JSON object that wraps them in a list (for records the API also
// serves, exactly the API's response message, camelCase as protojson
// writes it; for the others, the same conventions); notes for people
// (how fresh the data is, what was done) go to stderr, so stdout pipes
// cleanly.

// jsonFlag adds the --json flag every listing command has.
func jsonFlag(cmd *cobra.Command, v *bool) {
	cmd.Flags().BoolVar(v, "json", false, "print JSON instead of a table")
}

// printProto writes an API message as indented JSON.
func (m *Main) printProto(msg proto.Message) error {
	b, err := protojson.MarshalOptions{Multiline: true, Indent: "  "}.Marshal(msg)
	if err != nil {
		return err
	}
	_, err = fmt.Fprintln(m.Stdout, string(b))
	return err
}

// printJSON writes a value as indented JSON.
func (m *Main) printJSON(v any) error {
	enc := json.NewEncoder(m.Stdout)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

// table is an aligned table with a header row.
type table struct {
	w    *tabwriter.Writer
	rows int
}

func newTable(w io.Writer, header ...string) *table {
	t := &table{w: tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)}
	fmt.Fprintln(t.w, strings.Join(header, "\t"))
	return t
}

// row adds one row; tabs and newlines inside a cell would break the
// alignment, so they become spaces.
func (t *table) row(cells ...string) {
	for i, c := range cells {
		cells[i] = strings.NewReplacer("\t", " ", "\n", " ", "\r", " ").Replace(c)
	}
	t.rows++
	fmt.Fprintln(t.w, strings.Join(cells, "\t"))
}

// flush writes the table, or the empty note after the header when it has
// no rows.
func (t *table) flush(empty string) error {
	if t.rows == 0 && empty != "" {
		fmt.Fprintln(t.w, empty)
	}
	return t.w.Flush()
}
