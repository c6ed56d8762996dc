package main

import (
	"context"
	"errors"
	"fmt"

	"github.com/medjournal/medjournal/store"
)

func audit(ctx context.Context, e env, args []string) error {
	if len(args) == 0 || args[0] != "verify" {
		return errors.New("usage: medjournal audit verify [--db PATH]")
	}
	fs := newFlagSet(e, "audit verify", "audit verify [--db PATH]")
	db := dbFlag(fs)
	if err := parseWithEnv(e, fs, args[1:]); err != nil {
		return err
	}
	st, err := store.Open(ctx, *db)
	if err != nil {
		return err
	}
	defer st.Close()
	n, err := st.VerifyAudit(ctx)
	if err != nil {
		return fmt.Errorf("audit verify: %d events intact before the break: %w", n, err)
	}
	fmt.Fprintf(e.stdout, "audit trail intact: %d events, hash chain verified\n", n)
	return nil
}
