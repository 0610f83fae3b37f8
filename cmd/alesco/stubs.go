package main

import (
	"context"
	"fmt"
)

func errNotYet(cmd string) error { return fmt.Errorf("alesco %s: not implemented yet", cmd) }

func runAgenda(ctx context.Context, m *Main, args []string) error { return errNotYet("agenda") }

func runMinutes(ctx context.Context, m *Main, args []string) error { return errNotYet("minutes") }
