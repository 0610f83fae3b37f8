package main

import (
	"context"
	"fmt"
)

func errNotYet(cmd string) error { return fmt.Errorf("alesco %s: not implemented yet", cmd) }

func runMeetings(ctx context.Context, m *Main, args []string) error { return errNotYet("meetings") }
