package alesco

// CarryOverKind says why an item is carried to a later agenda.
type CarryOverKind string

// Kinds of carried-over items.
const (
	CarryMotion     CarryOverKind = "motion"      // a motion tabled or punted
	CarryActionItem CarryOverKind = "action_item" // an action item still open
)

// CarryOverItem is something a meeting's minutes left open, which the next
// agenda lists under "carried over".
type CarryOverItem struct {
	Kind           CarryOverKind
	MeetingID      string // the meeting that left it open
	Title          string
	ProposalNumber int // pull request the item is about; 0 for none
	Owner          string
	Note           string // e.g. "punted until a proof of concept is built"
}
